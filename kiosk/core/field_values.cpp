// Field values: the parsers and checks declared in field_values.hpp.
//
// Every sentence a resident may read from this file is in the Messages
// section at the top, so that they can be reviewed (and later translated)
// together. The parsers below only choose among them.
#include "field_values.hpp"

#include "i18n.hpp"
#include "utf8.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace guichet {

namespace {

// [SECTION] Messages

constexpr std::array<std::string_view, 12> month_names { N_("janvier"), N_("février"), N_("mars"), N_("avril"),
    N_("mai"), N_("juin"), N_("juillet"), N_("août"), N_("septembre"), N_("octobre"), N_("novembre"), N_("décembre") };

namespace message {

constexpr std::string_view date_not_digits = N_("Écrivez la date avec des chiffres seulement.");
constexpr std::string_view date_incomplete
    = N_("La date n'est pas complète. Il faut le jour, le mois et l'année : 8 chiffres.");
constexpr std::string_view date_too_long
    = N_("La date a trop de chiffres. Il faut le jour, le mois et l'année : 8 chiffres.");
constexpr std::string_view day_out_of_range = N_("Le jour doit être entre 01 et 31.");
constexpr std::string_view month_out_of_range = N_("Le mois doit être entre 01 et 12.");
constexpr std::string_view year_digits = N_("L'année doit avoir 4 chiffres, par exemple 1985.");
constexpr std::string_view year_too_old = N_("L'année ne peut pas être avant 1900.");
constexpr std::string_view date_in_future = N_("Cette date est dans le futur. Vérifiez l'année.");
constexpr std::string_view date_in_past = N_("Cette date est déjà passée. Vérifiez la date.");

// Called only for a day past the end of its month, so `day` is 29 to 31.
std::string no_such_day(int day, int month, int year)
{
    if (month == 2 && day == 29)
        return fill(N_("En {year}, février n'a que 28 jours."), { { "year", std::to_string(year) } });
    return fill(
        N_("Le {date} n'existe pas."), { { "date", std::to_string(day) + " " + std::string(month_names[month - 1]) } });
}

std::string age_at_least(int years)
{
    return years < 2 ? fill(N_("Il faut avoir au moins {n} an."), { { "n", std::to_string(years) } })
                     : fill(N_("Il faut avoir au moins {n} ans."), { { "n", std::to_string(years) } });
}

std::string age_at_most(int years)
{
    return years < 2 ? fill(N_("Il faut avoir {n} an ou moins."), { { "n", std::to_string(years) } })
                     : fill(N_("Il faut avoir {n} ans ou moins."), { { "n", std::to_string(years) } });
}

constexpr std::string_view number_empty = N_("Écrivez un nombre.");
constexpr std::string_view number_not_digits = N_("Écrivez seulement des chiffres.");
constexpr std::string_view number_too_large = N_("Ce nombre est trop grand.");

std::string number_out_of_range(std::optional<long> min, std::optional<long> max)
{
    if (min && max && *min == *max)
        return fill(N_("Le nombre doit être {n}."), { { "n", std::to_string(*min) } });
    if (min && max)
        return fill(N_("Le nombre doit être entre {min} et {max}."),
            { { "min", std::to_string(*min) }, { "max", std::to_string(*max) } });
    if (min)
        return fill(N_("Le nombre doit être {n} ou plus."), { { "n", std::to_string(*min) } });
    if (max)
        return fill(N_("Le nombre doit être {n} ou moins."), { { "n", std::to_string(*max) } });
    return std::string(number_too_large);
}

constexpr std::string_view postcode_form = N_("Le code postal a 5 chiffres, par exemple 75001.");
constexpr std::string_view postcode_corsica = N_("En Corse, le code postal commence par 20, par exemple 20000.");

constexpr std::string_view street_number_empty = N_("Écrivez le numéro, par exemple 12 ou 12 bis.");
constexpr std::string_view street_number_start = N_("Le numéro commence par un chiffre, par exemple 12 ou 12 bis.");
constexpr std::string_view street_number_too_long = N_("Le numéro est trop long. Il a 5 chiffres au plus.");
constexpr std::string_view street_number_suffix
    = N_("Après le numéro, vous pouvez écrire bis, ter, quater ou une lettre.");

std::string street_number_one_only(std::string_view first)
{
    return fill(N_("Écrivez un seul numéro, par exemple {number}."), { { "number", std::string(first) } });
}

constexpr std::string_view email_empty = N_("Écrivez l'adresse e-mail.");
constexpr std::string_view email_hidden = N_("L'adresse contient un signe caché. Effacez-la et écrivez-la à nouveau.");
constexpr std::string_view email_space = N_("L'adresse ne peut pas contenir d'espace.");
constexpr std::string_view email_comma = N_("L'adresse contient une virgule. Écrivez un point à la place.");
constexpr std::string_view email_too_long = N_("L'adresse est trop longue.");
constexpr std::string_view email_no_at = N_("Il manque le signe @ (arobase).");
constexpr std::string_view email_many_at = N_("Il faut un seul signe @ (arobase).");
constexpr std::string_view email_no_start = N_("Il manque le début de l'adresse, avant le signe @.");
constexpr std::string_view email_no_end = N_("Il manque la suite de l'adresse, après le signe @.");
constexpr std::string_view email_double_dot = N_("L'adresse ne peut pas avoir 2 points qui se suivent.");
constexpr std::string_view email_starts_with_dot = N_("L'adresse ne peut pas commencer par un point.");
constexpr std::string_view email_dot_next_to_at = N_("Il ne faut pas de point juste avant ou juste après le signe @.");
constexpr std::string_view email_ends_with_dot = N_("L'adresse ne peut pas finir par un point.");
constexpr std::string_view email_no_top_level = N_("Il manque la fin de l'adresse, par exemple .fr ou .com.");
constexpr std::string_view email_bad_domain = N_("Vérifiez ce qui est écrit après le signe @.");
constexpr std::string_view email_bad_top_level
    = N_("Vérifiez la fin de l'adresse. Elle finit souvent par .fr ou .com.");

std::string email_accent(std::string_view plain, std::string_view accented)
{
    return fill(N_("L'adresse ne peut pas avoir de lettre avec un accent. Écrivez {plain} à la place de {accented}."),
        { { "plain", std::string(plain) }, { "accented", std::string(accented) } });
}

std::string email_sign(std::string_view sign)
{
    return fill(N_("L'adresse ne peut pas contenir le signe « {sign} »."), { { "sign", std::string(sign) } });
}

std::string email_domain_sign(std::string_view sign)
{
    return fill(
        N_("Après le signe @, l'adresse ne peut pas contenir le signe « {sign} »."), { { "sign", std::string(sign) } });
}

// One sentence for each kind of name, whole: other languages do not build
// them the way French does from "le nom".
std::string_view by_kind(NameKind kind, std::string_view surname, std::string_view given_name, std::string_view place)
{
    switch (kind) {
    case NameKind::Surname:
        return surname;
    case NameKind::GivenName:
        return given_name;
    case NameKind::Place:
        return place;
    }
    return surname;
}

std::string name_empty(NameKind kind)
{
    return std::string(by_kind(kind, N_("Écrivez le nom avec le clavier."), N_("Écrivez le prénom avec le clavier."),
        N_("Écrivez le nom du lieu avec le clavier.")));
}

std::string name_hidden(NameKind kind)
{
    return std::string(by_kind(kind, N_("Le nom contient un signe caché. Effacez-le et écrivez-le à nouveau."),
        N_("Le prénom contient un signe caché. Effacez-le et écrivez-le à nouveau."),
        N_("Le nom du lieu contient un signe caché. Effacez-le et écrivez-le à nouveau.")));
}

std::string name_digits(NameKind kind)
{
    return std::string(by_kind(kind, N_("Le nom ne peut pas contenir de chiffres."),
        N_("Le prénom ne peut pas contenir de chiffres."), N_("Le nom du lieu ne peut pas contenir de chiffres.")));
}

std::string name_sign(NameKind kind, std::string_view sign)
{
    return fill(by_kind(kind, N_("Le nom ne peut pas contenir le signe « {sign} »."),
                    N_("Le prénom ne peut pas contenir le signe « {sign} »."),
                    N_("Le nom du lieu ne peut pas contenir le signe « {sign} ».")),
        { { "sign", std::string(sign) } });
}

std::string name_edges(NameKind kind)
{
    return std::string(by_kind(kind, N_("Le nom doit commencer et finir par une lettre."),
        N_("Le prénom doit commencer et finir par une lettre."),
        N_("Le nom du lieu doit commencer et finir par une lettre.")));
}

}

Checked refuse(std::string_view message)
{
    return Checked::refuse(std::string(message));
}

// [SECTION] Characters

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool is_ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char to_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

char to_upper(char c)
{
    return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
}

// The value of a run of digits already known to be digits and short enough
// not to overflow.
int digits_value(std::string_view digits)
{
    int value = 0;
    for (char c : digits)
        value = value * 10 + (c - '0');
    return value;
}

std::string two_digits(int value)
{
    return std::string { char('0' + value / 10 % 10), char('0' + value % 10) };
}

struct CodePoint {
    char32_t value;
    std::string_view bytes; // the character as it was typed
};

// Reads the code point at `at`. The text must be valid UTF-8 (checked with
// utf8::is_valid() first), so no byte here is out of place.
CodePoint code_point_at(std::string_view text, std::size_t at)
{
    auto lead = static_cast<unsigned char>(text[at]);
    std::size_t size = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t value = size == 1 ? lead : size == 2 ? lead & 0x1F : size == 3 ? lead & 0x0F : lead & 0x07;
    for (std::size_t k = 1; k < size; ++k)
        value = (value << 6) | (static_cast<unsigned char>(text[at + k]) & 0x3F);
    return { value, text.substr(at, size) };
}

template<typename Visit> void for_each_code_point(std::string_view text, Visit visit)
{
    std::size_t at = 0;
    while (at < text.size()) {
        auto point = code_point_at(text, at);
        at += point.bytes.size();
        visit(point);
    }
}

// What a character is to a name. Telling letters from everything else
// properly takes the Unicode tables (ICU), which the kiosk does not carry.
// So this goes the other way: every character is a letter except those
// listed here, which are the digits, signs, spaces and invisible characters
// that a keyboard, a paste or an identity card can plausibly bring. Letters
// of any script, and the combining accents of decomposed letters, pass.
enum class Sort {
    Letter,
    Space,
    Hyphen,
    Apostrophe,
    Digit,
    Sign,
    Hidden, // control characters: refused, as they cannot be shown
    Ignored, // invisible and harmless (zero-width space, direction marks): dropped
};

Sort sort_of(char32_t c)
{
    if (c < 0x80) {
        if (is_ascii_letter(char(c)))
            return Sort::Letter;
        if (is_digit(char(c)))
            return Sort::Digit;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            return Sort::Space;
        if (c == '-')
            return Sort::Hyphen;
        if (c == '\'')
            return Sort::Apostrophe;
        if (c < 0x20 || c == 0x7F)
            return Sort::Hidden;
        return Sort::Sign;
    }
    struct Range {
        char32_t first;
        char32_t last;
        Sort sort;
    };
    // Checked in order: the first range that holds `c` decides, so the
    // exceptions come before the blocks they sit in.
    static constexpr Range ranges[] = {
        { 0x0080, 0x009F, Sort::Hidden }, // C1 controls
        { 0x00A0, 0x00A0, Sort::Space }, // no-break space
        { 0x00AD, 0x00AD, Sort::Ignored }, // soft hyphen
        { 0x00B2, 0x00B3, Sort::Digit }, // ² ³
        { 0x00B9, 0x00B9, Sort::Digit }, // ¹
        { 0x00BC, 0x00BE, Sort::Digit }, // ¼ ½ ¾
        { 0x00A1, 0x00BF, Sort::Sign }, // « » ° § € and the like
        { 0x00D7, 0x00D7, Sort::Sign }, // ×
        { 0x00F7, 0x00F7, Sort::Sign }, // ÷
        { 0x02BC, 0x02BC, Sort::Apostrophe }, // ʼ modifier letter apostrophe
        { 0x0660, 0x0669, Sort::Digit }, // Arabic-Indic digits
        { 0x06F0, 0x06F9, Sort::Digit }, // Persian digits
        { 0x060C, 0x060C, Sort::Sign }, // Arabic comma
        { 0x061B, 0x061B, Sort::Sign }, // Arabic semicolon
        { 0x061F, 0x061F, Sort::Sign }, // Arabic question mark
        { 0x066A, 0x066D, Sort::Sign }, // Arabic percent, separators, star
        { 0x06D4, 0x06D4, Sort::Sign }, // Arabic full stop
        { 0x07C0, 0x07C9, Sort::Digit }, // N'Ko digits
        { 0x0966, 0x096F, Sort::Digit }, // Devanagari digits
        { 0x09E6, 0x09EF, Sort::Digit }, // Bengali digits
        { 0x0E50, 0x0E59, Sort::Digit }, // Thai digits
        { 0x1680, 0x1680, Sort::Space }, // Ogham space
        { 0x2000, 0x200A, Sort::Space }, // typographic spaces
        { 0x200B, 0x200B, Sort::Ignored }, // zero-width space
        // Zero-width non-joiner and joiner are part of how Persian and
        // Indic names are spelt.
        { 0x200C, 0x200D, Sort::Letter }, { 0x200E, 0x200F, Sort::Ignored }, // direction marks
        { 0x2010, 0x2011, Sort::Hyphen }, // hyphen, non-breaking hyphen
        { 0x2019, 0x2019, Sort::Apostrophe }, // ’
        { 0x202A, 0x202E, Sort::Ignored }, // direction embeddings
        { 0x202F, 0x202F, Sort::Space }, // narrow no-break space
        { 0x205F, 0x205F, Sort::Space }, // medium mathematical space
        { 0x2060, 0x2060, Sort::Ignored }, // word joiner
        { 0x2066, 0x2069, Sort::Ignored }, // direction isolates
        { 0x2070, 0x2070, Sort::Digit }, // superscript zero
        { 0x2074, 0x2079, Sort::Digit }, // superscript digits
        { 0x2080, 0x2089, Sort::Digit }, // subscript digits
        { 0x2150, 0x218F, Sort::Digit }, // fractions and Roman numerals
        { 0x2000, 0x2BFF, Sort::Sign }, // punctuation, symbols, arrows, shapes
        { 0x2E00, 0x2E7F, Sort::Sign }, // supplemental punctuation
        { 0x3000, 0x3000, Sort::Space }, // ideographic space
        { 0x3005, 0x3006, Sort::Letter }, // 々 〆: letters of Japanese names (佐々木)
        { 0x303B, 0x303B, Sort::Letter }, // 〻, the same
        { 0x3001, 0x303F, Sort::Sign }, // CJK punctuation
        { 0xE000, 0xF8FF, Sort::Sign }, // private use
        { 0xFE00, 0xFE0F, Sort::Ignored }, // variation selectors
        { 0xFE30, 0xFE4F, Sort::Sign }, // CJK compatibility forms
        { 0xFEFF, 0xFEFF, Sort::Ignored }, // byte order mark
        { 0xFF10, 0xFF19, Sort::Digit }, // fullwidth digits
        { 0xFF01, 0xFF20, Sort::Sign }, // fullwidth punctuation
        { 0xFF3B, 0xFF40, Sort::Sign }, // fullwidth brackets and the like
        { 0xFF5B, 0xFF65, Sort::Sign }, // fullwidth braces, halfwidth CJK punctuation
        { 0xFFF0, 0xFFFF, Sort::Sign }, // specials, such as the replacement character
        { 0x1F000, 0x1FAFF, Sort::Sign }, // emoji and pictographs
        { 0xE0000, 0xE007F, Sort::Hidden }, // tags
    };
    for (auto const& range : ranges) {
        if (c >= range.first && c <= range.last)
            return range.sort;
    }
    return Sort::Letter;
}

// The unaccented letter for the accented Latin letters a French or Turkish
// keyboard types, to tell the resident what to write instead. Empty for
// anything else.
std::string_view without_accent(char32_t c)
{
    // U+00C0 to U+00FF, in order; "" where the character is not an accented
    // letter (Æ, ×, Ø, ß, ÷...).
    static constexpr std::string_view latin1[] = {
        "A", "A", "A", "A", "A", "A", "", "C", "E", "E", "E", "E", "I", "I", "I", "I", // À to Ï
        "", "N", "O", "O", "O", "O", "O", "", "", "U", "U", "U", "U", "Y", "", "", // Ð to ß
        "a", "a", "a", "a", "a", "a", "", "c", "e", "e", "e", "e", "i", "i", "i", "i", // à to ï
        "", "n", "o", "o", "o", "o", "o", "", "", "u", "u", "u", "u", "y", "", "y", // ð to ÿ
    };
    if (c >= 0xC0 && c <= 0xFF)
        return latin1[c - 0xC0];
    switch (c) {
    case 0x0178: // Ÿ
        return "Y";
    case 0x011E: // Ğ
        return "G";
    case 0x011F: // ğ
        return "g";
    case 0x015E: // Ş
        return "S";
    case 0x015F: // ş
        return "s";
    }
    return {};
}

}

