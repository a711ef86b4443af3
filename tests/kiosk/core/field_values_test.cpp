// Tests for field_values: one table per parser, each row what a resident
// types and exactly what comes back, the stored value or the sentence shown.
#include "kiosk/core/field_values.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <vector>

using namespace guichet;

namespace {

// What a row expects: the normalized value, or the message.
struct Outcome {
    bool ok;
    std::string_view text;
};

constexpr Outcome accepts(std::string_view value)
{
    return { true, value };
}

constexpr Outcome refuses(std::string_view message)
{
    return { false, message };
}

void expect_outcome(Checked const& checked, Outcome expected)
{
    EXPECT_EQ(checked.ok(), expected.ok);
    if (expected.ok) {
        EXPECT_EQ(checked.value(), expected.text);
        EXPECT_EQ(checked.message(), "");
    } else {
        EXPECT_EQ(checked.message(), expected.text);
        EXPECT_EQ(checked.value(), "");
    }
}

// A value once accepted is accepted again unchanged: the review screen's
// « Modifier » opens the field with the stored value in it.
template<typename Parse> void expect_stable(Outcome expected, Parse parse)
{
    if (!expected.ok)
        return;
    SCOPED_TRACE("parsed again");
    expect_outcome(parse(expected.text), expected);
}

std::string trace(std::string_view input)
{
    return "input: \"" + std::string(input) + "\"";
}

}

// [SECTION] Checked

TEST(FieldValueChecked, HoldsEitherTheValueOrTheMessage)
{
    auto accepted = Checked::accept("12");
    EXPECT_TRUE(accepted.ok());
    EXPECT_TRUE(static_cast<bool>(accepted));
    EXPECT_EQ(accepted.value(), "12");
    EXPECT_EQ(accepted.message(), "");

    auto refused = Checked::refuse("Écrivez un nombre.");
    EXPECT_FALSE(refused.ok());
    EXPECT_FALSE(static_cast<bool>(refused));
    EXPECT_EQ(refused.value(), "");
    EXPECT_EQ(refused.message(), "Écrivez un nombre.");
}

// [SECTION] Dates

TEST(FieldValueDate, ParsesDigitsTypedOnThePad)
{
    struct Row {
        std::string_view typed;
        Outcome expected;
    };
    constexpr std::string_view incomplete
        = "La date n'est pas complète. Il faut le jour, le mois et l'année : 8 chiffres.";
    constexpr std::string_view day = "Le jour doit être entre 01 et 31.";
    constexpr std::string_view month = "Le mois doit être entre 01 et 12.";
    constexpr std::string_view year = "L'année doit avoir 4 chiffres, par exemple 1985.";
    constexpr std::string_view too_old = "L'année ne peut pas être avant 1900.";
    constexpr std::string_view not_digits = "Écrivez la date avec des chiffres seulement.";
    Row const rows[] = {
        { "05031985", accepts("1985-03-05") },
        { "  05031985 ", accepts("1985-03-05") },
        { "01011900", accepts("1900-01-01") },
        { "31121999", accepts("1999-12-31") },
        { "01019999", accepts("9999-01-01") },
        // Leap years: every 4 years, except centuries not divisible by 400.
        { "29022024", accepts("2024-02-29") },
        { "29022000", accepts("2000-02-29") },
        { "28022023", accepts("2023-02-28") },
        { "29022023", refuses("En 2023, février n'a que 28 jours.") },
        { "29021900", refuses("En 1900, février n'a que 28 jours.") },
        { "29022100", refuses("En 2100, février n'a que 28 jours.") },
        { "30022024", refuses("Le 30 février n'existe pas.") },
        { "31022023", refuses("Le 31 février n'existe pas.") },
        // Months of 30 days.
        { "30042024", accepts("2024-04-30") },
        { "31042024", refuses("Le 31 avril n'existe pas.") },
        { "31062024", refuses("Le 31 juin n'existe pas.") },
        { "31092024", refuses("Le 31 septembre n'existe pas.") },
        { "31112024", refuses("Le 31 novembre n'existe pas.") },
        { "31012024", accepts("2024-01-31") },
        { "31072024", accepts("2024-07-31") },
        { "31082024", accepts("2024-08-31") },
        { "31122024", accepts("2024-12-31") },
        // Day and month out of range, reported before anything else.
        { "00012024", refuses(day) },
        { "32012024", refuses(day) },
        { "99999999", refuses(day) },
        { "01002024", refuses(month) },
        { "01132024", refuses(month) },
        { "32", refuses(day) },
        { "00", refuses(day) },
        { "0513", refuses(month) },
        // A day typed without its leading zero shifts everything: the mask
        // shows "50/31/985_", and the day is the first thing to fix.
        { "5031985", refuses(day) },
        // Too few digits.
        { "", refuses(incomplete) },
        { "0", refuses(incomplete) },
        { "05", refuses(incomplete) },
        { "050", refuses(incomplete) },
        { "0503", refuses(year) },
        { "050385", refuses(year) },
        { "0503198", refuses(year) },
        // Too many, or not digits.
        { "050319850", refuses("La date a trop de chiffres. Il faut le jour, le mois et l'année : 8 chiffres.") },
        { "05/03/1985", refuses(not_digits) },
        { "05 03 1985", refuses(not_digits) },
        { "O5031985", refuses(not_digits) },
        { "０５０３１９８５", refuses(not_digits) },
        { "-5031985", refuses(not_digits) },
        // Implausible years.
        { "31121899", refuses(too_old) },
        { "01010000", refuses(too_old) },
        { "05030085", refuses(too_old) },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(trace(row.typed));
        expect_outcome(parse_date_digits(row.typed), row.expected);
    }
}

