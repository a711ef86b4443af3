// The démarche runner: walks a resident through one démarche, one question
// per screen, holds their answers, and checks each with a message they can
// act on.
//
// The catalogue describes pages of fields; the runner turns them into steps,
// one per screen: a plain field is one step, an address or an identity is
// four (one per part), a group repeats its fields for each item and then asks
// whether there is another. The list of steps is worked out again after
// every change, from the display conditions and the answers so far, so that
// changing an answer that later pages depend on shows or hides them at once.
// An answer hidden by a condition is kept while the resident is here (they may
// change their mind back) but never reaches the dossier.
#pragma once

#include "catalogue.hpp"
#include "field_values.hpp"
#include "mrz.hpp"
#include "ports.hpp"
#include "tracking_code.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

class CommuneIndex;
class SlotSchedule;

// How a step is answered; the UI picks its widgets from this alone.
enum class InputKind {
    Text, // AZERTY keyboard, one line
    LongText, // AZERTY keyboard, a box of several lines
    Email, // AZERTY keyboard with @ and the usual endings
    Digits, // digit pad: numbers, postcodes
    Phone, // digit pad, grouped in pairs
    Date, // digit pad in a JJ/MM/AAAA mask
    Choice, // pictogram tiles, one chosen
    MultiChoice, // pictogram tiles, several chosen
    YesNo, // two big tiles
    Consent, // a text and a box to tick
    Info, // a panel to read
    Commune, // one tile per commune of the postcode typed before
};

struct Step {
    // Where the answer is kept, and its path in the dossier:
    // "type_acte", "personne.birth_date", "enfants.1.prenom".
    std::string key;
    std::size_t page_index { 0 };
    Field const* field { nullptr };
    Part part { Part::Whole };
    Field const* group { nullptr }; // the group this step repeats for, if any
    std::size_t item { 0 }; // which of the group's items, from 0
    bool add_another { false }; // the group's "one more?" question
    InputKind input { InputKind::Text };
    // Read from the resident's ID card: shown as "lu sur votre carte", never
    // asked, never edited by the resident.
    bool from_card { false };
};

// What a step shows, resolved from the catalogue, the part and the item.
struct StepTexts {
    std::string section; // "La personne concernée", "Enfant 2"
    std::string question;
    std::string instruction;
    std::string hint;
    std::string label; // on the review screen
};

// A tile to touch: a choice, yes or no, or a commune.
struct Option {
    std::string id;
    std::string label;
    std::string hint;
    std::string pictogram;
    // Data shown as it is, never translated: a commune's name and postcode,
    // the place of an appointment.
    bool label_is_data { false };
    bool hint_is_data { false };
};

struct SummaryLine {
    std::string key; // of the step that asks it: "Modifier" goes there
    std::string section;
    std::string label;
    std::string value; // display form; empty when the resident left it out
    bool personal { false };
    bool from_card { false }; // "lu sur votre carte", no "Modifier"
    bool corrected { false }; // from the card, then corrected by an agent
    // A line that takes a whole item of a group away ("Enfant 2" added by
    // mistake): `key` is then "GROUP.ITEM", for remove_item().
    bool removes_item { false };
};

enum class Advance {
    Refused, // the answer needs a correction: error() says which
    Moved, // on to the next step
    Finished, // that was the last step: time to review
};

// The tracking code in what a resident typed ("kxtb pdqm", "KXTB-PDQM") or a
// scanner read from the receipt's QR code (the follow link).
std::optional<TrackingCode> tracking_code_in(std::string_view text);

// When a card that expired on `expiry` does not do for this identity field
// (card_expired_max_years), the sentence saying so.
std::optional<std::string> expired_card_refusal(Field const& identity, Date expiry, Date today);

// A step's key as usage events carry it ("lieu", "adresse.postcode",
// "enfants.1.prenom", "enfants.more", "review") said in French for the
// hub's usage page: the field's label, the item's number, the part's
// question. The key itself when `demarche` does not know it (a step of
// an older version of the démarche).
std::string describe_step(Demarche const& demarche, std::string_view key);

// "0612345678" → "06 12 34 56 78": phone numbers are read in pairs.
std::string in_pairs(std::string_view digits);

// The plain French phone helpers of the first démarche, kept for receipts
// and tests.
std::optional<std::string> normalize_french_phone(std::string_view text);

class DemarcheRunner {
public:
    // `communes` may be null (the list did not load): postcodes are then
    // checked for their shape only and the commune is typed.
    // `slots` may be null too: an appointment then has no day to offer.
    DemarcheRunner(
        Demarche const& demarche, CommuneIndex const* communes, Date today, SlotSchedule const* slots = nullptr);
    ~DemarcheRunner();
    DemarcheRunner(DemarcheRunner const&) = delete;
    DemarcheRunner& operator=(DemarcheRunner const&) = delete;

    Demarche const& demarche() const { return m_demarche; }
    std::vector<Step> const& steps() const { return m_steps; }
    std::size_t step_index() const { return m_index; }
    Step const& step() const { return m_steps[m_index]; }
    StepTexts texts(Step const& step) const;
    std::vector<Option> options(Step const& step) const;
    // A postcode may serve dozens of communes (51300 serves 46): beyond one
    // screen of tiles, the resident types the start of the name and the
    // tiles narrow to the communes that match.
    static constexpr std::size_t communes_on_one_screen = 8;
    bool commune_needs_filter(Step const& step) const;
    std::string const& commune_filter() const { return m_filter; }
    // Communes of the step's postcode before filtering.
    std::size_t commune_count(Step const& step) const;