// [SECTION] Dates

bool is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month)
{
    static constexpr std::array<int, 12> days { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && is_leap_year(year))
        return 29;
    return days[month - 1];
}

Checked parse_date_digits(std::string_view typed)
{
    auto digits = utf8::trim(typed);
    for (char c : digits) {
        if (!is_digit(c))
            return refuse(message::date_not_digits);
    }
    if (digits.size() > 8)
        return refuse(message::date_too_long);
    // The parts are checked in the order they are typed, so that the message
    // is about the first thing to fix: "32" is refused for its day before it
    // is refused for being incomplete.
    if (digits.size() >= 2) {
        int day = digits_value(digits.substr(0, 2));
        if (day < 1 || day > 31)
            return refuse(message::day_out_of_range);
    }
    if (digits.size() >= 4) {
        int month = digits_value(digits.substr(2, 2));
        if (month < 1 || month > 12)
            return refuse(message::month_out_of_range);
    }
    if (digits.size() < 4)
        return refuse(message::date_incomplete);
    // The day and month are there and only the year is short: most often a
    // year typed with 2 digits ("85").
    if (digits.size() < 8)
        return refuse(message::year_digits);
    Date date { digits_value(digits.substr(4, 4)), digits_value(digits.substr(2, 2)),
        digits_value(digits.substr(0, 2)) };
    if (date.year < 1900)
        return refuse(message::year_too_old);
    if (date.day > days_in_month(date.year, date.month))
        return Checked::refuse(message::no_such_day(date.day, date.month, date.year));
    return Checked::accept(to_iso(date));
}