// Every day from 1900 to 2400 against the standard library's calendar, which
// was written independently of ours: a day is accepted exactly when it exists.
TEST(FieldValueDate, AgreesWithTheStandardCalendarOnEveryDay)
{
    auto two = [](int n) { return std::string { char('0' + n / 10), char('0' + n % 10) }; };
    int accepted = 0;
    for (int y = 1900; y <= 2400; ++y) {
        for (int m = 1; m <= 12; ++m) {
            for (int d = 1; d <= 31; ++d) {
                std::string typed = two(d) + two(m) + std::to_string(y);
                auto checked = parse_date_digits(typed);
                std::chrono::year_month_day ymd { std::chrono::year(y), std::chrono::month(unsigned(m)),
                    std::chrono::day(unsigned(d)) };
                ASSERT_EQ(checked.ok(), ymd.ok()) << typed;
                if (!checked.ok())
                    continue;
                ++accepted;
                std::string iso = std::to_string(y) + "-" + two(m) + "-" + two(d);
                ASSERT_EQ(checked.value(), iso);
                ASSERT_EQ(parse_iso_date(iso), (Date { y, m, d })) << iso;
            }
        }
    }
    // 501 years, of which 122 are leap years (125 multiples of 4, less 2100,
    // 2200 and 2300).
    EXPECT_EQ(accepted, 501 * 365 + 122);
}

TEST(FieldValueDate, KnowsLeapYearsAndMonthLengths)
{
    struct Row {
        int year;
        bool leap;
    };
    Row const rows[] = {
        { 1600, true },
        { 1900, false },
        { 1996, true },
        { 2000, true },
        { 2023, false },
        { 2024, true },
        { 2100, false },
        { 2400, true },
    };
    for (auto const& row : rows)
        EXPECT_EQ(is_leap_year(row.year), row.leap) << row.year;

    EXPECT_EQ(days_in_month(2023, 2), 28);
    EXPECT_EQ(days_in_month(2024, 2), 29);
    EXPECT_EQ(days_in_month(2024, 1), 31);
    EXPECT_EQ(days_in_month(2024, 4), 30);
    EXPECT_EQ(days_in_month(2024, 12), 31);
    EXPECT_EQ(days_in_month(2024, 0), 0);
    EXPECT_EQ(days_in_month(2024, 13), 0);
}

TEST(FieldValueDate, FormatsTheMaskWhileTyping)
{
    struct Row {
        std::string_view typed;
        std::string_view shown;
    };
    Row const rows[] = {
        { "", "__/__/____" },
        { "0", "0_/__/____" },
        { "03", "03/__/____" },
        { "031", "03/1_/____" },
        { "0312", "03/12/____" },
        { "031219", "03/12/19__" },
        { "03121985", "03/12/1985" },
        { "0312198512", "03/12/1985" },
        { "03/12", "03/12/____" },
    };
    for (auto const& row : rows)
        EXPECT_EQ(format_date_digits(row.typed), row.shown) << trace(row.typed);
}

