// The catalogue: the démarches a kiosk offers, as data.
//
// A collectivité describes each démarche in a JSON file (format in
// docs/catalogue.md); the kiosk turns it into these plain types. Loading is
// strict: a démarche with any error is left out whole and the error names the
// file, the JSON path and the reason, so that the kiosk keeps running with
// the démarches that are sound. This file does no I/O: the caller hands in
// the files' contents.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

enum class FieldType {
    ShortText, // one line on the AZERTY keyboard
    LongText, // a few lines on the AZERTY keyboard
    Phone, // French phone number on the digit pad
    Choice, // one of several pictogram tiles
};

struct ChoiceOption {
    std::string id;
    std::string label;
    std::string hint;
    std::string pictogram;
};

// Resident-facing messages for each way a field can be wrong. The catalogue
// may override each; defaults are plain French (see runner.cpp).
struct FieldMessages {
    std::optional<std::string> required;
    std::optional<std::string> too_short;
    std::optional<std::string> too_long;
    std::optional<std::string> invalid;
};

struct Field {
    std::string id;
    FieldType type { FieldType::ShortText };
    std::string label;
    std::string hint;
    bool required { true };
    // Personal fields are masked when the screen is shared and never spoken
    // without the resident's request.
    bool personal { false };
    std::size_t min_length { 0 }; // in characters, not bytes
    std::size_t max_length { 200 };
    std::vector<ChoiceOption> choices;
    FieldMessages messages;

    ChoiceOption const* find_choice(std::string_view choice_id) const;
};

struct Page {
    std::string id;
    std::string title; // the one question this screen asks
    std::string instruction; // one short sentence saying what to do
    std::vector<Field> fields;
};

struct ReceiptTemplate {
    std::string title; // "Votre signalement est enregistré"
    std::string next_steps; // what happens next, in plain words
};

struct Demarche {
    std::string id;
    std::string version;
    std::string title;
    std::string short_title; // on the home tile
    std::string description;
    std::string pictogram;
    std::string theme;
    std::vector<Page> pages;
    ReceiptTemplate receipt;

    Field const* find_field(std::string_view field_id) const;
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

// Format 1's limits, set by what one screen shows without scrolling: the
// review lists one answer per page, a choice is one row of tiles.
inline constexpr std::size_t max_pages = 4;
inline constexpr std::size_t max_choices = 5;
// The home screen's tiles (two rows of three); more démarches wait for
// themes and life situations.
inline constexpr std::size_t max_home_demarches = 6;

struct Catalogue {
    std::vector<Demarche> demarches;
    std::vector<LoadError> errors;

    Demarche const* find(std::string_view demarche_id) const;
};

// Parses one démarche. On error, returns no démarche and appends every error
// found (not only the first) to `errors`.
std::optional<Demarche> load_demarche(CatalogueSource const& source, std::vector<LoadError>& errors);

// Parses every source. Démarches with errors are left out; duplicate ids are
// an error for the second file (the first one stays).
Catalogue load_catalogue(std::vector<CatalogueSource> const& sources);

}