std::string format_date_digits(std::string_view typed)
{
    std::string shown = "__/__/____";
    // Where the n-th digit goes in the mask.
    static constexpr std::array<std::size_t, 8> slots { 0, 1, 3, 4, 6, 7, 8, 9 };
    std::size_t count = 0;
    for (char c : typed) {
        if (!is_digit(c))
            continue;
        if (count == slots.size())
            break;
        shown[slots[count++]] = c;
    }
    return shown;
}

std::optional<Date> parse_iso_date(std::string_view iso)
{
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-')
        return std::nullopt;
    for (std::size_t i : { 0, 1, 2, 3, 5, 6, 8, 9 }) {
        if (!is_digit(iso[i]))
            return std::nullopt;
    }
    Date date { digits_value(iso.substr(0, 4)), digits_value(iso.substr(5, 2)), digits_value(iso.substr(8, 2)) };
    if (date.year < 1 || date.day < 1 || date.day > days_in_month(date.year, date.month))
        return std::nullopt;
    return date;
}

std::string to_iso(Date date)
{
    return two_digits(date.year / 100) + two_digits(date.year % 100) + "-" + two_digits(date.month) + "-"
        + two_digits(date.day);
}

std::string display_date(std::string_view iso)
{
    auto date = parse_iso_date(iso);
    if (!date)
        return std::string(iso);
    return two_digits(date->day) + "/" + two_digits(date->month) + "/" + std::string(iso.substr(0, 4));
}

