#include "kiosk/core/tracking_code.hpp"

#include <gtest/gtest.h>

#include <unordered_set>

using guichet::TrackingCode;

TEST(TrackingCode, UsesOnlyConsonantsAndHasEightCharacters)
{
    for (std::uint64_t serial = 0; serial < 5000; ++serial) {
        auto code = TrackingCode::from_serial(serial, 0x5EED);
        ASSERT_EQ(code.text().size(), 8u);
        for (char c : code.text())
            ASSERT_NE(TrackingCode::alphabet.find(c), std::string_view::npos) << code.text();
    }
}

TEST(TrackingCode, AMillionSerialsGiveAMillionDistinctCodes)
{
    std::unordered_set<std::string> seen;
    seen.reserve(1'000'000);
    for (std::uint64_t serial = 0; serial < 1'000'000; ++serial)
        ASSERT_TRUE(seen.insert(TrackingCode::from_serial(serial, 0xC0FFEE).text()).second) << serial;
}

TEST(TrackingCode, ConsecutiveSerialsDoNotLookAlike)
{
    // A resident must not guess a neighbour's code from their own.
    auto a = TrackingCode::from_serial(41, 7).text();
    auto b = TrackingCode::from_serial(42, 7).text();
    int same = 0;
    for (int i = 0; i < 7; ++i)
        same += a[i] == b[i];
    EXPECT_LT(same, 4) << a << " " << b;
}

TEST(TrackingCode, DependsOnTheKiosksKey)
{
    EXPECT_NE(TrackingCode::from_serial(1, 1).text(), TrackingCode::from_serial(1, 2).text());
}

TEST(TrackingCode, ParseAcceptsWhatPeopleType)
{
    auto code = TrackingCode::from_serial(123, 99);
    std::string lower;
    for (char c : code.display())
        lower += char(std::tolower(c));
    auto parsed = TrackingCode::parse(lower);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, code);
    EXPECT_TRUE(TrackingCode::parse(code.text().substr(0, 4) + " " + code.text().substr(4)));
}

TEST(TrackingCode, CheckCharacterCatchesEverySingleSubstitution)
{
    auto code = TrackingCode::from_serial(2024, 1234).text();
    for (std::size_t position = 0; position < code.size(); ++position) {
        for (char replacement : TrackingCode::alphabet) {
            if (replacement == code[position])
                continue;
            auto typo = code;
            typo[position] = replacement;
            EXPECT_FALSE(TrackingCode::parse(typo)) << typo;
        }
    }
}

TEST(TrackingCode, CheckCharacterCatchesMostNeighbourSwaps)
{
    int caught = 0, total = 0;
    for (std::uint64_t serial = 0; serial < 2000; ++serial) {
        auto code = TrackingCode::from_serial(serial, 77).text();
        for (std::size_t i = 0; i + 1 < code.size(); ++i) {
            if (code[i] == code[i + 1])
                continue;
            auto swapped = code;
            std::swap(swapped[i], swapped[i + 1]);
            ++total;
            caught += !TrackingCode::parse(swapped);
        }
    }
    EXPECT_GT(double(caught) / total, 0.9) << caught << "/" << total;
}

TEST(TrackingCode, RefusesVowelsDigitsAndWrongLengths)
{
    EXPECT_FALSE(TrackingCode::parse("BCDFGHJA"));
    EXPECT_FALSE(TrackingCode::parse("BCDFGHJ1"));
    EXPECT_FALSE(TrackingCode::parse("BCDFGHJ"));
    EXPECT_FALSE(TrackingCode::parse(""));
}

TEST(TrackingCode, DisplaysInTwoGroupsOfFour)
{
    auto code = TrackingCode::from_serial(5, 5);
    EXPECT_EQ(code.display(), code.text().substr(0, 4) + "-" + code.text().substr(4));
}
