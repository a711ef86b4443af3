// The catalogue: the démarches a kiosk offers, as data.
//
// A collectivité describes each démarche in a JSON file, and the ways to find
// them (themes, life situations) in `orientation.json` (format in
// docs/catalogue.md); the kiosk turns them into these plain types. Loading is
// strict: a démarche with any error is left out whole and every error names
// the file, the JSON path and the reason, so that the kiosk keeps running with
// the démarches that are sound. This file does no I/O: the caller hands in
// the files' contents.
#pragma once

#include "condition.hpp"
#include "text.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

enum class FieldType {
    ShortText, // one line on the AZERTY keyboard
    LongText, // a few lines on the AZERTY keyboard
    Number, // a whole number on the digit pad
    Date, // JJ/MM/AAAA on the digit pad
    Choice, // one of several pictogram tiles
    MultiChoice, // some of several pictogram tiles
    YesNo, // two big tiles
    Address, // number, street, postcode, commune: four screens
    Phone, // French phone number on the digit pad
    Email, // the AZERTY keyboard with @ and .fr at hand
    Identity, // surname, given names, birth date, birth place: four screens
    Consent, // a text and one box to tick
    Info, // a panel to read, nothing to answer
    Group, // the same fields again for each item (each child)
    Appointment, // a day, then a time, from the slots a service publishes
    TrackingCode, // the code of a receipt, typed or scanned, to follow a request
};

std::string_view to_string(FieldType type);
std::optional<FieldType> parse_field_type(std::string_view text);

// The parts of the composite types, in the order they are asked. Their ids
// are the keys of the dossier's answer objects and the names conditions use
// ("personne.birth_date").
enum class Part {
    Whole, // not a composite
    Surname,
    GivenNames,
    BirthDate,
    BirthPlace,
    StreetNumber,
    Street,
    Postcode,
    Commune,
    Day,
    Time,
};

std::string_view to_string(Part part);
std::vector<Part> const& parts_of(FieldType type);
std::optional<Part> parse_part(FieldType type, std::string_view text);

struct ChoiceOption {
    std::string id;
    Text label;
    Text hint;
    std::string pictogram;
};

// Resident-facing messages for each way a field can be wrong. The catalogue
// may override each; defaults are plain French (see runner.cpp).
struct FieldMessages {
    std::optional<Text> required;
    std::optional<Text> too_short;
    std::optional<Text> too_long;
    std::optional<Text> invalid;
};

// A check beyond the field's type: the answer is refused with `message`
// unless `require` holds ("une copie intégrale ne peut pas être demandée pour
// une autre personne").
struct Rule {
    Condition require;
    Text message;
};

struct Field {
    std::string id;
    FieldType type { FieldType::ShortText };
    Text label; // short, beside the answer on the review screen
    Text question; // the screen's title while it is asked; the label by default
    Text hint; // in the empty box ("Par exemple : …"), or under the tiles
    Text text; // what a consent says, or what an information panel says
    std::string pictogram; // an information panel's picture
    std::string service; // an appointment's: whose slots ("cni-passeport")
    bool required { true };
    // Personal fields are masked when the screen is shared and never spoken
    // without the resident's request.
    bool personal { false };
    std::size_t min_length { 0 }; // in characters, not bytes
    std::size_t max_length { 120 };
    std::optional<long> min; // number
    std::optional<long> max;
    bool not_future { false }; // date
    bool not_past { false };
    std::optional<int> min_age; // date, or the identity's birth date
    std::optional<int> max_age;
    // Identity: the resident may fill it from their ID card's chip, and
    // whether an expired card still does: nothing (it does, the expiry is
    // shown), 0 (it must be valid), N (expired less than N years ago).
    bool card { false };
    std::optional<int> card_expired_max_years;
    std::vector<ChoiceOption> choices; // choice, multi_choice
    std::size_t min_selected { 1 }; // multi_choice
    std::size_t max_selected { 0 }; // multi_choice; 0: as many as there are
    // Group: the fields asked for each item, how items are named ("Enfant
    // {n}"), and the question that offers one more.
    std::vector<Field> fields;
    Text item_label;
    Text add_question;
    std::size_t min_items { 1 };
    std::size_t max_items { 6 };
    std::optional<Condition> when; // shown only when this holds
    std::vector<Rule> rules;
    FieldMessages messages;

    ChoiceOption const* find_choice(std::string_view choice_id) const;
    bool is_composite() const
    {
        return type == FieldType::Address || type == FieldType::Identity || type == FieldType::Appointment;
    }
};

struct Page {
    std::string id;
    Text title; // the section's heading, above each question
    Text instruction; // one short sentence saying what to do
    std::optional<Condition> when;
    std::vector<Field> fields;
};