std::string display_date_long(std::string_view iso)
{
    auto date = parse_iso_date(iso);
    if (!date)
        return std::string(iso);
    // French writes the first of the month as an ordinal: "1er mars".
    std::string day = date->day == 1 ? N_("1er") : std::to_string(date->day);
    return day + " " + std::string(month_names[date->month - 1]) + " " + std::to_string(date->year);
}

int age_on(Date birth, Date today)
{
    // One year more once today's month and day reach the birth's. For a
    // birth on 29 February this means the birthday of a common year is
    // 1 March: on 28 February the resident is not yet a year older. That is
    // the convention chosen here; a démarche whose rules count 28 February
    // instead would need this changed, and nothing else.
    int age = today.year - birth.year;
    if (std::pair(today.month, today.day) < std::pair(birth.month, birth.day))
        --age;
    return age;
}

std::optional<std::string> check_date_not_future(Date date, Date today)
{
    if (date > today)
        return std::string(message::date_in_future);
    return std::nullopt;
}

std::optional<std::string> check_date_not_past(Date date, Date today)
{
    if (date < today)
        return std::string(message::date_in_past);
    return std::nullopt;
}

std::optional<std::string> check_age_at_least(Date birth, int years, Date today)
{
    if (age_on(birth, today) < years)
        return message::age_at_least(years);
    return std::nullopt;
}

