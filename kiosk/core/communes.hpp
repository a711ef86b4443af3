// The French communes and the postcodes that serve them, so that an address
// form can check that a postcode and a commune go together ("42000
// Saint-Étienne") and offer a typed postcode's communes as tiles.
//
// The list is kiosk/data/communes.tsv (kiosk/data/README.md says where it
// comes from). This index does no I/O: the caller reads the file and hands in
// its text, and a test can hand in three lines of its own.
#pragma once

#include "result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

struct Commune {
    std::string postcode; // "42000"; one commune may have several, and one postcode several communes
    std::string insee; // code officiel géographique: "42218"; Corsica's start with 2A or 2B
    std::string name; // official spelling, accents included: "Saint-Étienne"

    bool operator==(Commune const&) const = default;
};

// Holds every (postcode, commune) pair sorted by postcode, then by name as a
// reader orders them (accents and case aside), so that a postcode's communes
// are one contiguous run found by binary search. Packed: 16 bytes a pair and
// the names in one string, about 1 MB for France's 35 000 pairs where three
// strings a pair took 3.4 MB. Lookups hand out copies.
class CommuneIndex {
public:
    // An empty index knows no postcode.
    CommuneIndex() = default;

    // Parses the text of communes.tsv: lines of `postcode<TAB>insee<TAB>name`;
    // lines starting with '#' are comments, empty lines are skipped and the
    // lines may come in any order. Fails with "communes.malformed" and a
    // detail naming the first bad line and why, or saying that no commune was
    // found: an empty list would otherwise reject every address.
    static Result<CommuneIndex> parse(std::string_view text);

    // Every commune served by a 5-digit postcode, in name order; empty when
    // the postcode is unknown or not shaped like one.
    std::vector<Commune> by_postcode(std::string_view postcode) const;
    bool knows_postcode(std::string_view postcode) const;
    std::optional<Commune> find(std::string_view postcode, std::string_view insee) const;

    // The commune of `postcode` whose name is what a resident typed, ignoring
    // accents, case, and whether words are joined by hyphens, apostrophes or
    // spaces ("saint etienne" finds "Saint-Étienne"); "St" and "Ste" stand for
    // "Saint" and "Sainte", as on many envelopes. Nothing when none matches.
    std::optional<Commune> match_name(std::string_view postcode, std::string_view typed) const;

    // Number of (postcode, commune) pairs.
    std::size_t size() const { return m_entries.size(); }

private:
    struct Entry {
        std::array<char, 5> postcode;
        std::array<char, 5> insee;
        std::uint16_t name_size;
        std::uint32_t name_at; // in m_names
    };
    std::string_view postcode_of(Entry const& entry) const { return { entry.postcode.data(), 5 }; }
    Commune commune(Entry const& entry) const;
    // The run of `postcode`'s entries.
    std::span<Entry const> run(std::string_view postcode) const;

    std::vector<Entry> m_entries;
    std::string m_names;
};

// Exactly five ASCII digits: "75001" is shaped like a postcode; "7500",
// "750011", "7500A" and " 75001" are not. Says nothing of whether it exists.
bool is_postcode_shape(std::string_view text);

// The key under which commune names are compared and ordered: lower case,
// accents dropped ("É" → "e", "œ" → "oe"), every run of characters other than
// letters and digits turned into one space, none at either end. Both
// "Saint-Étienne" and " SAINT  ETIENNE" give "saint etienne". Characters
// outside Latin-1 and œ/Œ/Ÿ are kept as they are. Expects valid UTF-8.
std::string fold_commune_name(std::string_view name);

}
