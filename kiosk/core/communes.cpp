#include "communes.hpp"

#include "utf8.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <tuple>

namespace guichet {

// [SECTION] Shapes of the codes

namespace {

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

}

bool is_postcode_shape(std::string_view text)
{
    return text.size() == 5 && std::ranges::all_of(text, is_digit);
}

namespace {

// Five characters: the département ("01".."95", "2A"/"2B" in Corsica, "97"
// and "98" overseas) then digits.
bool is_insee_shape(std::string_view text)
{
    if (text.size() != 5 || !is_digit(text[0]))
        return false;
    bool corsica = text[0] == '2' && (text[1] == 'A' || text[1] == 'B');
    return (corsica || is_digit(text[1])) && is_digit(text[2]) && is_digit(text[3]) && is_digit(text[4]);
}

}

// [SECTION] Folding names for comparison

namespace {

// What each of U+00C0..U+00FF folds to; empty for the two signs among them
// (× and ÷), which separate words like punctuation does.
constexpr std::array<std::string_view, 64> latin1_folds = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", // U+00C0 À..Ï
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss", // U+00D0 Ð..ß
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", // U+00E0 à..ï
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y", // U+00F0 ð..ÿ
};

struct CodePoint {
    std::uint32_t value;
    std::size_t size; // bytes it takes in the text
};

// Decodes the code point at `at`. A byte that does not start a well-formed
// sequence comes back alone with a value no rule below matches, so a
// malformed text folds to something rather than nothing.
CodePoint decode(std::string_view text, std::size_t at)
{
    auto lead = static_cast<unsigned char>(text[at]);
    std::size_t extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
    if (lead < 0x80 || at + extra >= text.size())
        return { lead < 0x80 ? lead : 0xFFFFFFFF, 1 };
    std::uint32_t value = lead & (0x3F >> extra);
    for (std::size_t k = 1; k <= extra; ++k) {
        auto next = static_cast<unsigned char>(text[at + k]);
        if ((next & 0xC0) != 0x80)
            return { 0xFFFFFFFF, 1 };
        value = (value << 6) | (next & 0x3F);
    }
    return { value, extra + 1 };
}

enum class Fold { Keep, Drop, Separate, Replace };

// How one code point folds; for Replace, `replacement` says into what.
Fold classify(std::uint32_t value, std::string_view& replacement)
{
    if (value < 0x80) {
        auto c = static_cast<char>(value);
        if (is_digit(c) || (c >= 'a' && c <= 'z'))
            return Fold::Keep;
        if (c >= 'A' && c <= 'Z') {
            static constexpr std::string_view lower = "abcdefghijklmnopqrstuvwxyz";
            replacement = lower.substr(c - 'A', 1);
            return Fold::Replace;
        }
        return Fold::Separate;
    }
    if (value < 0xC0) // Latin-1 punctuation: no-break space, «», middle dot, ...
        return Fold::Separate;
    if (value <= 0xFF) {
        replacement = latin1_folds[value - 0xC0];
        return replacement.empty() ? Fold::Separate : Fold::Replace;
    }
    if (value == 0x152 || value == 0x153) {
        replacement = "oe";
        return Fold::Replace;
    }
    if (value == 0x178) {
        replacement = "y";
        return Fold::Replace;
    }
    // Combining accents, as a keyboard that composes "e" + U+0301 sends them.
    if (value >= 0x300 && value <= 0x36F)
        return Fold::Drop;
    // The typographic apostrophe (U+2019), dashes, spaces and quotes of
    // General Punctuation, and the modifier-letter apostrophe (U+02BC).
    if ((value >= 0x2000 && value <= 0x206F) || value == 0x2BC)
        return Fold::Separate;
    return Fold::Keep;
}

}

std::string fold_commune_name(std::string_view name)
{
    std::string folded;
    folded.reserve(name.size());
    bool separate = false;
    for (std::size_t at = 0; at < name.size();) {
        auto code_point = decode(name, at);
        std::string_view replacement;
        auto fold = classify(code_point.value, replacement);
        if (fold == Fold::Separate) {
            separate = !folded.empty();
        } else if (fold != Fold::Drop) {
            if (separate)
                folded += ' ';
            separate = false;
            folded += fold == Fold::Keep ? name.substr(at, code_point.size) : replacement;
        }
        at += code_point.size;
    }
    return folded;
}

namespace {

// "St Etienne" for "Saint-Étienne": abbreviations residents write on
// envelopes. No official commune name has these words on their own, so
// expanding them in what was typed cannot make two communes collide.
std::string expand_abbreviations(std::string_view folded)
{
    std::string expanded;
    expanded.reserve(folded.size() + 8);
    while (!folded.empty()) {
        auto end = std::min(folded.find(' '), folded.size());
        auto word = folded.substr(0, end);
        if (!expanded.empty())
            expanded += ' ';
        if (word == "st")
            expanded += "saint";
        else if (word == "ste")
            expanded += "sainte";
        else if (word == "sts")
            expanded += "saints";
        else if (word == "stes")
            expanded += "saintes";
        else
            expanded += word;
        folded.remove_prefix(std::min(end + 1, folded.size()));
    }
    return expanded;
}

}

// [SECTION] Parsing communes.tsv