TEST(FieldValueDate, ReadsStoredIsoDates)
{
    struct Row {
        std::string_view iso;
        std::optional<Date> date;
    };
    Row const rows[] = {
        { "2010-03-05", Date { 2010, 3, 5 } },
        { "2024-02-29", Date { 2024, 2, 29 } },
        { "0001-01-01", Date { 1, 1, 1 } },
        { "2023-02-29", std::nullopt },
        { "2010-04-31", std::nullopt },
        { "0000-01-01", std::nullopt },
        { "2010-13-01", std::nullopt },
        { "2010-00-10", std::nullopt },
        { "2010-01-00", std::nullopt },
        { "2010-3-5", std::nullopt },
        { "2010/03/05", std::nullopt },
        { "05/03/2010", std::nullopt },
        { " 2010-03-05", std::nullopt },
        { "2010-03-05T10", std::nullopt },
        { "+010-03-05", std::nullopt },
        { "", std::nullopt },
    };
    for (auto const& row : rows)
        EXPECT_EQ(parse_iso_date(row.iso), row.date) << trace(row.iso);

    EXPECT_EQ(to_iso({ 2010, 3, 5 }), "2010-03-05");
    EXPECT_EQ(to_iso({ 985, 12, 25 }), "0985-12-25");
}

TEST(FieldValueDate, DisplaysDatesForTheResident)
{
    struct Row {
        std::string_view iso;
        std::string_view short_form;
        std::string_view long_form;
    };
    Row const rows[] = {
        { "2010-03-05", "05/03/2010", "5 mars 2010" },
        { "2010-03-01", "01/03/2010", "1er mars 2010" },
        { "2000-02-01", "01/02/2000", "1er février 2000" },
        { "2024-08-15", "15/08/2024", "15 août 2024" },
        { "1999-12-31", "31/12/1999", "31 décembre 1999" },
        { "1985-01-10", "10/01/1985", "10 janvier 1985" },
        // Not a date: shown as stored, never hidden.
        { "bientôt", "bientôt", "bientôt" },
        { "2023-02-29", "2023-02-29", "2023-02-29" },
        { "", "", "" },
    };
    for (auto const& row : rows) {
        EXPECT_EQ(display_date(row.iso), row.short_form) << trace(row.iso);
        EXPECT_EQ(display_date_long(row.iso), row.long_form) << trace(row.iso);
    }
}

TEST(FieldValueDate, RefusesFutureOrPastDatesRelativeToToday)
{
    Date const today { 2026, 1, 15 };
    constexpr std::string_view future = "Cette date est dans le futur. Vérifiez l'année.";
    constexpr std::string_view past = "Cette date est déjà passée. Vérifiez la date.";
    struct Row {
        Date date;
        std::optional<std::string_view> not_future;
        std::optional<std::string_view> not_past;
    };
    Row const rows[] = {
        { today, std::nullopt, std::nullopt },
        { { 2026, 1, 16 }, future, std::nullopt },
        { { 2026, 1, 14 }, std::nullopt, past },
        { { 2026, 2, 1 }, future, std::nullopt },
        { { 2025, 12, 31 }, std::nullopt, past },
        { { 2062, 1, 15 }, future, std::nullopt }, // 1962 typed as 2062
        { { 1962, 1, 15 }, std::nullopt, past },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(to_iso(row.date));
        EXPECT_EQ(check_date_not_future(row.date, today), row.not_future);
        EXPECT_EQ(check_date_not_past(row.date, today), row.not_past);
    }
}

// [SECTION] Ages

TEST(FieldValueAge, CountsWholeYears)
{
    struct Row {
        Date birth;
        Date today;
        int age;
    };
    Row const rows[] = {
        { { 2000, 6, 15 }, { 2024, 6, 14 }, 23 }, // the day before the birthday
        { { 2000, 6, 15 }, { 2024, 6, 15 }, 24 }, // the birthday
        { { 2000, 6, 15 }, { 2024, 6, 16 }, 24 },
        { { 2000, 6, 15 }, { 2024, 5, 31 }, 23 },
        { { 2000, 6, 15 }, { 2024, 7, 1 }, 24 },
        { { 2000, 12, 31 }, { 2001, 1, 1 }, 0 },
        { { 2000, 1, 1 }, { 2000, 1, 1 }, 0 },
        { { 1900, 1, 1 }, { 2026, 1, 1 }, 126 },
        // Born on 29 February: in a common year the birthday is 1 March.
        { { 2000, 2, 29 }, { 2023, 2, 28 }, 22 },
        { { 2000, 2, 29 }, { 2023, 3, 1 }, 23 },
        { { 2000, 2, 29 }, { 2024, 2, 28 }, 23 },
        { { 2000, 2, 29 }, { 2024, 2, 29 }, 24 },
        { { 2008, 2, 29 }, { 2026, 2, 28 }, 17 },
        { { 2008, 2, 29 }, { 2026, 3, 1 }, 18 },
        // A birth after today gives a negative age.
        { { 2024, 6, 16 }, { 2024, 6, 15 }, -1 },
    };
    for (auto const& row : rows)
        EXPECT_EQ(age_on(row.birth, row.today), row.age) << to_iso(row.birth) << " on " << to_iso(row.today);
}

