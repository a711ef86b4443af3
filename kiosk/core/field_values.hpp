// Field values: parsing and checking what a resident enters in one form field.
//
// Each parser takes the text as the keyboard or the digit pad hands it over
// and gives back either the value in its normal form (the one stored in the
// dossier) or one sentence telling the resident what to fix. The sentences
// are plain French (FALC: short sentences, common words, one idea each),
// address the resident as "vous", and are written here and nowhere else, so
// that they stay consistent. Everything here is a pure function: no I/O, and
// "today" is always passed in, never read from the system clock.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace guichet {

// What checking a value gives: either the value in its normal form, or the
// sentence to show. Never both, never neither: the two factories are the
// only way to make one.
class [[nodiscard]] Checked {
public:
    static Checked accept(std::string value) { return Checked(std::move(value), true); }
    static Checked refuse(std::string message) { return Checked(std::move(message), false); }

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    // The normalized value; empty when refused.
    std::string const& value() const { return m_ok ? m_text : empty(); }
    // The sentence for the resident; empty when accepted.
    std::string const& message() const { return m_ok ? empty() : m_text; }

private:
    Checked(std::string text, bool ok)
        : m_text(std::move(text))
        , m_ok(ok)
    {
    }
    static std::string const& empty()
    {
        static std::string const nothing;
        return nothing;
    }

    std::string m_text;
    bool m_ok;
};

// [SECTION] Dates

// A day of the proleptic Gregorian calendar. Members in this order so that
// the defaulted comparison orders dates chronologically.
struct Date {
    int year { 0 };
    int month { 0 }; // 1 to 12
    int day { 0 }; // 1 to 31

    auto operator<=>(Date const&) const = default;
};

// Divisible by 4, except the centuries not divisible by 400: 2000 and 2024
// are leap years, 1900 and 2023 are not.
bool is_leap_year(int year);
// 28 to 31; 0 for a month outside 1 to 12.
int days_in_month(int year, int month);

// A date typed on the digit pad as JJ/MM/AAAA. The UI sends only the digits
// (up to 8) and draws the slashes. Accepted: the ISO form "AAAA-MM-JJ", for
// a real day of a year from 1900 to 9999. Whether the date may be in the
// future or the past is a separate check (below), as it depends on the field.
Checked parse_date_digits(std::string_view digits);
// What the date field shows while the resident types: the digits typed so
// far in the JJ/MM/AAAA mask, an underscore for each digit still to come, so
// that the resident sees how many are missing and where they go: "0312"
// gives "03/12/____", "" gives "__/__/____". Anything but a digit is
// skipped, and digits past the eighth are ignored: the mask never changes
// length, so the field does not jump.
std::string format_date_digits(std::string_view digits);

// Strict "AAAA-MM-JJ" (years 0001 to 9999), a day that exists. This reads
// stored values back; it is not for what a resident types.
std::optional<Date> parse_iso_date(std::string_view iso);
// "AAAA-MM-JJ", the stored form.
std::string to_iso(Date date);
// "05/03/2010", for the review screen. Text that is not an ISO date is shown
// as it is, so that a stored value is never hidden from the resident.
std::string display_date(std::string_view iso);
// "5 mars 2010", "1er mars 2010": for the receipt and for dates inside a
// sentence. Same fallback as display_date().
std::string display_date_long(std::string_view iso);

// Days since 1970-01-01, and back: for adding days and for the clock.
long days_since_epoch(Date date);
Date date_from_days(long days);

// Age in whole years on `today`. Negative when `birth` is after `today`:
// callers check the date is not in the future first.
int age_on(Date birth, Date today);

// Rules a field may add on a date, relative to `today`. Each gives the
// sentence to show, or nothing when the date is fine. Today itself is
// neither in the future nor in the past.
std::optional<std::string> check_date_not_future(Date date, Date today);
std::optional<std::string> check_date_not_past(Date date, Date today);
// On a birth date. Run check_date_not_future() first: a birth date in the
// future passes check_age_at_most().
std::optional<std::string> check_age_at_least(Date birth, int years, Date today);
std::optional<std::string> check_age_at_most(Date birth, int years, Date today);

// [SECTION] Numbers and codes

// A whole number typed on the digit pad, within the field's optional bounds
// (inclusive). Leading zeros are dropped ("0012" gives "12"); spaces are
// ignored, as people write "1 500". A number too large for `long` is
// refused like any other number out of range.
Checked parse_whole_number(std::string_view digits, std::optional<long> min, std::optional<long> max);

// A French postcode: exactly 5 digits, spaces ignored ("75 001" gives
// "75001"). Corsica's postcodes are numeric too (20000 Ajaccio, 20200
// Bastia): "2A" and "2B" are department codes, refused with a message that
// says so. Whether the code exists is for the list of communes to say.
Checked parse_postcode(std::string_view text);

// A number in the street: 1 to 5 digits, optionally followed by a
// repetition index (bis, ter, quater, quinquies) or one letter. The normal
// form has one space before the index, the index in lower case and a letter
// in upper case: "12bis" and "12 BIS" give "12 bis", "12b" gives "12 B"
// (a single B stays a letter: only the resident knows if it means bis).
// Leading zeros are dropped.
Checked parse_street_number(std::string_view text);

// [SECTION] Text

// An e-mail address typed on the on-screen keyboard. Leading and trailing
// spaces are dropped and the domain is put in lower case; the part before
// the @ is kept as typed, since only its server may decide whether case
// matters. The check is on the form only (no DNS), and strict on purpose:
// letters without accents, digits and the usual signs, a domain with at
// least one dot, 254 characters at most. Addresses with accents do exist
// (RFC 6531), but many mail systems still refuse them, and on a French
// keyboard an "é" is far more often a slip than the intended address.
Checked parse_email(std::string_view text);

// What a name is the name of. The messages name it ("Le prénom ne peut pas
// contenir de chiffres."), since "nom" alone reads as "surname" on a form.
enum class NameKind {
    Surname,
    GivenName,
    Place,
};

// A surname, given name or place name: letters of any script, spaces,
// hyphens and apostrophes. No digits, no other signs. Leading and trailing
// spaces are dropped, runs of spaces become one, spaces around hyphens and
// apostrophes are removed, and the typographic apostrophe (’) and hyphens
// become their ASCII forms, so that one name typed two ways is stored once.
// A double hyphen stays: for some years the état civil wrote double
// surnames with one ("Martin--Durand"). The case is kept as typed.
Checked parse_name(std::string_view text, NameKind kind);

}
