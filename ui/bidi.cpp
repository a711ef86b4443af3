// Right-to-left text for Dear ImGui: FriBidi's Arabic shaping and line
// reordering behind the three functions of bidi.hpp, with our own UTF-8
// conversion on either side.
#include "ui/bidi.hpp"

#include <fribidi.h>

#include <cstddef>
#include <limits>
#include <new>
#include <vector>

namespace guichet::ui::bidi {

namespace {

// [SECTION] UTF-8
//
// FriBidi 1.0.8's own converter (fribidi_charset_to_unicode with
// FRIBIDI_CHAR_SET_UTF8) trusts the lead byte: a sequence cut short at the
// end of the input is completed with the bytes that follow it in memory, past
// the length it was given, and overlong forms and surrogates go through. Text
// cut to a byte budget in the middle of an Arabic letter is an ordinary bug
// elsewhere, so the conversion here checks every byte instead.

constexpr char32_t replacement_character = 0xFFFD;

// The code point that starts at text[at], moving `at` past it. An ill-formed
// sequence gives U+FFFD and moves past its longest well-formed prefix, at
// least one byte (the "maximal subpart" practice of Unicode chapter 3), which
// is also what ImGui draws for such bytes.
char32_t next_code_point(std::string_view text, std::size_t& at)
{
    auto const lead = static_cast<unsigned char>(text[at++]);
    if (lead < 0x80)
        return lead;
    int continuations = 0;
    char32_t code_point = 0;
    // The first continuation byte has a narrower range for some leads: that
    // is what rules out overlong forms, surrogates and values past U+10FFFF.
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        continuations = 1;
        code_point = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        continuations = 2;
        code_point = lead & 0x0F;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        continuations = 3;
        code_point = lead & 0x07;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return replacement_character;
    }
    for (; continuations > 0; --continuations) {
        if (at == text.size())
            return replacement_character;
        auto const byte = static_cast<unsigned char>(text[at]);
        if (byte < low || byte > high)
            return replacement_character;
        ++at;
        code_point = (code_point << 6) | (byte & 0x3F);
        low = 0x80;
        high = 0xBF;
    }
    return code_point;
}

// Only valid scalar values reach this: the decoder above never yields a
// surrogate, and FriBidi only swaps code points for other assigned ones. The
// bytes are gathered and appended at once: one capacity check, not four.
void append_utf8(std::string& out, char32_t code_point)
{
    char bytes[4];
    std::size_t count = 0;
    if (code_point < 0x80) {
        bytes[count++] = static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        bytes[count++] = static_cast<char>(0xC0 | (code_point >> 6));
        bytes[count++] = static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        bytes[count++] = static_cast<char>(0xE0 | (code_point >> 12));
        bytes[count++] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        bytes[count++] = static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        bytes[count++] = static_cast<char>(0xF0 | (code_point >> 18));
        bytes[count++] = static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        bytes[count++] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        bytes[count++] = static_cast<char>(0x80 | (code_point & 0x3F));
    }
    out.append(bytes, count);
}

// Every code point below U+0590 is left to right or neutral, and their UTF-8
// bytes (ASCII, lead bytes C2–D5, continuation bytes) are all below 0xD6,
// while no continuation byte is 0xD6 or above. A byte under this bound can
// therefore be stepped over without decoding: that is what keeps the check
// of French text to one comparison per byte.
constexpr unsigned char first_byte_of_right_to_left = 0xD6;

// Whether any code point of the text satisfies the predicate, decoding only
// from the bytes that can start a code point at U+0590 or above.
template<typename Predicate> bool any_code_point_from_hebrew_up(std::string_view utf8, Predicate matches)
{
    for (std::size_t at = 0; at < utf8.size();) {
        if (static_cast<unsigned char>(utf8[at]) < first_byte_of_right_to_left) {
            ++at;
            continue;
        }
        if (matches(next_code_point(utf8, at)))
            return true;
    }
    return false;
}

bool is_strong_right_to_left(FriBidiCharType type)
{
    return type == FRIBIDI_TYPE_RTL || type == FRIBIDI_TYPE_AL;
}

// The invisible characters that only steer the bidi algorithm: ALM, LRM, RLM,
// the embeddings and overrides with PDF, and the isolates with PDI.
bool is_bidi_control(char32_t code_point)
{
    return code_point == 0x061C || code_point == 0x200E || code_point == 0x200F
        || (code_point >= 0x202A && code_point <= 0x202E) || (code_point >= 0x2066 && code_point <= 0x2069);
}

// Whether a line in a left-to-right paragraph could come out of visual()
// different from how it went in. Right-to-left letters and embeddings
// obviously; Arabic-Indic digits too, since the spaces between two Arabic
// numbers resolve to right to left and swap them; and bidi controls, which
// visual() removes.
bool may_change_in_left_to_right(std::string_view utf8)
{
    return any_code_point_from_hebrew_up(utf8, [](char32_t code_point) {
        auto const type = fribidi_get_bidi_type(code_point);
        return FRIBIDI_IS_RTL(type) || type == FRIBIDI_TYPE_AN || is_bidi_control(code_point);
    });
}

// [SECTION] FriBidi

// What the two steps share: the text as code points, their bidi classes and
// their resolved embedding levels (odd = right to left).
struct Paragraph {
    std::vector<FriBidiChar> characters;
    std::vector<FriBidiCharType> types;
    std::vector<FriBidiLevel> levels;
    FriBidiParType direction = FRIBIDI_PAR_LTR;