std::optional<std::string> check_age_at_most(Date birth, int years, Date today)
{
    if (age_on(birth, today) > years)
        return message::age_at_most(years);
    return std::nullopt;
}

// [SECTION] Numbers and codes

Checked parse_whole_number(std::string_view typed, std::optional<long> min, std::optional<long> max)
{
    std::string digits;
    for (char c : utf8::trim(typed)) {
        if (c == ' ')
            continue;
        if (!is_digit(c))
            return refuse(message::number_not_digits);
        // Leading zeros are skipped here rather than parsed: a long run of
        // them must not count as a large number.
        if (c == '0' && digits.empty())
            continue;
        digits.push_back(c);
    }
    if (digits.empty()) {
        // Only zeros, or nothing at all.
        if (utf8::trim(typed).find('0') == std::string_view::npos)
            return refuse(message::number_empty);
        digits = "0";
    }
    long value = 0;
    auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    bool too_large = parsed.ec == std::errc::result_out_of_range;
    if (too_large && !max)
        return refuse(message::number_too_large);
    if (too_large || (min && value < *min) || (max && value > *max))
        return Checked::refuse(message::number_out_of_range(min, max));
    return Checked::accept(std::move(digits));
}

Checked parse_postcode(std::string_view typed)
{
    auto text = utf8::trim(typed);
    if (text.size() >= 2 && text[0] == '2' && (to_lower(text[1]) == 'a' || to_lower(text[1]) == 'b'))
        return refuse(message::postcode_corsica);
    std::string digits;
    for (char c : text) {
        if (c == ' ')
            continue;
        if (!is_digit(c))
            return refuse(message::postcode_form);
        digits.push_back(c);
    }
    if (digits.size() != 5)
        return refuse(message::postcode_form);
    return Checked::accept(std::move(digits));
}

