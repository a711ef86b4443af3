// Right-to-left text for Dear ImGui. ImGui draws one glyph per code point,
// left to right, and neither joins Arabic letters nor reorders mixed text, so
// Arabic would appear as disconnected letters in reverse. These functions do
// both jobs with FriBidi, in two steps so that ImGui can still measure and
// wrap the text it is given:
//
//   auto shaped = bidi::shape(text, base);        // once per string: joined
//   ... wrap `shaped` with ImGui's word wrap ...  // letters, logical order
//   for each line: draw(bidi::visual(line, base)) // drawing order, mirrored
//
// All functions are pure (no state, safe from any thread), so the caller may
// cache their results keyed on the input. Invalid UTF-8 never crashes them:
// when FriBidi has to run, a malformed sequence becomes U+FFFD, which is what
// ImGui itself would have drawn for it. If FriBidi fails, the input comes back
// unchanged. Nothing throws except std::bad_alloc while copying the result.
#pragma once

#include <string>
#include <string_view>

namespace guichet::ui::bidi {

// The paragraph's base direction: where a line starts, and where neutral
// characters (spaces, punctuation) at the edges of a run of the other
// direction go. Arabic screens use RightToLeft, French ones LeftToRight.
enum class Direction { LeftToRight, RightToLeft };

// Whether the text holds any strong right-to-left letter (bidi class R or
// AL: Hebrew, Arabic, their presentation forms, ...). Characters below
// U+0590 are rejected from their first byte, so Latin and French text costs
// one comparison per byte.
bool has_right_to_left(std::string_view utf8);

// Arabic letters replaced by their contextual presentation forms (isolated,
// initial, medial, final; U+FE70–U+FEFC), and lam followed by alef joined into
// one lam-alef ligature (U+FEF5–U+FEFC), so that each code point is one glyph
// DejaVu Sans can draw. The result stays in logical order: measure it and wrap
// it, then pass each line to visual().
//
// FriBidi makes a ligature by writing the ligature where the alef was and
// U+FEFF (FRIBIDI_CHAR_FILL, the zero-width no-break space) where the lam
// was. That filler is removed here, so the result holds only visible glyphs
// and is one code point shorter per ligature than the input.
//
// Text without any right-to-left letter is returned byte for byte. The text
// may hold several lines: newlines are kept and no letter joins across them.
std::string shape(std::string_view logical_utf8, Direction base);

// One line (no newline), usually from shape() then wrapped, reordered into
// the order ImGui draws it, left to right: right-to-left runs are reversed,
// while numbers and Latin words inside them keep their own order. Brackets
// and other mirrored characters in right-to-left runs are swapped for their
// mirror image ( "(" draws as ")" ) so that they still enclose the right
// words. A combining mark in a right-to-left run (fatha, shadda...) comes out
// just before its letter: DejaVu Sans draws its Arabic marks, which have no
// advance, over the glyph drawn after them. Bidi control characters (LRM,
// RLM, ALM, embeddings, overrides, isolates) are dropped once they have done
// their work, since ImGui would draw a box for the ones DejaVu Sans lacks.
//
// The levels are resolved on this line alone, not on the paragraph it came
// from; for the short UI texts this gives the same order. A line in a
// RightToLeft paragraph is meant to be drawn right-aligned; its trailing
// spaces end up on the left, so trim them before wrapping or drawing.
// Text with no right-to-left letter, Arabic digit nor bidi control in a
// LeftToRight paragraph is returned byte for byte.
std::string visual(std::string_view shaped_line, Direction base);

}