TEST(FieldValueAge, ChecksMinimumAndMaximumAges)
{
    struct Row {
        Date birth;
        Date today;
        int years;
        std::optional<std::string_view> at_least;
        std::optional<std::string_view> at_most;
    };
    Row const rows[] = {
        { { 2008, 6, 15 }, { 2024, 6, 14 }, 16, "Il faut avoir au moins 16 ans.", std::nullopt },
        { { 2008, 6, 15 }, { 2024, 6, 15 }, 16, std::nullopt, std::nullopt },
        { { 2008, 6, 15 }, { 2025, 6, 15 }, 16, std::nullopt, "Il faut avoir 16 ans ou moins." },
        { { 1999, 6, 15 }, { 2025, 6, 14 }, 25, std::nullopt, std::nullopt },
        { { 1999, 6, 15 }, { 2025, 6, 15 }, 25, std::nullopt, "Il faut avoir 25 ans ou moins." },
        // Majority for a birth on 29 February: reached on 1 March.
        { { 2008, 2, 29 }, { 2026, 2, 28 }, 18, "Il faut avoir au moins 18 ans.", std::nullopt },
        { { 2008, 2, 29 }, { 2026, 3, 1 }, 18, std::nullopt, std::nullopt },
        // "an" in the singular below 2.
        { { 2026, 1, 1 }, { 2026, 6, 1 }, 1, "Il faut avoir au moins 1 an.", std::nullopt },
        { { 2024, 1, 1 }, { 2026, 6, 1 }, 1, std::nullopt, "Il faut avoir 1 an ou moins." },
        { { 2024, 1, 1 }, { 2026, 6, 1 }, 0, std::nullopt, "Il faut avoir 0 an ou moins." },
        { { 2024, 1, 1 }, { 2026, 6, 1 }, 2, std::nullopt, std::nullopt },
        { { 2024, 1, 1 }, { 2026, 6, 1 }, 3, "Il faut avoir au moins 3 ans.", std::nullopt },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(to_iso(row.birth) + " on " + to_iso(row.today) + ", " + std::to_string(row.years));
        EXPECT_EQ(check_age_at_least(row.birth, row.years, row.today), row.at_least);
        EXPECT_EQ(check_age_at_most(row.birth, row.years, row.today), row.at_most);
    }
}

// [SECTION] Numbers and codes

TEST(FieldValueNumber, ParsesWholeNumbersWithinBounds)
{
    struct Row {
        std::string_view typed;
        std::optional<long> min;
        std::optional<long> max;
        Outcome expected;
    };
    constexpr std::string_view one_to_ten = "Le nombre doit être entre 1 et 10.";
    constexpr std::string_view not_digits = "Écrivez seulement des chiffres.";
    constexpr std::string_view too_large = "Ce nombre est trop grand.";
    constexpr auto none = std::nullopt;
    Row const rows[] = {
        { "12", none, none, accepts("12") },
        { "0012", none, none, accepts("12") },
        { "0", none, none, accepts("0") },
        { "000", none, none, accepts("0") },
        { " 42 ", none, none, accepts("42") },
        { "1 500", none, none, accepts("1500") },
        { "00000000000000000000000000012", none, none, accepts("12") },
        { "", none, none, refuses("Écrivez un nombre.") },
        { "   ", none, none, refuses("Écrivez un nombre.") },
        { "12a", none, none, refuses(not_digits) },
        { "-3", none, none, refuses(not_digits) },
        { "+3", none, none, refuses(not_digits) },
        { "1.5", none, none, refuses(not_digits) },
        { "1,5", none, none, refuses(not_digits) },
        { "٣", none, none, refuses(not_digits) },
        // Bounds are inclusive.
        { "1", 1, 10, accepts("1") },
        { "5", 1, 10, accepts("5") },
        { "10", 1, 10, accepts("10") },
        { "00010", 1, 10, accepts("10") },
        { "0", 1, 10, refuses(one_to_ten) },
        { "11", 1, 10, refuses(one_to_ten) },
        { "3", 5, none, refuses("Le nombre doit être 5 ou plus.") },
        { "5", 5, none, accepts("5") },
        { "12", none, 10, refuses("Le nombre doit être 10 ou moins.") },
        { "4", 3, 3, refuses("Le nombre doit être 3.") },
        { "3", 3, 3, accepts("3") },
        { "0", -5, 5, accepts("0") },
        { "6", -5, 5, refuses("Le nombre doit être entre -5 et 5.") },
        // Too large for any long: refused like any number out of range.
        { "99999999999999999999", none, none, refuses(too_large) },
        { "99999999999999999999", 1, none, refuses(too_large) },
        { "99999999999999999999", 1, 10, refuses(one_to_ten) },
        { "99999999999999999999", none, 10, refuses("Le nombre doit être 10 ou moins.") },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(trace(row.typed));
        expect_outcome(parse_whole_number(row.typed, row.min, row.max), row.expected);
        expect_stable(row.expected, [&](auto value) { return parse_whole_number(value, row.min, row.max); });
    }
}

