// Arabic on the kiosk's screen: the glyphs ImGui is handed must be the joined
// presentation forms, in the order they are drawn from left to right. The
// expectations are code points (Unicode's Arabic Presentation Forms-B chart)
// because that is what decides which glyph of DejaVu Sans appears.
#include "ui/bidi.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

using namespace guichet::ui;
using bidi::Direction;

namespace {

// A strict decoder of its own, so that a fault in bidi.cpp's conversion
// cannot hide itself: anything ill-formed shows up as U+110000, which no
// expectation contains.
constexpr char32_t ill_formed = 0x110000;

std::u32string code_points(std::string_view utf8)
{
    std::u32string decoded;
    for (std::size_t at = 0; at < utf8.size();) {
        auto const lead = static_cast<unsigned char>(utf8[at]);
        std::size_t length = 0;
        if (lead < 0x80)
            length = 1;
        else if (lead >= 0xC2 && lead <= 0xDF)
            length = 2;
        else if (lead >= 0xE0 && lead <= 0xEF)
            length = 3;
        else if (lead >= 0xF0 && lead <= 0xF4)
            length = 4;
        if (length == 0 || at + length > utf8.size()) {
            decoded += ill_formed;
            break;
        }
        char32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
        for (std::size_t i = 1; i < length; ++i) {
            auto const byte = static_cast<unsigned char>(utf8[at + i]);
            if ((byte & 0xC0) != 0x80)
                return decoded + ill_formed;
            code_point = (code_point << 6) | (byte & 0x3F);
        }
        bool const shortest = length == 1 || (length == 2 && code_point >= 0x80) || (length == 3 && code_point >= 0x800)
            || (length == 4 && code_point >= 0x10000);
        if (!shortest || (code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF)
            return decoded + ill_formed;
        decoded += code_point;
        at += length;
    }
    return decoded;
}

bool is_valid(std::string_view utf8)
{
    return code_points(utf8).find(ill_formed) == std::u32string::npos;
}

// The two steps the UI takes for a line that needs no wrapping.
std::u32string drawn(std::string_view logical, Direction base)
{
    return code_points(bidi::visual(bidi::shape(logical, base), base));
}

}

// [SECTION] Which text needs the work

TEST(Bidi, RightToLeftIsFoundOnlyWhereThereIsARightToLeftLetter)
{
    EXPECT_TRUE(bidi::has_right_to_left("سلام"));
    EXPECT_TRUE(bidi::has_right_to_left("Dossier n° 12 : طلب"));
    EXPECT_TRUE(bidi::has_right_to_left("שלום")); // Hebrew is class R
    EXPECT_TRUE(bidi::has_right_to_left("\uFEFB")); // an already shaped lam-alef
    EXPECT_FALSE(bidi::has_right_to_left("Déclaration d’état civil « Élections » — 2026"));
    EXPECT_FALSE(bidi::has_right_to_left(""));
    // Arabic-Indic digits are numbers (class AN), not letters: nothing joins.
    EXPECT_FALSE(bidi::has_right_to_left("٢٠٢٦"));
    // The first byte of an Arabic letter, cut off: not a letter.
    EXPECT_FALSE(bidi::has_right_to_left("abc\xD8"));
}

// [SECTION] Shaping, in logical order

TEST(Bidi, WordTakesInitialMedialAndFinalForms)
{
    // بيت "house": beh initial, yeh medial, teh final.
    EXPECT_EQ(code_points(bidi::shape("بيت", Direction::RightToLeft)), U"\uFE91\uFEF4\uFE96");
}

TEST(Bidi, SalamJoinsSeenToALamAlefLigatureAndLeavesMeemAlone)
{
    // سلام: seen initial, then lam + alef as one final ligature; alef never
    // joins what follows, so meem stands isolated.
    EXPECT_EQ(code_points(bidi::shape("سلام", Direction::RightToLeft)), U"\uFEB3\uFEFC\uFEE1");
}

TEST(Bidi, LamAlefIsOneLigatureWithNothingLeftBehind)
{
    // FriBidi leaves U+FEFF where the lam was; shape() drops it.
    auto const shaped = bidi::shape("لا", Direction::RightToLeft);
    EXPECT_EQ(code_points(shaped), U"\uFEFB");
    EXPECT_EQ(shaped, "\uFEFB");
}

TEST(Bidi, LoneLetterTakesItsIsolatedForm)
{
    EXPECT_EQ(code_points(bidi::shape("ب", Direction::RightToLeft)), U"\uFE8F");
    // Letters separated by a space do not join.
    EXPECT_EQ(code_points(bidi::shape("ب ت", Direction::RightToLeft)), U"\uFE8F \uFE95");
}

TEST(Bidi, LetterThatJoinsOnlyToTheRightStartsANewShape)
{
    // رمز: reh never joins the letter after it, so it stays isolated and
    // meem starts again with an initial form; zain takes its final form.
    EXPECT_EQ(code_points(bidi::shape("رمز", Direction::RightToLeft)), U"\uFEAD\uFEE3\uFEB0");
}

TEST(Bidi, ShapingKeepsLogicalOrderAndNewlines)
{
    // Still in reading order, so that ImGui can wrap it; no joining across
    // the newline.
    EXPECT_EQ(code_points(bidi::shape("سلام\nلا", Direction::RightToLeft)), U"\uFEB3\uFEFC\uFEE1\n\uFEFB");
}

TEST(Bidi, ArabicShapesTheSameInALeftToRightParagraph)
{
    EXPECT_EQ(code_points(bidi::shape("Bonjour سلام", Direction::LeftToRight)), U"Bonjour \uFEB3\uFEFC\uFEE1");
}

// [SECTION] Visual order, one line

TEST(Bidi, ArabicWordIsDrawnReversed)
{
    EXPECT_EQ(drawn("بيت", Direction::RightToLeft), U"\uFE96\uFEF4\uFE91");
    EXPECT_EQ(drawn("سلام", Direction::RightToLeft), U"\uFEE1\uFEFC\uFEB3");
}

TEST(Bidi, YearInsideArabicKeepsItsDigitOrder)
{
    // عام 2026 "year 2026": read from the right, the word then the year, so
    // the year is drawn on the left, still as 2026.
    EXPECT_EQ(drawn("عام 2026", Direction::RightToLeft), U"2026 \uFEE1\uFE8E\uFECB");
    // Between two Arabic words, the year stays in the middle.
    EXPECT_EQ(drawn("بيت 2026 بيت", Direction::RightToLeft), U"\uFE96\uFEF4\uFE91 2026 \uFE96\uFEF4\uFE91");
}

TEST(Bidi, BracketsAroundArabicAreMirrored)
{
    // (نعم): the opening bracket is read first, on the right, and must open
    // towards the word: drawn as ")" on the right and "(" on the left.
    EXPECT_EQ(drawn("(نعم)", Direction::RightToLeft), U"(\uFEE2\uFECC\uFEE7)");
    EXPECT_EQ(drawn("«نعم»", Direction::RightToLeft), U"«\uFEE2\uFECC\uFEE7»");
}

TEST(Bidi, LatinCodeInsideArabicReadsLeftToRight)
{
    // A tracking code in an Arabic sentence: the Latin run is kept whole and
    // in its own order; the Arabic word, read after it, is on its left.
    auto const line = bidi::visual(bidi::shape("Code ABCD-1234 رمز", Direction::RightToLeft), Direction::RightToLeft);
    EXPECT_EQ(code_points(line), U"\uFEB0\uFEE3\uFEAD Code ABCD-1234");
    EXPECT_NE(line.find("Code ABCD-1234"), std::string::npos);
}

TEST(Bidi, LatinTextIsByteIdenticalLeftToRight)
{
    std::string const french = "Déclaration d’état civil (copie) « Élections » — n° 12, 2026-11-22 > [ok]";
    EXPECT_EQ(bidi::shape(french, Direction::LeftToRight), french);
    EXPECT_EQ(bidi::visual(french, Direction::LeftToRight), french);
    // Shaping touches no Latin text, whatever the paragraph.
    EXPECT_EQ(bidi::shape(french, Direction::RightToLeft), french);
}

TEST(Bidi, LatinLineInARightToLeftParagraphMovesOnlyItsEdgePunctuation)
{
    // The final full stop belongs to the right-to-left paragraph, so it
    // goes to the left end, where an Arabic reader ends the sentence.
    EXPECT_EQ(bidi::visual("Bonjour (Paris).", Direction::RightToLeft), ".Bonjour (Paris)");
}

TEST(Bidi, ArabicDigitsAreReorderedEvenInALeftToRightParagraph)
{
    // Two Arabic-Indic numbers separated by a space form one right-to-left
    // run: ١٢ ٣٤ is drawn ٣٤ ١٢. A shortcut that skipped text without
    // Arabic letters would get this wrong.
    EXPECT_EQ(code_points(bidi::visual("١٢ ٣٤", Direction::LeftToRight)), U"٣٤ ١٢");
}

TEST(Bidi, HarakaIsDrawnJustBeforeItsLetter)
{
    // بَ (beh with fatha): DejaVu Sans's fatha has no advance and is drawn
    // to the right of the pen, onto the glyph drawn after it.
    EXPECT_EQ(drawn("بَ", Direction::RightToLeft), U"\u064E\uFE8F");
}

TEST(Bidi, BidiControlsAreDroppedAfterTheirWork)
{
    // An isolate around an Arabic word in a French line: the word reversed
    // on its own, the isolate marks gone (DejaVu Sans has no glyph for them).
    EXPECT_EQ(drawn("\u2067نعم\u2069 OK", Direction::LeftToRight), U"\uFEE2\uFECC\uFEE7 OK");
    EXPECT_EQ(bidi::visual("A\u200EB", Direction::LeftToRight), "AB");
    EXPECT_EQ(drawn("\u200Fبيت", Direction::RightToLeft), U"\uFE96\uFEF4\uFE91");
}

TEST(Bidi, EmptyTextStaysEmpty)
{
    EXPECT_EQ(bidi::shape("", Direction::RightToLeft), "");
    EXPECT_EQ(bidi::visual("", Direction::RightToLeft), "");
    EXPECT_EQ(bidi::visual("", Direction::LeftToRight), "");
}

// [SECTION] Invalid UTF-8

TEST(Bidi, ArabicCutInTheMiddleOfALetterStillShapes)
{
    // سلام followed by the first byte of another letter, as a byte budget
    // would cut it: the word shapes, the stray byte becomes U+FFFD.
    std::string const cut = std::string("سلام") + "\xD8";
    EXPECT_EQ(code_points(bidi::shape(cut, Direction::RightToLeft)), U"\uFEB3\uFEFC\uFEE1\uFFFD");
    EXPECT_EQ(drawn(cut, Direction::RightToLeft), U"\uFFFD\uFEE1\uFEFC\uFEB3");
}

TEST(Bidi, IllFormedBytesBecomeReplacementCharacters)
{
    // Unicode's "maximal subpart" practice, which ImGui follows too: one
    // U+FFFD per longest prefix that could have begun a valid sequence, else
    // per byte. Between two behs, which then no longer join.
    struct Case {
        std::string_view bytes;
        std::size_t replacements;
    };
    Case const cases[] = {
        { "\x80", 1 }, // a continuation byte alone
        { "\xD8", 1 }, // a lead byte without its continuation
        { "\xE2\x80", 1 }, // three-byte sequence cut after two
        { "\xC0\xAF", 2 }, // overlong "/": C0 is never a lead byte
        { "\xED\xA0\x80", 3 }, // an encoded surrogate: ED takes only 80-9F after it
        { "\xF4\x90\x80\x80", 4 }, // past U+10FFFF: F4 takes only 80-8F after it
        { "\xFF", 1 },
    };
    for (std::size_t i = 0; i < std::size(cases); ++i) {
        auto const& bad = cases[i];
        auto const text = std::string("ب") + std::string(bad.bytes) + "ب";
        EXPECT_EQ(code_points(bidi::shape(text, Direction::RightToLeft)),
            U"\uFE8F" + std::u32string(bad.replacements, U'\uFFFD') + U"\uFE8F")
            << "case " << i;
    }
}

TEST(Bidi, InvalidUtf8InLatinTextIsLeftAsItIs)
{
    // Nothing to do for FriBidi, so the bytes pass untouched and ImGui shows
    // its own replacement character for them.
    std::string const bad = "caf\xC3";
    EXPECT_EQ(bidi::shape(bad, Direction::LeftToRight), bad);
    EXPECT_EQ(bidi::visual(bad, Direction::LeftToRight), bad);
}

TEST(Bidi, RandomBytesNeverCrashAndAlwaysGiveValidUtf8)
{
    // Arabic, brackets, digits, controls and broken sequences glued at
    // random: whatever comes in, what comes out is drawable UTF-8.
    std::string_view const pieces[] = { "س", "ل", "ا", "م", "ب", "ي", "ت", "ر", "\u064E", "١", "2", " ", "(", ")", "«",
        "»", "A", "-", "\u202B", "\u202E", "\u202C", "\u2067", "\u2068", "\u2069", "\u200F", "\xD8", "\x80", "\xE0\x80",
        "\xF4\x90", "\xFF", "\xEF\xBB\xBF", "\n" };
    std::mt19937 random(2026);
    std::uniform_int_distribution<std::size_t> piece(0, std::size(pieces) - 1);
    std::uniform_int_distribution<int> length(0, 40);
    for (int round = 0; round < 5000; ++round) {
        std::string text;
        for (int n = length(random); n > 0; --n)
            text += pieces[piece(random)];
        for (auto const base : { Direction::LeftToRight, Direction::RightToLeft }) {
            // Text that went through FriBidi comes out valid; text that did
            // not comes out exactly as it went in.
            auto const shaped = bidi::shape(text, base);
            if (shaped != text || is_valid(text)) {
                ASSERT_TRUE(is_valid(shaped)) << text;
            }
            auto const line = bidi::visual(shaped, base);
            if (line != shaped || is_valid(shaped)) {
                ASSERT_TRUE(is_valid(line)) << shaped;
            }
        }
    }
}