    // What the resident entered for a step, as they entered it (the date's
    // digits, the choice's id, a multiple choice's ids joined by commas).
    std::string const& answer(std::string_view key) const;
    // The validation message shown under the current step, if any.
    std::optional<std::string> const& error() const { return m_error; }

    // Editing the current step. Typing past the step's maximum length, or a
    // letter on a digit pad, is refused (the keys stop), not cut later.
    void insert_text(std::string_view text);
    void erase_last();
    // Chooses a tile; on a multiple choice or a consent, touches it again
    // to undo.
    void choose(std::string_view option_id);

    // Checks the current step; moves on when it is valid.
    Advance next();
    // Returns false on the first step (there is nothing before it).
    bool back();
    // Goes to the step with this key, if it is shown; false otherwise.
    bool go_to(std::string_view key);
    // The first shown step whose answer is not valid, if any.
    std::optional<std::size_t> first_invalid_step() const;
    // Goes to the first invalid step and shows why; false when all are valid.
    bool show_first_invalid();
    // The keys of the steps shown now, to compare with after an edit.
    std::vector<std::string> step_keys() const;
    // Goes to the first step that is shown now but was not among `before`
    // (an information panel or an optional question an edit brought in);
    // false if there is none.
    bool go_to_first_new(std::vector<std::string> const& before);

    std::vector<SummaryLine> summary() const;
    // An answer as the review shows it ("12/08/1974" for a date).
    std::string display_value(Step const& step) const { return display(step); }
    // The answers as stored in a dossier: an object keyed by field id, with
    // addresses and identities as objects, groups as lists of objects,
    // numbers as numbers, yes/no as booleans. Hidden steps are left out.
    nlohmann::ordered_json answers_json() const;
    // What the receipt must say besides the code: the appointment booked.
    std::vector<std::string> receipt_lines() const;
    // The appointment slots the answers take, and those already taken
    // (never offered).
    std::vector<std::string> chosen_slots() const;
    void set_booked_slots(BookedSlots booked) { m_booked = std::move(booked); }

    // [SECTION] The ID card

    // Whether the current step is the first question of an identity the
    // resident may fill from their card, not yet filled from it.
    bool offers_card() const;
    // The identity field (its key, "personne") the current step belongs to,
    // when it is an identity that takes a card.
    std::optional<std::string> card_field() const;
    // Fills the identity `field_key` from the card: surname, given names
    // and birth date, which are then from_card (the birth place is still
    // asked: the MRZ does not hold it). Moves past them to the next step
    // still to answer; returns like next().
    Advance fill_from_card(std::string_view field_key, mrz::Data const& card);
    bool filled_from_card(std::string_view field_key) const;
    // When the card read for this identity does not do for the démarche
    // (expired beyond what the field accepts), the sentence saying so.
    std::optional<std::string> card_refusal(std::string_view field_key) const;
    // An agent corrects what the card gave for one part (accents the MRZ
    // cannot hold, a name it cut short): step `key` becomes a question
    // again, its answer as read, until the runner leaves it; then it is
    // locked again, as the card's. The dossier lists the parts whose
    // answer differs from the card's. False when `key` is not a step read
    // from a card.
    bool correct_card_answer(std::string_view key);
    // Locks the step correct_card_answer() opened, if any (the agent left).
    void lock_card_answers();

    // Takes item `item` of a group away (its answers wiped, the next items
    // moving up); never below the group's minimum.
    bool remove_item(std::string_view group_id, std::size_t item);

    // Overwrites every answer before forgetting it.
    void wipe();

private:
    // Works out the shown steps again and finds the current one.
    void refresh();
    // Moves past the steps read from a card, checking each.
    Advance skip_card_steps();
    void add_field_steps(std::vector<Step>& steps, std::map<std::string, std::size_t, std::less<>>& shown,
        std::size_t page_index, Field const& field, Field const* group, std::size_t item,
        std::string const& prefix) const;
    bool holds(Condition const& condition, std::string const& item_prefix, std::vector<Step> const& steps,
        std::map<std::string, std::size_t, std::less<>> const& shown) const;
    // The answer in its stored form ("1985-03-05" for a date), or nothing
    // when it is empty or not valid.
    std::optional<std::string> normalized(Step const& step) const;
    std::optional<std::string> check(Step const& step) const;
    std::optional<std::string> check_rules(Step const& step) const;
    std::string display(Step const& step) const;
    std::string& value_for_edit(Step const& step);
    std::size_t items(Field const& group) const;

    Demarche const& m_demarche;
    CommuneIndex const* m_communes;
    SlotSchedule const* m_slots;
    BookedSlots m_booked;
    Date m_today;
    std::vector<Step> m_steps;
    std::size_t m_index { 0 };
    std::map<std::string, std::string, std::less<>> m_answers;
    std::map<std::string, std::size_t, std::less<>> m_items; // group id → items asked
    // Identities filled from a card: field key → the card's expiry date.
    std::map<std::string, Date, std::less<>> m_card_expiry;
    // What the card gave, step key → answer, to tell a correction; and
    // the step an agent has opened to correct it.
    std::map<std::string, std::string, std::less<>> m_card_values;
    std::string m_card_editing;
    bool card_corrected(std::string const& key) const;
    std::optional<std::string> m_error;
    // What was typed to narrow the communes, and for which step.
    std::string m_filter;
    std::string m_filter_key;
};

}