Checked parse_street_number(std::string_view typed)
{
    auto text = utf8::trim(typed);
    if (text.empty())
        return refuse(message::street_number_empty);
    if (!is_digit(text[0]))
        return refuse(message::street_number_start);
    std::size_t end = 0;
    while (end < text.size() && is_digit(text[end]))
        ++end;
    auto number = text.substr(0, end);
    while (number.size() > 1 && number[0] == '0')
        number.remove_prefix(1);
    if (number.size() > 5)
        return refuse(message::street_number_too_long);
    auto rest = utf8::trim(text.substr(end));
    if (rest.empty())
        return Checked::accept(std::string(number));
    // "12-14", "12/14", "12 14": a building on two numbers. The address
    // takes the first.
    if (rest[0] == '-' || rest[0] == '/' || rest[0] == ',' || rest[0] == '&' || is_digit(rest[0]))
        return Checked::refuse(message::street_number_one_only(number));
    std::string index;
    for (char c : rest) {
        if (!is_ascii_letter(c))
            return refuse(message::street_number_suffix);
        index.push_back(to_lower(c));
    }
    if (index == "bis" || index == "ter" || index == "quater" || index == "quinquies")
        return Checked::accept(std::string(number) + " " + index);
    if (index.size() == 1)
        return Checked::accept(std::string(number) + " " + to_upper(index[0]));
    return refuse(message::street_number_suffix);
}