TEST(FieldValueNumber, AcceptsUpToTheLargestLong)
{
    auto largest = std::to_string(std::numeric_limits<long>::max());
    expect_outcome(parse_whole_number(largest, std::nullopt, std::nullopt), accepts(largest));
    // One more than the largest: the last digit of the largest long is 7 on
    // every platform (2^31 - 1, 2^63 - 1).
    std::string next = largest;
    next.back() = char(next.back() + 1);
    expect_outcome(parse_whole_number(next, std::nullopt, std::nullopt), refuses("Ce nombre est trop grand."));
}

TEST(FieldValuePostcode, AcceptsFiveDigits)
{
    struct Row {
        std::string_view typed;
        Outcome expected;
    };
    constexpr std::string_view form = "Le code postal a 5 chiffres, par exemple 75001.";
    constexpr std::string_view corsica = "En Corse, le code postal commence par 20, par exemple 20000.";
    Row const rows[] = {
        { "75001", accepts("75001") },
        { "75 001", accepts("75001") },
        { " 13002 ", accepts("13002") },
        { "01000", accepts("01000") }, // the leading zero is part of the code
        { "20000", accepts("20000") }, // Ajaccio
        { "20200", accepts("20200") }, // Bastia
        { "97400", accepts("97400") }, // Saint-Denis, La Réunion
        { "98000", accepts("98000") }, // Monaco
        { "", refuses(form) },
        { "7500", refuses(form) },
        { "750011", refuses(form) },
        { "75OO1", refuses(form) },
        { "75-001", refuses(form) },
        { "F-75001", refuses(form) },
        { "75001 Paris", refuses(form) },
        // Corsica: "2A" and "2B" are department codes, not postcodes.
        { "2A004", refuses(corsica) },
        { "2a000", refuses(corsica) },
        { "2B", refuses(corsica) },
        { " 2b 200", refuses(corsica) },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(trace(row.typed));
        expect_outcome(parse_postcode(row.typed), row.expected);
        expect_stable(row.expected, parse_postcode);
    }
}

TEST(FieldValueStreetNumber, NormalizesNumbersAndRepetitionIndices)
{
    struct Row {
        std::string_view typed;
        Outcome expected;
    };
    constexpr std::string_view suffix = "Après le numéro, vous pouvez écrire bis, ter, quater ou une lettre.";
    constexpr std::string_view start = "Le numéro commence par un chiffre, par exemple 12 ou 12 bis.";
    Row const rows[] = {
        { "12", accepts("12") },
        { " 12 ", accepts("12") },
        { "012", accepts("12") },
        { "0", accepts("0") },
        { "12345", accepts("12345") },
        { "000012345", accepts("12345") },
        { "12bis", accepts("12 bis") },
        { "12 bis", accepts("12 bis") },
        { "12  bis", accepts("12 bis") },
        { "12 BIS", accepts("12 bis") },
        { "12 Bis", accepts("12 bis") },
        { "12ter", accepts("12 ter") },
        { "3 quater", accepts("3 quater") },
        { "5 quinquies", accepts("5 quinquies") },
        { "12b", accepts("12 B") },
        { "12 B", accepts("12 B") },
        { "7 a", accepts("7 A") },
        { "", refuses("Écrivez le numéro, par exemple 12 ou 12 bis.") },
        { "bis", refuses(start) },
        { "B12", refuses(start) },
        { "n°12", refuses(start) },
        { "123456", refuses("Le numéro est trop long. Il a 5 chiffres au plus.") },
        { "12-14", refuses("Écrivez un seul numéro, par exemple 12.") },
        { "12 - 14", refuses("Écrivez un seul numéro, par exemple 12.") },
        { "12/14", refuses("Écrivez un seul numéro, par exemple 12.") },
        { "12 14", refuses("Écrivez un seul numéro, par exemple 12.") },
        { "007-9", refuses("Écrivez un seul numéro, par exemple 7.") },
        { "12 bi", refuses(suffix) },
        { "12 bis A", refuses(suffix) },
        { "12 é", refuses(suffix) },
        { "12.5", refuses(suffix) },
        { "12 rue de la Paix", refuses(suffix) },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(trace(row.typed));
        expect_outcome(parse_street_number(row.typed), row.expected);
        expect_stable(row.expected, parse_street_number);
    }
}

