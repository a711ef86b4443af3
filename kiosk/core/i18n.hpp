// The kiosk's languages, and the tables that translate what it shows.
//
// French is the source: every built-in text is written in French in the code
// (marked with N_ so that scripts/i18n.py can list them), and the catalogue's
// texts carry their own translations (text.hpp). The screen translates at the
// moment it draws, looking the French text up in one table per language. So
// the core keeps speaking French, a language chosen mid-démarche changes every
// text at once, and the accessibility tests can draw the same screen in all
// six languages.
//
// A text that carries values ("Code faux. Encore 3 essais.") is written as a
// pattern with named places ("Code faux. Encore {n} essais.") and filled with
// fill(). The table finds the pattern back from the filled text and fills the
// translation with the same values.
#pragma once

#include "kiosk/core/result.hpp"
#include "kiosk/core/text.hpp"

#include <cstddef>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace guichet {

// Marks a French text for translation. Returns it unchanged: translating is
// the screen's business, when it draws.
constexpr char const* N_(char const* french)
{
    return french;
}

// Replaces each {name} in `pattern` with its value. A place with no value is
// left as it is, so that a mistake shows on screen instead of vanishing.
std::string fill(std::string_view pattern, std::initializer_list<std::pair<std::string_view, std::string>> values);

namespace i18n {

// What the home screen's language buttons and the speech need to know about
// each language the kiosk offers.
struct LanguageInfo {
    std::string_view code; // ISO 639-1, as in kiosk_languages
    std::string_view name; // in the language itself: "Español"
    bool right_to_left { false };
};

// In kiosk_languages' order: French first.
std::vector<LanguageInfo> const& languages();
LanguageInfo const& info(std::string_view code); // French for an unknown code

// The names of the {name} places in a text, in order: a translation must
// have the same names.
std::vector<std::string> place_names(std::string_view text);

class Translations {
public:
    // Adds one translation of `french`. Adding French itself is a no-op.
    void add(std::string_view language, std::string_view french, std::string_view translated);
    // Every translation a catalogue text carries.
    void add(Text const& text);

    // Reads one language's table of built-in texts: a JSON object
    // {"format": 1, "language": "en", "texts": {"<French>": "<translation>"}}.
    // Every error is reported; entries without error are kept.
    std::vector<std::string> load_table(std::string_view json_text);

    // The text in `language`: the exact French text, else a pattern it
    // fills, else a list ("A, B") whose every item is known. Nothing when it
    // is not translated. French is always found.
    std::optional<std::string> find(std::string_view language, std::string_view french) const;
    // The same, falling back to the French.
    std::string translate(std::string_view language, std::string_view french) const;

    std::size_t size(std::string_view language) const;
    // Every French text the table for `language` knows (for the checks).
    std::vector<std::string> french_texts(std::string_view language) const;

private:
    struct Pattern {
        std::vector<std::string> literals; // around the places: always one more than names
        std::vector<std::string> names;
        std::string translated;
        std::size_t literal_length { 0 }; // the most specific pattern wins
    };
    struct Table {
        std::unordered_map<std::string, std::string> exact;
        std::vector<Pattern> patterns;
    };

    Table const* table(std::string_view language) const;
    std::optional<std::string> find_in(
        Table const& table, std::string_view language, std::string_view french, int depth) const;
    std::optional<std::string> fill_pattern(Table const& table, Pattern const& pattern, std::string_view language,
        std::string_view french, int depth) const;

    std::map<std::string, Table, std::less<>> m_tables;
};

}

}