// [SECTION] Text

namespace {

// The characters RFC 5322 allows, unquoted, before the @ ("atext"), besides
// letters and digits. Quoted local parts ("jean dupont"@...) are refused:
// nobody types one at a kiosk.
bool is_local_part_char(char c)
{
    return is_ascii_letter(c) || is_digit(c)
        || std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
}

bool is_domain_char(char c)
{
    return is_ascii_letter(c) || is_digit(c) || c == '-' || c == '.';
}

// The first character outside plain ASCII, or what is wrong with it. Spaces,
// hidden characters and accents each get their own sentence, since each
// calls for a different fix.
std::optional<Checked> refuse_non_ascii(std::string_view text)
{
    std::optional<Checked> refused;
    std::optional<CodePoint> first_other;
    bool space = false;
    for_each_code_point(text, [&](CodePoint point) {
        auto sort = sort_of(point.value);
        if (refused)
            return;
        if (sort == Sort::Hidden || sort == Sort::Ignored)
            refused = refuse(message::email_hidden);
        else if (sort == Sort::Space)
            space = true;
        else if (point.value >= 0x80 && !first_other)
            first_other = point;
    });
    if (refused)
        return refused;
    if (space)
        return refuse(message::email_space);
    if (first_other) {
        auto plain = without_accent(first_other->value);
        if (!plain.empty())
            return Checked::refuse(message::email_accent(plain, first_other->bytes));
        return Checked::refuse(message::email_sign(first_other->bytes));
    }
    return std::nullopt;
}

}

Checked parse_email(std::string_view typed)
{
    auto text = utf8::trim(typed);
    if (text.empty())
        return refuse(message::email_empty);
    if (!utf8::is_valid(text))
        return refuse(message::email_hidden);
    if (auto refused = refuse_non_ascii(text))
        return std::move(*refused);
    // From here on the text is printable ASCII without spaces.
    if (text.find(',') != std::string_view::npos)
        return refuse(message::email_comma);
    // RFC 5321 caps a path at 256 octets, two of which are the brackets
    // around the address.
    if (text.size() > 254)
        return refuse(message::email_too_long);
    auto at = text.find('@');
    if (at == std::string_view::npos)
        return refuse(message::email_no_at);
    if (text.find('@', at + 1) != std::string_view::npos)
        return refuse(message::email_many_at);
    auto local = text.substr(0, at);
    auto domain = text.substr(at + 1);
    if (local.empty())
        return refuse(message::email_no_start);
    if (domain.empty())
        return refuse(message::email_no_end);
    if (local.size() > 64)
        return refuse(message::email_too_long);
    for (std::size_t i = 0; i < local.size(); ++i) {
        if (!is_local_part_char(local[i]))
            return Checked::refuse(message::email_sign(local.substr(i, 1)));
    }
    for (std::size_t i = 0; i < domain.size(); ++i) {
        if (!is_domain_char(domain[i]))
            return Checked::refuse(message::email_domain_sign(domain.substr(i, 1)));
    }
    if (text.find("..") != std::string_view::npos)
        return refuse(message::email_double_dot);
    if (local.front() == '.')
        return refuse(message::email_starts_with_dot);
    if (local.back() == '.' || domain.front() == '.')
        return refuse(message::email_dot_next_to_at);
    if (domain.back() == '.')
        return refuse(message::email_ends_with_dot);
    auto last_dot = domain.rfind('.');
    if (last_dot == std::string_view::npos)
        return refuse(message::email_no_top_level);
    // Labels are between dots, which the checks above keep non-empty.
    std::size_t start = 0;
    while (start < domain.size()) {
        auto stop = domain.find('.', start);
        if (stop == std::string_view::npos)
            stop = domain.size();
        auto label = domain.substr(start, stop - start);
        if (label.size() > 63 || label.front() == '-' || label.back() == '-')
            return refuse(message::email_bad_domain);
        start = stop + 1;
    }
    // No top-level domain is a single character or only digits; "xn--p1ai"
    // (an internationalized one, encoded) has both letters and digits.
    auto top_level = domain.substr(last_dot + 1);
    bool all_digits = true;
    for (char c : top_level)
        all_digits = all_digits && is_digit(c);
    if (top_level.size() < 2 || all_digits)
        return refuse(message::email_bad_top_level);
    std::string address(local);
    address.push_back('@');
    for (char c : domain)
        address.push_back(to_lower(c));
    return Checked::accept(std::move(address));
}