// [SECTION] E-mail addresses

TEST(FieldValueEmail, ChecksTheFormOfAnAddress)
{
    struct Row {
        std::string_view typed;
        Outcome expected;
    };
    constexpr std::string_view hidden = "L'adresse contient un signe caché. Effacez-la et écrivez-la à nouveau.";
    constexpr std::string_view space = "L'adresse ne peut pas contenir d'espace.";
    constexpr std::string_view many_at = "Il faut un seul signe @ (arobase).";
    constexpr std::string_view double_dot = "L'adresse ne peut pas avoir 2 points qui se suivent.";
    constexpr std::string_view next_to_at = "Il ne faut pas de point juste avant ou juste après le signe @.";
    constexpr std::string_view ends_with_dot = "L'adresse ne peut pas finir par un point.";
    constexpr std::string_view bad_domain = "Vérifiez ce qui est écrit après le signe @.";
    constexpr std::string_view bad_top_level = "Vérifiez la fin de l'adresse. Elle finit souvent par .fr ou .com.";
    Row const rows[] = {
        { "jean.dupont@orange.fr", accepts("jean.dupont@orange.fr") },
        { "  jean.dupont@orange.fr   ", accepts("jean.dupont@orange.fr") },
        { "jean.dupont@orange.fr\t", accepts("jean.dupont@orange.fr") },
        // The domain goes to lower case; the part before @ is kept as typed.
        { "Jean.Dupont@Orange.FR", accepts("Jean.Dupont@orange.fr") },
        { "jean+borne@laposte.net", accepts("jean+borne@laposte.net") },
        { "jean_dupont@free.fr", accepts("jean_dupont@free.fr") },
        { "o'neil@example.ie", accepts("o'neil@example.ie") },
        { "a@b.co", accepts("a@b.co") },
        { "jean@mairie.ville.fr", accepts("jean@mairie.ville.fr") },
        { "jean@mairie-centre.fr", accepts("jean@mairie-centre.fr") },
        { "jean@xn--caf-dma.fr", accepts("jean@xn--caf-dma.fr") },
        { "jean@example.xn--p1ai", accepts("jean@example.xn--p1ai") },
        { "2024@exemple.fr", accepts("2024@exemple.fr") },
        // Empty.
        { "", refuses("Écrivez l'adresse e-mail.") },
        { "   ", refuses("Écrivez l'adresse e-mail.") },
        // Spaces and hidden characters.
        { "jean dupont@orange.fr", refuses(space) },
        { "jean@orange .fr", refuses(space) },
        { "jean\t@orange.fr", refuses(space) },
        { "jean\u00A0@orange.fr", refuses(space) },
        { "jean\x01@orange.fr", refuses(hidden) },
        { "jean\u200B@orange.fr", refuses(hidden) },
        { "jean\xC3@orange.fr", refuses(hidden) },
        // Accents and other letters.
        { "jéan@orange.fr",
            refuses("L'adresse ne peut pas avoir de lettre avec un accent. Écrivez e à la place de é.") },
        { "françois@orange.fr",
            refuses("L'adresse ne peut pas avoir de lettre avec un accent. Écrivez c à la place de ç.") },
        { "JÉRÔME@orange.fr",
            refuses("L'adresse ne peut pas avoir de lettre avec un accent. Écrivez E à la place de É.") },
        { "jean@café.fr", refuses("L'adresse ne peut pas avoir de lettre avec un accent. Écrivez e à la place de é.") },
        { "ayşe@orange.fr",
            refuses("L'adresse ne peut pas avoir de lettre avec un accent. Écrivez s à la place de ş.") },
        { "иван@mail.ru", refuses("L'adresse ne peut pas contenir le signe « и ».") },
        { "jœl@orange.fr", refuses("L'adresse ne peut pas contenir le signe « œ ».") },
        { "jean@orange.fr😀", refuses("L'adresse ne peut pas contenir le signe « 😀 ».") },
        // The @.
        { "jean.dupont.orange.fr", refuses("Il manque le signe @ (arobase).") },
        { "jean@@orange.fr", refuses(many_at) },
        { "jean@orange@fr", refuses(many_at) },
        { "@orange.fr", refuses("Il manque le début de l'adresse, avant le signe @.") },
        { "jean@", refuses("Il manque la suite de l'adresse, après le signe @.") },
        // Dots.
        { "jean@orange", refuses("Il manque la fin de l'adresse, par exemple .fr ou .com.") },
        { "jean@orange,fr", refuses("L'adresse contient une virgule. Écrivez un point à la place.") },
        { "jean..dupont@orange.fr", refuses(double_dot) },
        { "jean@orange..fr", refuses(double_dot) },
        { ".jean@orange.fr", refuses("L'adresse ne peut pas commencer par un point.") },
        { "jean.@orange.fr", refuses(next_to_at) },
        { "jean@.orange.fr", refuses(next_to_at) },
        { "jean@orange.", refuses(ends_with_dot) },
        { "jean@orange.fr.", refuses(ends_with_dot) },
        // The domain.
        { "jean@-orange.fr", refuses(bad_domain) },
        { "jean@orange-.fr", refuses(bad_domain) },
        { "jean@orange.f", refuses(bad_top_level) },
        { "jean@orange.123", refuses(bad_top_level) },
        { "jean@192.168.1.1", refuses(bad_top_level) },
        { "jean@orange_fr.fr", refuses("Après le signe @, l'adresse ne peut pas contenir le signe « _ ».") },
        { "jean@[192.168.1.1]", refuses("Après le signe @, l'adresse ne peut pas contenir le signe « [ ».") },
        // Signs that are never in an address.
        { "jean(x)@orange.fr", refuses("L'adresse ne peut pas contenir le signe « ( ».") },
        { "<jean@orange.fr>", refuses("L'adresse ne peut pas contenir le signe « < ».") },
        { "jean;paul@orange.fr", refuses("L'adresse ne peut pas contenir le signe « ; ».") },
        { "\"jean\"@orange.fr", refuses("L'adresse ne peut pas contenir le signe « \" ».") },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(trace(row.typed));
        expect_outcome(parse_email(row.typed), row.expected);
        expect_stable(row.expected, parse_email);
    }
}

