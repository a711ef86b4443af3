// The machine-readable zone: check digits, the three formats with ICAO's
// own specimens (Doc 9303 Parts 4 to 6), centuries, and every way a scanner
// or a chip can get one wrong.
#include "kiosk/core/mrz.hpp"

#include <gtest/gtest.h>

namespace guichet::mrz {
namespace {

constexpr Date today { 2026, 11, 22 };

TEST(CheckDigit, IcaoCases)
{
    struct Case {
        char const* field;
        char digit;
    };
    for (auto c : std::vector<Case> {
             { "L898902C<", '3' }, { "690806", '1' }, { "940623", '6' }, { "D23145890", '7' }, { "740812", '2' },
             { "120415", '9' }, { "ZE184226B<<<<<", '1' }, { "L898902C3", '6' }, { "", '0' }, { "<<<<<<", '0' },
             { "A", '0' }, // 10 × 7 = 70
             { "Z", '5' }, // 35 × 7 = 245
         }) {
        EXPECT_EQ(check_digit(c.field), c.digit) << c.field;
    }
    EXPECT_EQ(check_digit("l898902c"), std::nullopt);
    EXPECT_EQ(check_digit("AB-12"), std::nullopt);
}

constexpr char td3[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                       "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
constexpr char td2[] = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n"
                       "D231458907UTO7408122F1204159<<<<<<<6";
constexpr char td1[] = "I<UTOD231458907<<<<<<<<<<<<<<<\n"
                       "7408122F1204159UTO<<<<<<<<<<<6\n"
                       "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";

TEST(Parse, PassportTd3)
{
    auto data = parse(td3, today);
    ASSERT_TRUE(data.ok()) << data.error().code;
    EXPECT_EQ(data.value().format, Format::TD3);
    EXPECT_EQ(data.value().document_code, "P");
    EXPECT_TRUE(data.value().is_passport());
    EXPECT_EQ(data.value().issuing_state, "UTO");
    EXPECT_EQ(data.value().surname, "ERIKSSON");
    EXPECT_EQ(data.value().given_names, "ANNA MARIA");
    EXPECT_EQ(data.value().document_number, "L898902C3");
    EXPECT_EQ(data.value().nationality, "UTO");
    EXPECT_EQ(data.value().birth_date, (Date { 1974, 8, 12 }));
    EXPECT_EQ(data.value().sex, 'F');
    EXPECT_EQ(data.value().expiry_date, (Date { 2012, 4, 15 }));
    EXPECT_EQ(data.value().optional_data, "ZE184226B");
    EXPECT_EQ(data.value().access.information(), "L898902C3674081221204159");
}

TEST(Parse, CardTd1AndTd2)
{
    for (char const* text : { td1, td2 }) {
        SCOPED_TRACE(text);
        auto data = parse(text, today);
        ASSERT_TRUE(data.ok()) << data.error().code;
        EXPECT_EQ(data.value().document_code, "I");
        EXPECT_FALSE(data.value().is_passport());
        EXPECT_EQ(data.value().surname, "ERIKSSON");
        EXPECT_EQ(data.value().given_names, "ANNA MARIA");
        EXPECT_EQ(data.value().document_number, "D23145890");
        EXPECT_EQ(data.value().birth_date, (Date { 1974, 8, 12 }));
        EXPECT_EQ(data.value().access.information(), "D23145890774081221204159");
    }
    EXPECT_EQ(parse(td1, today).value().format, Format::TD1);
    EXPECT_EQ(parse(td2, today).value().format, Format::TD2);
}

TEST(Parse, WhatScannersSend)
{
    std::string flat = td3;
    flat.erase(flat.find('\n'), 1);
    EXPECT_TRUE(parse(flat, today).ok()) << "run together";
    std::string crlf = td1;
    for (std::size_t at = crlf.find('\n'); at != std::string::npos; at = crlf.find('\n', at + 2))
        crlf.insert(at, "\r");
    EXPECT_TRUE(parse(crlf + "\r\n", today).ok()) << "CR LF line ends and a trailing one";
    std::string lower = td3;
    for (auto& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(parse(lower, today).ok()) << "lower case";
}

TEST(Parse, EveryErrorNamesThePartNeverTheContent)
{
    struct Case {
        std::string text;
        char const* code;
    };
    auto changed = [](std::string text, std::size_t at, char c) {
        text.replace(at, 1, 1, c);
        return text;
    };
    std::string base = td3; // line 2 starts at 45
    for (auto const& c : std::vector<Case> {
             { changed(base, 45 + 9, '7'), "mrz.check.document_number" },
             { changed(base, 45 + 19, '3'), "mrz.check.birth_date" },
             { changed(base, 45 + 27, '0'), "mrz.check.expiry_date" },
             { changed(base, 45 + 42, '2'), "mrz.check.optional_data" },
             { changed(base, 45 + 43, '1'), "mrz.check.composite" },
             { changed(base, 3, '#'), "mrz.character" },
             { base.substr(0, 80), "mrz.length" },
             { base.substr(0, 44) + "\n" + base.substr(46), "mrz.length" }, // a character dropped on line 2
             { "", "mrz.length" },
         }) {
        auto data = parse(c.text, today);
        ASSERT_FALSE(data.ok()) << c.text;
        EXPECT_EQ(data.error().code, c.code) << c.text;
        EXPECT_EQ(data.error().detail.find("ERIKSSON"), std::string::npos);
        EXPECT_EQ(data.error().detail.find("L898902C"), std::string::npos);
    }
}

TEST(Parse, ImpossibleDayWithRightCheckDigit)
{
    // 31 February, check digit computed for it.
    std::string text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7402311F1204159ZE184226B<<<<<1";
    std::string composite = text.substr(45, 10) + text.substr(45 + 13, 7) + text.substr(45 + 21, 22);
    text[45 + 19] = *check_digit(text.substr(45 + 13, 6));
    composite = text.substr(45, 10) + text.substr(45 + 13, 7) + text.substr(45 + 21, 22);
    text += *check_digit(composite);
    auto data = parse(text, today);
    ASSERT_FALSE(data.ok());
    EXPECT_EQ(data.error().code, "mrz.date");
}

TEST(Parse, LongFormDocumentNumberDropsItsFillers)
{
    // '<' where the number's check digit goes: the number continues in the
    // optional data, here with nothing but its check digit (found by fuzzing).
    auto data = parse("IDFRAABCDEF<<<<3<<<<<<<<<<<<<<\n"
                      "9007138F3002119FRA<<<<<<<<<<<0\n"
                      "MARTIN<<MAELYS<<<<<<<<<<<<<<<<",
        today);
    ASSERT_TRUE(data.ok()) << data.error().code;
    EXPECT_EQ(data.value().document_number, "ABCDEF");
    EXPECT_EQ(data.value().access.information().substr(0, 10), "ABCDEF<<<3");
}

TEST(Centuries, BirthNeverInTheFutureExpiryWithinFiftyYears)
{
    EXPECT_EQ(birth_date_from_yymmdd("740812", today), (Date { 1974, 8, 12 }));
    EXPECT_EQ(birth_date_from_yymmdd("260101", today), (Date { 2026, 1, 1 }));
    EXPECT_EQ(birth_date_from_yymmdd("261123", today), (Date { 1926, 11, 23 })) << "tomorrow is a century ago";
    EXPECT_EQ(birth_date_from_yymmdd("000229", today), (Date { 2000, 2, 29 }));
    EXPECT_EQ(expiry_date_from_yymmdd("120415", today), (Date { 2012, 4, 15 }));
    EXPECT_EQ(expiry_date_from_yymmdd("360101", today), (Date { 2036, 1, 1 }));
    EXPECT_EQ(expiry_date_from_yymmdd("990101", today), (Date { 1999, 1, 1 }));
    EXPECT_EQ(expiry_date_from_yymmdd("990231", today), std::nullopt);
    EXPECT_EQ(birth_date_from_yymmdd("99A231", today), std::nullopt);
}

TEST(AccessKey, FromWhatAResidentTypes)
{
    auto key = access_key("x4rt bpfw-4", { 1990, 7, 13 }, { 2030, 2, 11 });
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key.value().document_number, "X4RTBPFW4");
    EXPECT_EQ(key.value().information().size(), 24u);
    EXPECT_EQ(access_key("X4RT#PFW4", {}, {}).error().code, "mrz.character");
    EXPECT_EQ(access_key("X4<TBPFW4", {}, {}).error().code, "mrz.character");
    EXPECT_EQ(access_key("X4R", {}, {}).error().code, "mrz.length");
    key.value().wipe();
    EXPECT_TRUE(key.value().document_number.empty());
}

TEST(CouldBeMrz, WhileAScannerTypes)
{
    EXPECT_TRUE(could_be_mrz(""));
    EXPECT_TRUE(could_be_mrz("P<UTOERIKS"));
    EXPECT_TRUE(could_be_mrz(td1));
    EXPECT_FALSE(could_be_mrz("Bonjour !"));
    EXPECT_FALSE(could_be_mrz(std::string(91, '<')));
}

}
}