struct ReceiptTemplate {
    Text title; // "Votre signalement est enregistré"
    Text next_steps; // what happens next, in plain words
};

// What the start screen says before the first question.
struct Intro {
    Text asks; // what will be asked, in one or two sentences
    std::vector<Text> have_at_hand; // papers to have ready
    int minutes { 5 }; // about how long it takes
};

// How much a démarche depends on a device. A required device that is missing
// makes the démarche unavailable, with `when_unavailable` saying what to do
// instead; an optional one has a fallback (the code stays on screen, the
// identity is typed).
enum class DeviceNeed {
    None,
    Optional,
    Required,
};

struct DeviceNeeds {
    DeviceNeed printer { DeviceNeed::Optional };
    DeviceNeed card_reader { DeviceNeed::None };
};

// What a démarche ends with: a dossier sent to the services, or the
// status of an earlier request ("Suivre ma demande"), which keeps nothing.
enum class DemarcheKind {
    Dossier,
    FollowUp,
};

struct Demarche {
    std::string id;
    DemarcheKind kind { DemarcheKind::Dossier };
    std::string version;
    Text title;
    Text short_title; // on the home tile
    Text description;
    std::string pictogram;
    std::string theme;
    std::vector<std::string> situations;
    Intro intro;
    DeviceNeeds devices;
    Text when_unavailable;
    std::vector<Page> pages;
    ReceiptTemplate receipt;

    // Top-level fields only; group members are found through their group.
    Field const* find_field(std::string_view field_id) const;
};

// Themes and life situations: the two ways to find a démarche besides the
// most used ones.
struct Theme {
    std::string id;
    Text title;
    Text description;
    std::string pictogram;
};

struct Situation {
    std::string id;
    Text title;
    std::string pictogram;
};

struct Orientation {
    std::vector<Theme> themes;
    std::vector<Situation> situations;

    Theme const* find_theme(std::string_view id) const;
    Situation const* find_situation(std::string_view id) const;
};

struct LoadError {
    std::string file;
    std::string json_path; // "$.pages[1].fields[0].type"
    std::string reason;

    std::string to_string() const;
};

struct CatalogueSource {
    std::string name; // usually the file path, for error messages
    std::string text;
};

// The catalogue format this kiosk reads.
inline constexpr int catalogue_format = 2;
// What one screen holds: two rows of four tiles.
inline constexpr std::size_t max_choices = 8;
// A démarche longer than this is a form, not a démarche for a kiosk.
inline constexpr std::size_t max_pages = 20;
inline constexpr std::size_t max_fields_per_page = 8;
// The name of the orientation file in a catalogue folder.
inline constexpr std::string_view orientation_file_name = "orientation.json";

// How strict loading is about languages. A catalogue's author writes
// French first; the other languages may come later. Not strict (the
// default), a text without some language loads and shows in French, and the
// gap is listed in `untranslated` for the kiosk to log. Strict (a published
// catalogue, `kioskctl catalogue check --strict`), the gap is a load error.
struct LoadOptions {
    bool strict_languages { false };
};

struct Catalogue {
    Orientation orientation;
    std::vector<Demarche> demarches;
    std::vector<LoadError> errors;
    // Texts lacking a language, one entry per text (not strict only).
    std::vector<LoadError> untranslated;

    Demarche const* find(std::string_view demarche_id) const;
};

// Calls `visit` with every text a resident may read in the catalogue: the
// themes and situations, then each démarche's (translations, checks).
void for_each_text(Catalogue const& catalogue, std::function<void(Text const&)> const& visit);
void for_each_text(Demarche const& demarche, std::function<void(Text const&)> const& visit);

// Parses the orientation file. On error, returns nothing and appends every
// error found.
// Texts lacking a language go to `untranslated` (errors when strict).
std::optional<Orientation> load_orientation(CatalogueSource const& source, std::vector<LoadError>& errors,
    LoadOptions const& options = {}, std::vector<LoadError>* untranslated = nullptr);

// Parses one démarche, checking its theme and situations against
// `orientation`. On error, returns no démarche and appends every error found
// (not only the first) to `errors`.
std::optional<Demarche> load_demarche(CatalogueSource const& source, Orientation const& orientation,
    std::vector<LoadError>& errors, LoadOptions const& options = {}, std::vector<LoadError>* untranslated = nullptr);

// Parses a whole catalogue: the orientation first (without it no démarche
// can be checked, so none is loaded), then every démarche. Démarches with
// errors are left out; duplicate ids are an error for the second file (the
// first one stays).
Catalogue load_catalogue(
    CatalogueSource const& orientation, std::vector<CatalogueSource> const& demarches, LoadOptions const& options = {});

}