namespace {

struct Row {
    Commune commune;
    std::string key; // fold_commune_name(commune.name): orders tiles as a reader expects
    std::size_t line;
};

bool row_before(Row const& a, Row const& b)
{
    return std::tie(a.commune.postcode, a.key, a.commune.name, a.commune.insee)
        < std::tie(b.commune.postcode, b.key, b.commune.name, b.commune.insee);
}

Error malformed(std::size_t line, std::string const& reason)
{
    return Error::make("communes.malformed", "line " + std::to_string(line) + ": " + reason);
}

Result<Row> parse_row(std::string_view line, std::size_t number)
{
    // Checked first so that the reasons below can quote fields safely.
    if (!utf8::is_valid(line))
        return malformed(number, "not valid UTF-8");
    std::array<std::string_view, 3> fields;
    std::size_t count = 0;
    for (std::size_t start = 0;;) {
        auto tab = line.find('\t', start);
        auto field = line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
        if (count < fields.size())
            fields[count] = field;
        ++count;
        if (tab == std::string_view::npos)
            break;
        start = tab + 1;
    }
    if (count != 3)
        return malformed(
            number, "expected 3 tab-separated fields (postcode, INSEE code, name), found " + std::to_string(count));
    auto [postcode, insee, name] = fields;
    if (!is_postcode_shape(postcode))
        return malformed(number, "postcode \"" + std::string(postcode) + "\" is not 5 digits");
    if (!is_insee_shape(insee))
        return malformed(number, "INSEE code \"" + std::string(insee) + "\" is not 5 digits (or 2A/2B and 3 digits)");
    if (utf8::trim(name).empty())
        return malformed(number, "name is empty");
    if (utf8::trim(name).size() != name.size())
        return malformed(number, "name \"" + std::string(name) + "\" starts or ends with white space");
    return Row { Commune { std::string(postcode), std::string(insee), std::string(name) }, fold_commune_name(name),
        number };
}

}

Result<CommuneIndex> CommuneIndex::parse(std::string_view text)
{
    std::vector<Row> rows;
    rows.reserve(static_cast<std::size_t>(std::ranges::count(text, '\n')) + 1);
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        // A copy saved by a Windows editor must still load.
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        if (line.empty() || line.starts_with('#'))
            continue;
        rows.push_back(GUICHET_TRY(parse_row(line, number)));
    }
    if (rows.empty())
        return Error::make("communes.malformed", "no commune in the list");

    // The shipped file is already in this order; checking costs a pass,
    // sorting a file edited by hand costs a few milliseconds more.
    if (!std::is_sorted(rows.begin(), rows.end(), row_before))
        std::sort(rows.begin(), rows.end(), row_before);

    // Within one postcode (a few dozen communes at most) every INSEE code
    // must be new, or a commune would be offered twice.
    for (std::size_t first = 0; first < rows.size();) {
        auto last = first + 1;
        while (last < rows.size() && rows[last].commune.postcode == rows[first].commune.postcode)
            ++last;
        for (auto i = first; i < last; ++i) {
            for (auto j = i + 1; j < last; ++j) {
                if (rows[i].commune.insee != rows[j].commune.insee)
                    continue;
                auto const& [earlier, later] = std::minmax(rows[i].line, rows[j].line);
                return malformed(later,
                    "commune " + rows[i].commune.insee + " is listed again for postcode " + rows[i].commune.postcode
                        + " (first on line " + std::to_string(earlier) + ")");
            }
        }
        first = last;
    }

    CommuneIndex index;
    index.m_entries.reserve(rows.size());
    std::size_t names = 0;
    for (auto const& row : rows)
        names += row.commune.name.size();
    if (names > UINT32_MAX)
        return Error::make("communes.malformed", "the names take more than 4 GB");
    index.m_names.reserve(names);
    for (auto const& row : rows) {
        auto const& commune = row.commune;
        if (commune.name.size() > UINT16_MAX)
            return malformed(row.line, "name is longer than 65535 bytes");
        Entry entry {};
        std::copy_n(commune.postcode.begin(), 5, entry.postcode.begin());
        std::copy_n(commune.insee.begin(), 5, entry.insee.begin());
        entry.name_size = static_cast<std::uint16_t>(commune.name.size());
        entry.name_at = static_cast<std::uint32_t>(index.m_names.size());
        index.m_names += commune.name;
        index.m_entries.push_back(entry);
    }
    return index;
}

// [SECTION] Lookups

Commune CommuneIndex::commune(Entry const& entry) const
{
    return Commune { std::string(postcode_of(entry)), std::string(entry.insee.data(), 5),
        m_names.substr(entry.name_at, entry.name_size) };
}

std::span<CommuneIndex::Entry const> CommuneIndex::run(std::string_view postcode) const
{
    if (!is_postcode_shape(postcode))
        return {};
    auto [first, last] = std::ranges::equal_range(
        m_entries, postcode, std::ranges::less {}, [this](Entry const& entry) { return postcode_of(entry); });
    return { first, last };
}

std::vector<Commune> CommuneIndex::by_postcode(std::string_view postcode) const
{
    std::vector<Commune> communes;
    for (auto const& entry : run(postcode))
        communes.push_back(commune(entry));
    return communes;
}

bool CommuneIndex::knows_postcode(std::string_view postcode) const
{
    return !run(postcode).empty();
}

std::optional<Commune> CommuneIndex::find(std::string_view postcode, std::string_view insee) const
{
    for (auto const& entry : run(postcode)) {
        if (std::string_view(entry.insee.data(), 5) == insee)
            return commune(entry);
    }
    return std::nullopt;
}

std::optional<Commune> CommuneIndex::match_name(std::string_view postcode, std::string_view typed) const
{
    auto entries = run(postcode);
    if (entries.empty())
        return std::nullopt;
    auto wanted = expand_abbreviations(fold_commune_name(typed));
    if (wanted.empty())
        return std::nullopt;
    for (auto const& entry : entries) {
        if (fold_commune_name(std::string_view(m_names).substr(entry.name_at, entry.name_size)) == wanted)
            return commune(entry);
    }
    return std::nullopt;
}

}
