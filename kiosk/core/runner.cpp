#include "runner.hpp"

#include "utf8.hpp"

namespace guichet {

namespace {

std::string replace_count(std::string text, std::size_t count)
{
    auto position = text.find("{n}");
    if (position != std::string::npos)
        text.replace(position, 3, std::to_string(count));
    return text;
}

std::string const& empty_string()
{
    static std::string const empty;
    return empty;
}

}

std::optional<std::string> normalize_french_phone(std::string_view text)
{
    std::string digits;
    bool international = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == ' ' || c == '.' || c == '-')
            continue;
        if (c == '+' && digits.empty() && !international) {
            international = true;
            continue;
        }
        if (c < '0' || c > '9')
            return std::nullopt;
        digits.push_back(c);
    }
    if (international) {
        // +33 6 12 34 56 78 (and the common mistake +33 06...).
        if (digits.rfind("33", 0) != 0)
            return std::nullopt;
        digits = digits.substr(2);
        if (digits.size() == 10 && digits[0] == '0')
            digits = digits.substr(1);
        if (digits.size() != 9)
            return std::nullopt;
        digits = "0" + digits;
    }
    if (digits.size() != 10 || digits[0] != '0' || digits[1] == '0')
        return std::nullopt;
    return digits;
}

std::optional<std::string> validate_field(Field const& field, std::string_view raw)
{
    auto value = utf8::trim(raw);
    if (value.empty()) {
        if (!field.required)
            return std::nullopt;
        if (field.messages.required)
            return field.messages.required;
        if (field.type == FieldType::Choice)
            return "Touchez une image pour choisir.";
        return "Cette réponse est obligatoire. Écrivez-la avec le clavier.";
    }
    switch (field.type) {
    case FieldType::Choice:
        if (!field.find_choice(value))
            return field.messages.invalid.value_or("Touchez une image pour choisir.");
        return std::nullopt;
    case FieldType::Phone:
        if (!normalize_french_phone(value))
            return field.messages.invalid.value_or(
                "Ce numéro n'est pas complet. Il faut 10 chiffres, par exemple 06 12 34 56 78.");
        return std::nullopt;
    case FieldType::ShortText:
    case FieldType::LongText:
        break;
    }
    auto length = utf8::length(value);
    if (length < field.min_length)
        return replace_count(
            field.messages.too_short.value_or("C'est un peu court. Écrivez au moins {n} lettres."), field.min_length);
    if (length > field.max_length)
        return replace_count(
            field.messages.too_long.value_or("C'est trop long. Écrivez {n} lettres au plus."), field.max_length);
    return std::nullopt;
}

std::string display_value(Field const& field, std::string_view raw)
{
    auto value = utf8::trim(raw);
    if (field.type == FieldType::Choice) {
        if (auto const* choice = field.find_choice(value))
            return choice->label;
    }
    if (field.type == FieldType::Phone) {
        if (auto digits = normalize_french_phone(value)) {
            std::string grouped;
            for (std::size_t i = 0; i < digits->size(); ++i) {
                if (i > 0 && i % 2 == 0)
                    grouped.push_back(' ');
                grouped.push_back((*digits)[i]);
            }
            return grouped;
        }
    }
    return std::string(value);
}

DemarcheRunner::DemarcheRunner(Demarche const& demarche)
    : m_demarche(demarche)
{
}

DemarcheRunner::~DemarcheRunner()
{
    wipe();
}

std::string const& DemarcheRunner::answer(std::string_view field_id) const
{
    auto it = m_answers.find(field_id);
    return it == m_answers.end() ? empty_string() : it->second;
}

std::string& DemarcheRunner::current_value()
{
    auto& value = m_answers[field().id];
    // Room for the longest answer from the start (4 bytes a character at
    // most): a string that grows frees its old buffer without wiping it,
    // leaving copies of what was typed in freed memory.
    std::size_t longest = (field().type == FieldType::Phone ? 20 : field().max_length) * 4;
    if (value.capacity() < longest)
        value.reserve(longest);
    return value;
}

void DemarcheRunner::insert_text(std::string_view text)
{
    auto const& current = field();
    if (current.type == FieldType::Choice || !utf8::is_valid(text))
        return;
    auto& value = current_value();
    // A phone number is at most "+33 6 12 34 56 78"; let the resident type
    // spaces but not a novel.
    std::size_t limit = current.type == FieldType::Phone ? 20 : current.max_length;
    if (utf8::length(value) + utf8::length(text) > limit)
        return;
    // Nobody means to start an answer with a space.
    if (value.empty() && text == " ")
        return;
    value.append(text);
    m_error.reset();
}

void DemarcheRunner::erase_last()
{
    auto& value = current_value();
    utf8::pop_back(value);
    m_error.reset();
}

void DemarcheRunner::choose(std::string_view choice_id)
{
    auto const& current = field();
    if (current.type != FieldType::Choice || !current.find_choice(choice_id))
        return;
    current_value() = std::string(choice_id);
    m_error.reset();
}

bool DemarcheRunner::validate_current()
{
    m_error = validate_field(field(), answer(field().id));
    return !m_error;
}

bool DemarcheRunner::next()
{
    if (!validate_current())
        return false;
    if (m_page + 1 < page_count())
        ++m_page;
    return true;
}

bool DemarcheRunner::back()
{
    m_error.reset();
    if (m_page == 0)
        return false;
    --m_page;
    return true;
}

void DemarcheRunner::go_to(std::size_t page_index)
{
    if (page_index < page_count()) {
        m_page = page_index;
        m_error.reset();
    }
}

std::optional<std::size_t> DemarcheRunner::first_invalid_page() const
{
    for (std::size_t i = 0; i < page_count(); ++i) {
        for (auto const& f : m_demarche.pages[i].fields) {
            if (validate_field(f, answer(f.id)))
                return i;
        }
    }
    return std::nullopt;
}

std::vector<SummaryLine> DemarcheRunner::summary() const
{
    std::vector<SummaryLine> lines;
    for (std::size_t i = 0; i < page_count(); ++i) {
        for (auto const& f : m_demarche.pages[i].fields)
            lines.push_back(SummaryLine { i, f.label, display_value(f, answer(f.id)) });
    }
    return lines;
}

std::vector<std::pair<std::string, std::string>> DemarcheRunner::answers() const
{
    std::vector<std::pair<std::string, std::string>> result;
    for (auto const& page : m_demarche.pages) {
        for (auto const& f : page.fields) {
            auto value = utf8::trim(answer(f.id));
            if (value.empty())
                continue;
            if (f.type == FieldType::Phone) {
                if (auto digits = normalize_french_phone(value)) {
                    result.emplace_back(f.id, *digits);
                    continue;
                }
            }
            result.emplace_back(f.id, std::string(value));
        }
    }
    return result;
}

void DemarcheRunner::wipe()
{
    for (auto& [id, value] : m_answers)
        guichet::wipe(value);
    m_answers.clear();
    m_error.reset();
    m_page = 0;
}

}
