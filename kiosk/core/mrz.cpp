#include "mrz.hpp"

#include <algorithm>
#include <array>

namespace guichet::mrz {

namespace {

bool is_mrz_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '<';
}

char upper(char c)
{
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// The field with its '<' fillers dropped at both ends.
std::string trimmed(std::string_view field)
{
    while (!field.empty() && field.back() == '<')
        field.remove_suffix(1);
    while (!field.empty() && field.front() == '<')
        field.remove_prefix(1);
    return std::string(field);
}

// Fillers inside a field separate words: "ANNA<MARIA" is "ANNA MARIA".
std::string words(std::string_view field)
{
    std::string out;
    for (char c : trimmed(field)) {
        if (c == '<') {
            if (!out.empty() && out.back() != ' ')
                out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

// "ERIKSSON<<ANNA<MARIA<<<<": the first double filler separates the
// surname from the given names.
void split_names(std::string_view field, std::string& surname, std::string& given)
{
    auto separator = field.find("<<");
    if (separator == std::string_view::npos) {
        surname = words(field);
        given.clear();
        return;
    }
    surname = words(field.substr(0, separator));
    given = words(field.substr(separator + 2));
}

bool digits(std::string_view field)
{
    return std::ranges::all_of(field, [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Date> date_in_century(std::string_view yymmdd, int century)
{
    if (yymmdd.size() != 6 || !digits(yymmdd))
        return std::nullopt;
    auto two = [&](std::size_t at) { return (yymmdd[at] - '0') * 10 + (yymmdd[at + 1] - '0'); };
    Date date { century + two(0), two(2), two(4) };
    if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > days_in_month(date.year, date.month))
        return std::nullopt;
    return date;
}

std::string yymmdd(Date date)
{
    std::string out(6, '0');
    auto put = [&](std::size_t at, int value) {
        out[at] = static_cast<char>('0' + value / 10 % 10);
        out[at + 1] = static_cast<char>('0' + value % 10);
    };
    put(0, date.year % 100);
    put(2, date.month);
    put(4, date.day);
    return out;
}

// Checks one field against the check digit that follows it.
bool checks(std::string_view field, char digit)
{
    auto expected = check_digit(field);
    return expected && *expected == digit;
}

Error failed(std::string code, std::string detail)
{
    return Error::make(std::move(code), std::move(detail));
}

// The document number with its check digit, and its long form: a TD1
// number longer than 9 characters puts '<' where the check digit goes and
// continues in the optional data, ending with its check digit (Part 5,
// note j).
struct Number {
    std::string value;
    bool ok { false };
};

Number document_number(std::string_view field9, char check, std::string_view optional)
{
    if (check != '<' || optional.empty())
        return { trimmed(field9), checks(field9, check) };
    auto end = optional.find('<');
    if (end == std::string_view::npos || end == 0)
        return { trimmed(field9), false };
    std::string full = std::string(field9) + std::string(optional.substr(0, end - 1));
    // The check covers the number as written; the value drops its fillers
    // (a "long" number that is not longer than nine after all).
    return { trimmed(full), checks(full, optional[end - 1]) };
}

Result<Data> finish(Data data, std::string_view birth, char birth_check, std::string_view expiry, char expiry_check,
    bool composite_ok, std::string const& number_field_for_key, Date today)
{
    if (!checks(birth, birth_check))
        return failed("mrz.check.birth_date", "the birth date does not match its check digit");
    if (!checks(expiry, expiry_check))
        return failed("mrz.check.expiry_date", "the expiry date does not match its check digit");
    // Last: the composite digit covers the fields above, and an error that
    // names the field that is wrong helps more.
    if (!composite_ok)
        return failed("mrz.check.composite", "the composite check digit does not match");
    auto birth_date = birth_date_from_yymmdd(birth, today);
    auto expiry_date = expiry_date_from_yymmdd(expiry, today);
    if (!birth_date || !expiry_date)
        return failed("mrz.date", "a date has its check digit right but is not a day of the calendar");
    data.birth_date = *birth_date;
    data.expiry_date = *expiry_date;
    data.access.document_number = number_field_for_key;
    data.access.birth_yymmdd = std::string(birth);
    data.access.expiry_yymmdd = std::string(expiry);
    return data;
}

Result<Data> parse_td3(std::string_view l1, std::string_view l2, Date today)
{
    Data data;
    data.format = Format::TD3;
    data.document_code = trimmed(l1.substr(0, 2));
    data.issuing_state = trimmed(l1.substr(2, 3));
    split_names(l1.substr(5, 39), data.surname, data.given_names);
    auto number = l2.substr(0, 9);
    if (!checks(number, l2[9]))
        return failed("mrz.check.document_number", "the document number does not match its check digit");
    data.document_number = trimmed(number);
    data.nationality = trimmed(l2.substr(10, 3));
    data.sex = l2[20];
    auto optional = l2.substr(28, 14);
    // A passport without personal number may leave its check digit as '<'.
    if (!(l2[42] == '<' && trimmed(optional).empty()) && !checks(optional, l2[42]))
        return failed("mrz.check.optional_data", "the personal number does not match its check digit");
    data.optional_data = trimmed(optional);
    std::string composite
        = std::string(l2.substr(0, 10)) + std::string(l2.substr(13, 7)) + std::string(l2.substr(21, 22));
    bool composite_ok = checks(composite, l2[43]);
    return finish(
        std::move(data), l2.substr(13, 6), l2[19], l2.substr(21, 6), l2[27], composite_ok, std::string(number), today);
}

Result<Data> parse_td2(std::string_view l1, std::string_view l2, Date today)
{
    Data data;
    data.format = Format::TD2;
    data.document_code = trimmed(l1.substr(0, 2));
    data.issuing_state = trimmed(l1.substr(2, 3));
    split_names(l1.substr(5, 31), data.surname, data.given_names);
    auto optional = l2.substr(28, 7);
    auto number = document_number(l2.substr(0, 9), l2[9], optional);
    if (!number.ok)
        return failed("mrz.check.document_number", "the document number does not match its check digit");
    data.document_number = number.value;
    data.nationality = trimmed(l2.substr(10, 3));
    data.sex = l2[20];
    data.optional_data = trimmed(optional);
    std::string composite
        = std::string(l2.substr(0, 10)) + std::string(l2.substr(13, 7)) + std::string(l2.substr(21, 14));
    bool composite_ok = checks(composite, l2[35]);
    std::string key_number = l2[9] == '<' ? number.value : std::string(l2.substr(0, 9));
    return finish(std::move(data), l2.substr(13, 6), l2[19], l2.substr(21, 6), l2[27], composite_ok, key_number, today);
}

Result<Data> parse_td1(std::string_view l1, std::string_view l2, std::string_view l3, Date today)
{
    Data data;
    data.format = Format::TD1;
    data.document_code = trimmed(l1.substr(0, 2));
    data.issuing_state = trimmed(l1.substr(2, 3));
    auto optional = l1.substr(15, 15);
    auto number = document_number(l1.substr(5, 9), l1[14], optional);
    if (!number.ok)
        return failed("mrz.check.document_number", "the document number does not match its check digit");
    data.document_number = number.value;
    data.optional_data = l1[14] == '<' ? std::string() : trimmed(optional);
    data.sex = l2[7];
    data.nationality = trimmed(l2.substr(15, 3));
    std::string composite = std::string(l1.substr(5, 25)) + std::string(l2.substr(0, 7)) + std::string(l2.substr(8, 7))
        + std::string(l2.substr(18, 11));
    bool composite_ok = checks(composite, l2[29]);
    split_names(l3, data.surname, data.given_names);
    std::string key_number = l1[14] == '<' ? number.value : std::string(l1.substr(5, 9));
    return finish(std::move(data), l2.substr(0, 6), l2[6], l2.substr(8, 6), l2[14], composite_ok, key_number, today);
}

}

std::string_view to_string(Format format)
{
    switch (format) {
    case Format::TD1:
        return "TD1";
    case Format::TD2:
        return "TD2";
    case Format::TD3:
        return "TD3";
    }
    return "?";
}

std::optional<char> check_digit(std::string_view field)
{
    static constexpr std::array<int, 3> weights { 7, 3, 1 };
    int sum = 0;
    for (std::size_t i = 0; i < field.size(); ++i) {
        char c = field[i];
        int value = 0;
        if (c >= '0' && c <= '9')
            value = c - '0';
        else if (c >= 'A' && c <= 'Z')
            value = c - 'A' + 10;
        else if (c != '<')
            return std::nullopt;
        sum += value * weights[i % 3];
    }
    return static_cast<char>('0' + sum % 10);
}

std::string AccessKey::information() const
{
    std::string number = document_number;
    if (number.size() < 9)
        number.append(9 - number.size(), '<');
    std::string out;
    out.reserve(number.size() + 15);
    for (std::string const* field :
        std::initializer_list<std::string const*> { &number, &birth_yymmdd, &expiry_yymmdd }) {
        out += *field;
        out += check_digit(*field).value_or('<');
    }
    return out;
}

void AccessKey::wipe()
{
    for (auto* field : { &document_number, &birth_yymmdd, &expiry_yymmdd }) {
        std::fill(field->begin(), field->end(), '\0');
        field->clear();
    }
}

Result<AccessKey> access_key(std::string_view document_number, Date birth, Date expiry)
{
    AccessKey key;
    for (char c : document_number) {
        if (c == ' ' || c == '-')
            continue;
        c = upper(c);
        if (!is_mrz_char(c) || c == '<')
            return failed("mrz.character", "the document number has a character no document number has");
        key.document_number += c;
    }
    if (key.document_number.size() < 6 || key.document_number.size() > 14)
        return failed("mrz.length", "a document number has 6 to 14 characters");
    key.birth_yymmdd = yymmdd(birth);
    key.expiry_yymmdd = yymmdd(expiry);
    return key;
}

void Data::wipe()
{
    for (auto* field :
        { &document_code, &issuing_state, &surname, &given_names, &document_number, &nationality, &optional_data }) {
        std::fill(field->begin(), field->end(), '\0');
        field->clear();
    }
    birth_date = {};
    expiry_date = {};
    sex = '<';
    access.wipe();
}

Result<Data> parse(std::string_view text, Date today)
{
    std::string flat;
    std::array<std::size_t, 3> line_lengths {};
    std::size_t lines = 0;
    std::size_t current = 0;
    for (char c : text) {
        if (c == '\n' || c == '\r') {
            if (current > 0) {
                if (lines < line_lengths.size())
                    line_lengths[lines] = current;
                ++lines;
                current = 0;
            }
            continue;
        }
        if (c == ' ' || c == '\t')
            continue;
        c = upper(c);
        if (!is_mrz_char(c))
            return failed("mrz.character", "a character that is not in any MRZ");
        flat += c;
        ++current;
    }
    if (current > 0) {
        if (lines < line_lengths.size())
            line_lengths[lines] = current;
        ++lines;
    }
    // Lines, when given, must have the format's width: a scanner that
    // dropped one character must not shift every field after it.
    auto lines_are = [&](std::size_t count, std::size_t width) {
        if (lines == 1)
            return flat.size() == count * width;
        if (lines != count)
            return false;
        for (std::size_t i = 0; i < count; ++i)
            if (line_lengths[i] != width)
                return false;
        return true;
    };
    std::string_view all = flat;
    if (lines_are(2, 44))
        return parse_td3(all.substr(0, 44), all.substr(44, 44), today);
    if (lines_are(3, 30))
        return parse_td1(all.substr(0, 30), all.substr(30, 30), all.substr(60, 30), today);
    if (lines_are(2, 36))
        return parse_td2(all.substr(0, 36), all.substr(36, 36), today);
    return failed("mrz.length", "not two lines of 44, three of 30 or two of 36 characters");
}

bool could_be_mrz(std::string_view text)
{
    std::size_t count = 0;
    for (char c : text) {
        if (c == '\n' || c == '\r' || c == ' ')
            continue;
        if (!is_mrz_char(upper(c)))
            return false;
        ++count;
    }
    return count <= 90;
}

std::optional<Date> birth_date_from_yymmdd(std::string_view yymmdd, Date today)
{
    auto date = date_in_century(yymmdd, today.year / 100 * 100);
    if (date && *date > today)
        date = date_in_century(yymmdd, today.year / 100 * 100 - 100);
    return date;
}

std::optional<Date> expiry_date_from_yymmdd(std::string_view yymmdd, Date today)
{
    auto date = date_in_century(yymmdd, today.year / 100 * 100);
    if (date && date->year > today.year + 50)
        date = date_in_century(yymmdd, today.year / 100 * 100 - 100);
    else if (date && date->year < today.year - 50)
        date = date_in_century(yymmdd, today.year / 100 * 100 + 100);
    return date;
}

}
