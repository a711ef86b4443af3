#include "kiosk/core/i18n.hpp"

#include "kiosk/core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace guichet {

namespace {

bool is_name_character(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Walks `text` left to right: `literal(part)` for plain text, `place(name)`
// for each {name}. Braces that hold no name are plain text.
template<typename Literal, typename Place> void for_each_place(std::string_view text, Literal literal, Place place)
{
    std::size_t at = 0;
    while (at < text.size()) {
        auto open = text.find('{', at);
        auto close = open == std::string_view::npos ? open : text.find('}', open);
        if (close == std::string_view::npos)
            break;
        auto name = text.substr(open + 1, close - open - 1);
        bool is_name = !name.empty() && std::all_of(name.begin(), name.end(), is_name_character);
        literal(text.substr(at, open - at));
        if (is_name)
            place(name);
        else
            literal(text.substr(open, close - open + 1));
        at = close + 1;
    }
    literal(text.substr(std::min(at, text.size())));
}

}

std::string fill(std::string_view pattern, std::initializer_list<std::pair<std::string_view, std::string>> values)
{
    std::string out;
    out.reserve(pattern.size() + 16);
    for_each_place(
        pattern, [&](std::string_view part) { out += part; },
        [&](std::string_view name) {
            auto value
                = std::find_if(values.begin(), values.end(), [&](auto const& item) { return item.first == name; });
            if (value != values.end())
                out += value->second;
            else
                out.append("{").append(name).append("}");
        });
    return out;
}

namespace i18n {

std::vector<LanguageInfo> const& languages()
{
    // Each name in its own language, on every screen: verbatim.
    static std::vector<LanguageInfo> const all {
        { "fr", "Français", false }, // verbatim
        { "en", "English", false }, // verbatim
        { "es", "Español", false }, // verbatim
        { "ar", "العربية", true }, { "pt", "Português", false }, // verbatim
        { "tr", "Türkçe", false }, // verbatim
    };
    return all;
}

LanguageInfo const& info(std::string_view code)
{
    for (auto const& language : languages()) {
        if (language.code == code)
            return language;
    }
    return languages().front();
}

namespace {

// Splits "Encore {n} essais." into literals {"Encore ", " essais."} and
// names {"n"}.
void split_pattern(std::string_view text, std::vector<std::string>& literals, std::vector<std::string>& names)
{
    std::string literal;
    for_each_place(
        text, [&](std::string_view part) { literal += part; },
        [&](std::string_view name) {
            literals.push_back(std::move(literal));
            literal.clear();
            names.emplace_back(name);
        });
    literals.push_back(std::move(literal));
}

std::string_view list_separator(std::string_view language)
{
    return language == "ar" ? "، " : ", ";
}

}

std::vector<std::string> place_names(std::string_view text)
{
    // Most texts have no place: no copy of them is made (the catalogue
    // checks every text in six languages).
    if (text.find('{') == std::string_view::npos)
        return {};
    std::vector<std::string> literals;
    std::vector<std::string> names;
    split_pattern(text, literals, names);
    return names;
}

void Translations::add(std::string_view language, std::string_view french, std::string_view translated)
{
    if (language == "fr" || french.empty() || translated.empty())
        return;
    auto& table = m_tables[std::string(language)];
    Pattern pattern;
    split_pattern(french, pattern.literals, pattern.names);
    if (pattern.names.empty()) {
        table.exact.insert_or_assign(std::string(french), std::string(translated));
        return;
    }
    pattern.translated = translated;
    for (auto const& literal : pattern.literals)
        pattern.literal_length += literal.size();
    // A pattern added again replaces the earlier one.
    auto same = std::find_if(table.patterns.begin(), table.patterns.end(), [&](Pattern const& existing) {
        return existing.literals == pattern.literals && existing.names == pattern.names;
    });
    if (same != table.patterns.end())
        *same = std::move(pattern);
    else
        table.patterns.push_back(std::move(pattern));
    // Most specific first: "Il reste {n} minute." before "Il reste {what}.".
    std::stable_sort(table.patterns.begin(), table.patterns.end(),
        [](Pattern const& a, Pattern const& b) { return a.literal_length > b.literal_length; });
    // The French text itself, as an exact entry: a pattern shown unfilled
    // (a title that happens to hold braces) still translates.
    table.exact.insert_or_assign(std::string(french), std::string(translated));
}

void Translations::add(Text const& text)
{
    for (auto const& [language, translated] : text.translations())
        add(language, text.fr(), translated);
}

std::vector<std::string> Translations::load_table(std::string_view json_text)
{
    std::vector<std::string> errors;
    auto json = nlohmann::json::parse(json_text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        return { "not a JSON object" };
    if (json.value("format", 0) != 1)
        errors.push_back("format: expected 1");
    auto language_it = json.find("language");
    if (language_it == json.end() || !language_it->is_string() || !is_kiosk_language(language_it->get<std::string>())
        || language_it->get<std::string>() == "fr") {
        errors.push_back("language: expected one of en, es, ar, pt, tr");
        return errors;
    }
    auto language = language_it->get<std::string>();
    auto texts = json.find("texts");
    if (texts == json.end() || !texts->is_object()) {
        errors.push_back("texts: expected an object");
        return errors;
    }
    for (auto const& item : texts->items()) {
        auto const& french = item.key();
        if (!item.value().is_string() || item.value().get<std::string>().empty()) {
            errors.push_back("texts[\"" + french + "\"]: expected a non-empty text");
            continue;
        }
        auto translated = item.value().get<std::string>();
        if (!utf8::is_valid(french) || !utf8::is_valid(translated)) {
            errors.push_back("texts[\"" + french + "\"]: not valid UTF-8");
            continue;
        }
        auto wanted = place_names(french);
        auto found = place_names(translated);
        std::sort(wanted.begin(), wanted.end());
        std::sort(found.begin(), found.end());
        if (wanted != found) {
            errors.push_back("texts[\"" + french + "\"]: the translation must have the same {places}");
            continue;
        }
        add(language, french, translated);
    }
    return errors;
}

Translations::Table const* Translations::table(std::string_view language) const
{
    auto it = m_tables.find(language);
    return it == m_tables.end() ? nullptr : &it->second;
}

std::optional<std::string> Translations::find(std::string_view language, std::string_view french) const
{
    if (language == "fr")
        return std::string(french);
    auto const* found = table(language);
    if (!found)
        return std::nullopt;
    return find_in(*found, language, french, 0);
}

std::string Translations::translate(std::string_view language, std::string_view french) const
{
    auto found = find(language, french);
    return found ? std::move(*found) : std::string(french);
}

std::optional<std::string> Translations::find_in(
    Table const& table, std::string_view language, std::string_view french, int depth) const
{
    if (auto it = table.exact.find(std::string(french)); it != table.exact.end())
        return it->second;
    for (auto const& pattern : table.patterns) {
        if (auto filled = fill_pattern(table, pattern, language, french, depth))
            return filled;
    }
    // A list of known texts, as a multiple choice's answer shows them.
    if (depth == 0 && french.find(", ") != std::string_view::npos) {
        std::string joined;
        std::size_t at = 0;
        while (true) {
            auto comma = french.find(", ", at);
            auto item = french.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
            auto it = table.exact.find(std::string(item));
            if (it == table.exact.end())
                return std::nullopt;
            if (!joined.empty())
                joined += list_separator(language);
            joined += it->second;
            if (comma == std::string_view::npos)
                break;
            at = comma + 2;
        }
        return joined;
    }
    return std::nullopt;
}

std::optional<std::string> Translations::fill_pattern(
    Table const& table, Pattern const& pattern, std::string_view language, std::string_view french, int depth) const
{
    auto const& first = pattern.literals.front();
    auto const& last = pattern.literals.back();
    if (french.size() < pattern.literal_length || !french.starts_with(first) || !french.ends_with(last))
        return std::nullopt;
    // The values, left to right: each runs to the next literal.
    std::vector<std::string_view> values;
    std::size_t at = first.size();
    std::size_t end = french.size() - last.size();
    for (std::size_t i = 1; i < pattern.literals.size(); ++i) {
        std::size_t next;
        if (i + 1 == pattern.literals.size()) {
            next = end;
        } else {
            next = french.find(pattern.literals[i], at);
            if (next == std::string_view::npos || next > end)
                return std::nullopt;
        }
        if (next <= at)
            return std::nullopt; // every place holds something
        values.push_back(french.substr(at, next - at));
        at = next + pattern.literals[i].size();
    }
    if (values.size() != pattern.names.size())
        return std::nullopt;

    // A value is translated too when the table knows it ("mardi 25
    // novembre" word by word); a number or a name stays as it is.
    auto value_in = [&](std::string_view value) -> std::string {
        if (depth < 2) {
            if (auto known = find_in(table, language, value, depth + 1))
                return *known;
        }
        std::string words;
        bool translated_any = false;
        std::size_t from = 0;
        while (from <= value.size()) {
            auto space = value.find(' ', from);
            auto word = value.substr(from, space == std::string_view::npos ? std::string_view::npos : space - from);
            auto it = table.exact.find(std::string(word));
            bool digits = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
                return (c >= '0' && c <= '9') || c == ':' || c == '/' || c == 'h';
            });
            if (it != table.exact.end()) {
                words += it->second;
                translated_any = true;
            } else if (digits) {
                words += word;
            } else {
                return std::string(value);
            }
            if (space == std::string_view::npos)
                break;
            words += ' ';
            from = space + 1;
        }
        return translated_any ? words : std::string(value);
    };

    std::string out;
    for_each_place(
        pattern.translated, [&](std::string_view part) { out += part; },
        [&](std::string_view name) {
            auto it = std::find(pattern.names.begin(), pattern.names.end(), name);
            if (it != pattern.names.end())
                out += value_in(values[std::size_t(it - pattern.names.begin())]);
            else
                out.append("{").append(name).append("}");
        });
    return out;
}

std::size_t Translations::size(std::string_view language) const
{
    auto const* found = table(language);
    return found ? found->exact.size() : 0;
}

std::vector<std::string> Translations::french_texts(std::string_view language) const
{
    std::vector<std::string> out;
    if (auto const* found = table(language)) {
        for (auto const& [french, translated] : found->exact)
            out.push_back(french);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}

}
