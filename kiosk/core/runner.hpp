// The démarche runner: walks a resident through one démarche's pages, holds
// their answers, and validates each page with a message they can act on.
#pragma once

#include "catalogue.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

// Why a value is refused, as a sentence for the resident; nothing if valid.
std::optional<std::string> validate_field(Field const& field, std::string_view value);

// The value as the resident should read it back: a choice's label, a phone
// number grouped in pairs.
std::string display_value(Field const& field, std::string_view value);

// "+33 6 12 34 56 78", "06.12.34.56.78" → "0612345678"; nothing if it is not
// a French number.
std::optional<std::string> normalize_french_phone(std::string_view text);

struct SummaryLine {
    std::size_t page_index;
    std::string label;
    std::string value; // display form; empty when the resident left it out
};

class DemarcheRunner {
public:
    explicit DemarcheRunner(Demarche const& demarche);
    ~DemarcheRunner();
    DemarcheRunner(DemarcheRunner const&) = delete;
    DemarcheRunner& operator=(DemarcheRunner const&) = delete;

    Demarche const& demarche() const { return m_demarche; }
    std::size_t page_index() const { return m_page; }
    std::size_t page_count() const { return m_demarche.pages.size(); }
    Page const& page() const { return m_demarche.pages[m_page]; }
    Field const& field() const { return page().fields.front(); }

    std::string const& answer(std::string_view field_id) const;
    // The validation message shown under the current field, if any.
    std::optional<std::string> const& error() const { return m_error; }

    // Editing the current page's field. Typing past the field's maximum
    // length is refused (the keyboard stops), not cut later.
    void insert_text(std::string_view text);
    void erase_last();
    void choose(std::string_view choice_id);

    // Validates the current page; moves on when it is valid. Returns false
    // (and sets error()) when the resident must correct something.
    bool validate_current();
    bool next();
    // Returns false on the first page (there is nothing before it).
    bool back();
    void go_to(std::size_t page_index);
    // The first page whose answer is not valid, if any.
    std::optional<std::size_t> first_invalid_page() const;

    std::vector<SummaryLine> summary() const;
    // The answers as stored in a dossier: field id → raw value, in page
    // order, optional fields left empty omitted.
    std::vector<std::pair<std::string, std::string>> answers() const;

    // Overwrites every answer before forgetting it.
    void wipe();

private:
    std::string& current_value();

    Demarche const& m_demarche;
    std::size_t m_page { 0 };
    std::map<std::string, std::string, std::less<>> m_answers;
    std::optional<std::string> m_error;
};

}
