#include "kiosk/core/utf8.hpp"

#include <gtest/gtest.h>

using namespace guichet;

TEST(Utf8, CountsCharactersNotBytes)
{
    EXPECT_EQ(utf8::length("éclairage"), 9u);
    EXPECT_EQ(utf8::length("œuvre"), 5u);
    EXPECT_EQ(utf8::length(""), 0u);
}

TEST(Utf8, PopBackRemovesAWholeCharacter)
{
    std::string text = "rue é";
    utf8::pop_back(text);
    EXPECT_EQ(text, "rue ");
    std::string empty;
    utf8::pop_back(empty);
    EXPECT_EQ(empty, "");
}

TEST(Utf8, ValidatesEncoding)
{
    EXPECT_TRUE(utf8::is_valid("Signaler un problème"));
    EXPECT_FALSE(utf8::is_valid("\xC3")); // cut in the middle
    EXPECT_FALSE(utf8::is_valid("\xC0\xAF")); // overlong '/'
    EXPECT_FALSE(utf8::is_valid("\xED\xA0\x80")); // surrogate
    EXPECT_FALSE(utf8::is_valid("\xFF"));
}

TEST(Utf8, WipeOverwritesEveryByteOfTheBuffer)
{
    for (std::string secret : { std::string("06 12 34 56 78"), std::string(200, 'x') + "Lampadaire éteint" }) {
        secret.reserve(secret.size() + 50); // room past the end must be clean too
        wipe(secret);
        EXPECT_TRUE(secret.empty());
        // clear() keeps the buffer; every byte of it must be zero.
        for (std::size_t i = 0; i < secret.capacity(); ++i)
            ASSERT_EQ(secret.data()[i], '\0') << "byte " << i;
    }
}

TEST(Utf8, RejectsCodePointsPastUnicode)
{
    EXPECT_FALSE(utf8::is_valid("\xF4\x90\x80\x80")); // U+110000
    EXPECT_TRUE(utf8::is_valid("\xF4\x8F\xBF\xBF")); // U+10FFFF
}