TEST(FieldValueEmail, EnforcesLengthLimits)
{
    constexpr std::string_view too_long = "L'adresse est trop longue.";
    // At most 64 characters before the @.
    auto local_64 = std::string(64, 'a') + "@orange.fr";
    expect_outcome(parse_email(local_64), accepts(local_64));
    expect_outcome(parse_email(std::string(65, 'a') + "@orange.fr"), refuses(too_long));

    // At most 63 characters between two dots.
    auto label_63 = "jean@" + std::string(63, 'b') + ".fr";
    expect_outcome(parse_email(label_63), accepts(label_63));
    expect_outcome(
        parse_email("jean@" + std::string(64, 'b') + ".fr"), refuses("Vérifiez ce qui est écrit après le signe @."));

    // At most 254 in all: 64 + 1 + 189 (three labels and the top level).
    auto domain_189 = std::string(61, 'c') + "." + std::string(60, 'd') + "." + std::string(63, 'e') + ".fr";
    ASSERT_EQ(domain_189.size(), 189u);
    auto longest = std::string(64, 'a') + "@" + domain_189;
    expect_outcome(parse_email(longest), accepts(longest));
    expect_outcome(parse_email(std::string(64, 'a') + "@c" + domain_189), refuses(too_long));
}

// [SECTION] Names