    FriBidiStrIndex length() const { return static_cast<FriBidiStrIndex>(characters.size()); }
};

// Runs the bidi algorithm up to the resolved levels (rules P2 to I2, with
// bracket pairs, N0). False when FriBidi gives up, which it reports as a
// maximum level of zero (an allocation failure), or when the text is too long
// for FriBidi's int indices.
bool resolve_levels(std::string_view utf8, Direction base, Paragraph& paragraph)
{
    paragraph.characters.reserve(utf8.size());
    for (std::size_t at = 0; at < utf8.size();)
        paragraph.characters.push_back(next_code_point(utf8, at));
    if (paragraph.characters.size() > static_cast<std::size_t>(std::numeric_limits<FriBidiStrIndex>::max()))
        return false;
    auto const length = paragraph.length();
    paragraph.types.resize(paragraph.characters.size());
    paragraph.levels.resize(paragraph.characters.size());
    std::vector<FriBidiBracketType> brackets(paragraph.characters.size());
    fribidi_get_bidi_types(paragraph.characters.data(), length, paragraph.types.data());
    fribidi_get_bracket_types(paragraph.characters.data(), length, paragraph.types.data(), brackets.data());
    paragraph.direction = base == Direction::RightToLeft ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    return fribidi_get_par_embedding_levels_ex(
               paragraph.types.data(), brackets.data(), length, &paragraph.direction, paragraph.levels.data())
        != 0;
}

}

bool has_right_to_left(std::string_view utf8)
{
    return any_code_point_from_hebrew_up(
        utf8, [](char32_t code_point) { return is_strong_right_to_left(fribidi_get_bidi_type(code_point)); });
}

std::string shape(std::string_view logical_utf8, Direction base)
{
    // Only right-to-left scripts join here (Arabic, Syriac, N'Ko): without a
    // right-to-left letter there is nothing to shape.
    if (!has_right_to_left(logical_utf8))
        return std::string(logical_utf8);
    try {
        Paragraph paragraph;
        if (!resolve_levels(logical_utf8, base, paragraph))
            return std::string(logical_utf8);
        auto const length = paragraph.length();
        std::vector<FriBidiArabicProp> joining(paragraph.characters.size());
        fribidi_get_joining_types(paragraph.characters.data(), length, joining.data());
        // Joining needs the levels: letters only join within one level run.
        fribidi_join_arabic(paragraph.types.data(), length, paragraph.levels.data(), joining.data());
        // No FRIBIDI_FLAG_SHAPE_MIRRORING: a bracket's mirror image depends
        // on the line it ends up on, so visual() does it per line.
        fribidi_shape(
            FRIBIDI_FLAGS_ARABIC, paragraph.levels.data(), length, joining.data(), paragraph.characters.data());

        std::string shaped;
        shaped.reserve(logical_utf8.size());
        for (std::size_t i = 0; i < paragraph.characters.size(); ++i) {
            // The lam of a lam-alef ligature, now U+FEFF and marked as
            // ligatured: the ligature itself sits where the alef was. The
            // filler is dropped so that every code point left is a glyph one
            // can see, and a cursor or a glyph count needs no special case.
            bool const ligature_filler
                = paragraph.characters[i] == FRIBIDI_CHAR_FILL && (joining[i] & FRIBIDI_MASK_LIGATURED) != 0;
            if (!ligature_filler)
                append_utf8(shaped, paragraph.characters[i]);
        }
        return shaped;
    } catch (std::bad_alloc const&) {
        return std::string(logical_utf8);
    }
}

std::string visual(std::string_view shaped_line, Direction base)
{
    if (base == Direction::LeftToRight && !may_change_in_left_to_right(shaped_line))
        return std::string(shaped_line);
    try {
        Paragraph line;
        if (!resolve_levels(shaped_line, base, line))
            return std::string(shaped_line);
        auto const length = line.length();
        // Rule L4, on the logical order: characters with a mirror image
        // (brackets, guillemets, < >) at an odd level are swapped for it.
        fribidi_shape_mirroring(line.levels.data(), length, line.characters.data());
        // Rules L1 (trailing spaces back to the paragraph level) to L3.
        // Without FRIBIDI_FLAG_REORDER_NSM, a combining mark in a right-to-
        // left run (harakat: fatha, kasra, shadda...) comes out before its
        // letter, which is what DejaVu Sans needs under ImGui: its Arabic
        // marks have no advance and an outline to the right of the pen
        // (x from 220 to 804 units for the fatha), so they land on the glyph
        // drawn next. Latin marks, drawn on the glyph before them, sit at
        // even levels and keep their order either way.
        if (fribidi_reorder_line(
                0, line.types.data(), length, 0, line.direction, line.levels.data(), line.characters.data(), nullptr)
            == 0)
            return std::string(shaped_line);

        std::string drawn;
        drawn.reserve(shaped_line.size());
        for (auto const code_point : line.characters) {
            if (!is_bidi_control(code_point))
                append_utf8(drawn, code_point);
        }
        return drawn;
    } catch (std::bad_alloc const&) {
        return std::string(shaped_line);
    }
}

}