Checked parse_name(std::string_view typed, NameKind kind)
{
    auto text = utf8::trim(typed);
    if (!utf8::is_valid(text))
        return Checked::refuse(message::name_hidden(kind));
    std::string name;
    bool pending_space = false;
    bool hidden = false;
    bool digit = false;
    std::optional<std::string_view> sign;
    for_each_code_point(text, [&](CodePoint point) {
        switch (sort_of(point.value)) {
        case Sort::Letter:
            // One space between words, none after a hyphen or apostrophe:
            // "Jean - Pierre" and "D' Artagnan" are typing slips.
            if (pending_space && !name.empty() && name.back() != '-' && name.back() != '\'')
                name.push_back(' ');
            pending_space = false;
            name.append(point.bytes);
            break;
        case Sort::Space:
            pending_space = true;
            break;
        case Sort::Hyphen:
            pending_space = false;
            name.push_back('-');
            break;
        case Sort::Apostrophe:
            pending_space = false;
            name.push_back('\'');
            break;
        case Sort::Digit:
            digit = true;
            break;
        case Sort::Sign:
            if (!sign)
                sign = point.bytes;
            break;
        case Sort::Hidden:
            hidden = true;
            break;
        case Sort::Ignored:
            break;
        }
    });
    if (hidden)
        return Checked::refuse(message::name_hidden(kind));
    if (digit)
        return Checked::refuse(message::name_digits(kind));
    if (sign)
        return Checked::refuse(message::name_sign(kind, *sign));
    if (name.empty())
        return Checked::refuse(message::name_empty(kind));
    auto is_joiner = [](char c) { return c == '-' || c == '\''; };
    if (is_joiner(name.front()) || is_joiner(name.back()))
        return Checked::refuse(message::name_edges(kind));
    return Checked::accept(std::move(name));
}

// Howard Hinnant's days_from_civil and civil_from_days.
long days_since_epoch(Date date)
{
    int year = date.year - (date.month <= 2 ? 1 : 0);
    long era = (year >= 0 ? year : year - 399) / 400;
    auto year_of_era = static_cast<unsigned>(year - era * 400);
    unsigned month = static_cast<unsigned>(date.month);
    unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + static_cast<unsigned>(date.day) - 1;
    unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<long>(day_of_era) - 719468;
}

Date date_from_days(long days)
{
    days += 719468;
    long era = (days >= 0 ? days : days - 146096) / 146097;
    auto day_of_era = static_cast<unsigned>(days - era * 146097);
    unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    unsigned mp = (5 * day_of_year + 2) / 153;
    unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
    unsigned month = mp < 10 ? mp + 3 : mp - 9;
    return Date { static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0)), static_cast<int>(month),
        static_cast<int>(day) };
}

}