TEST(FieldValueName, AcceptsLettersOfAnyScript)
{
    struct Row {
        std::string_view typed;
        NameKind kind;
        Outcome expected;
    };
    constexpr auto surname = NameKind::Surname;
    constexpr auto given = NameKind::GivenName;
    constexpr auto place = NameKind::Place;
    constexpr std::string_view hidden = "Le nom contient un signe caché. Effacez-le et écrivez-le à nouveau.";
    constexpr std::string_view digits = "Le nom ne peut pas contenir de chiffres.";
    constexpr std::string_view edges = "Le nom doit commencer et finir par une lettre.";
    Row const rows[] = {
        { "Dupont", surname, accepts("Dupont") },
        { "  Dupont  ", surname, accepts("Dupont") },
        { "de La Fontaine", surname, accepts("de La Fontaine") },
        { "de  La   Fontaine", surname, accepts("de La Fontaine") },
        { "Jean-Pierre", given, accepts("Jean-Pierre") },
        { "Jean - Pierre", given, accepts("Jean-Pierre") },
        { "Jean -Pierre", given, accepts("Jean-Pierre") },
        { "Jean\u2011Pierre", given, accepts("Jean-Pierre") }, // non-breaking hyphen
        { "Jean\u00A0Pierre", given, accepts("Jean Pierre") }, // no-break space
        { "Jean\u200BPierre", given, accepts("JeanPierre") }, // zero-width space: dropped
        { "D'Artagnan", surname, accepts("D'Artagnan") },
        { "D’Artagnan", surname, accepts("D'Artagnan") },
        { "D' Artagnan", surname, accepts("D'Artagnan") },
        { "Martin--Durand", surname, accepts("Martin--Durand") }, // double surname, 2005 to 2011
        { "Martin -- Durand", surname, accepts("Martin--Durand") },
        { "Louis XIV", given, accepts("Louis XIV") },
        { "Saint-Étienne", place, accepts("Saint-Étienne") },
        { "L’Haÿ-les-Roses", place, accepts("L'Haÿ-les-Roses") },
        { "Œuvray", surname, accepts("Œuvray") },
        { "Nguyễn", surname, accepts("Nguyễn") },
        { "Öztürk", surname, accepts("Öztürk") },
        { "Şahin", surname, accepts("Şahin") },
        { "محمد", given, accepts("محمد") },
        { "Иванов", surname, accepts("Иванов") },
        { "佐々木", surname, accepts("佐々木") },
        { "Ελένη", given, accepts("Ελένη") },
        { "Rene\u0301", given, accepts("Rene\u0301") }, // é written as e and a combining accent
        // Empty.
        { "", surname, refuses("Écrivez le nom avec le clavier.") },
        { "   ", surname, refuses("Écrivez le nom avec le clavier.") },
        { "", given, refuses("Écrivez le prénom avec le clavier.") },
        { "\u00A0", place, refuses("Écrivez le nom du lieu avec le clavier.") },
        // Digits, in any script.
        { "Dupont2", surname, refuses(digits) },
        { "Dupont²", surname, refuses(digits) },
        { "محمد٣", surname, refuses(digits) },
        { "Dupont２", surname, refuses(digits) },
        { "Jean2", given, refuses("Le prénom ne peut pas contenir de chiffres.") },
        { "Paris 15", place, refuses("Le nom du lieu ne peut pas contenir de chiffres.") },
        // Other signs, shown to the resident.
        { "Dupont@", surname, refuses("Le nom ne peut pas contenir le signe « @ ».") },
        { "St. Denis", place, refuses("Le nom du lieu ne peut pas contenir le signe « . ».") },
        { "Jean, Pierre", given, refuses("Le prénom ne peut pas contenir le signe « , ».") },
        { "Jean/Pierre", given, refuses("Le prénom ne peut pas contenir le signe « / ».") },
        { "Dupont😀", surname, refuses("Le nom ne peut pas contenir le signe « 😀 ».") },
        { "Dupont_", surname, refuses("Le nom ne peut pas contenir le signe « _ ».") },
        { "Dupont–Durand", surname, refuses("Le nom ne peut pas contenir le signe « – ».") }, // en dash
        { "Dupont2@", surname, refuses(digits) }, // digits are named first
        // Hidden characters.
        { "Du\x01pont", surname, refuses(hidden) },
        { "Dupont\xC3", surname, refuses(hidden) },
        { "Dupont\xC2\x85", surname, refuses(hidden) },
        // Hyphens and apostrophes only between letters.
        { "-Dupont", surname, refuses(edges) },
        { "Dupont-", surname, refuses(edges) },
        { "Dupont '", surname, refuses(edges) },
        { "'", surname, refuses(edges) },
        { "-", given, refuses("Le prénom doit commencer et finir par une lettre.") },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(trace(row.typed));
        expect_outcome(parse_name(row.typed, row.kind), row.expected);
        expect_stable(row.expected, [&](auto value) { return parse_name(value, row.kind); });
    }
}
