// What the accessibility checks measure on a frame, and the checks
// themselves (`ctest -L a11y`, docs/languages.md):
//  - every touchable widget at least 12 × 12 mm on the screen, none
//    overlapping another;
//  - every line of text at least 7:1 against what is under it, from the
//    colours actually drawn;
//  - no text clipped: a label wider than its button, a word cut at a line's
//    end, a translated line cut with "…", a text running off the screen;
//  - no character drawn as a box: each one in the font it is drawn with.
// The canvas fills an A11yRecord while one is attached to its FrameRecord;
// nothing is measured otherwise.
#pragma once

#include "ui/frame_record.hpp"

#include <imgui.h>

#include <cstddef>
#include <string>
#include <vector>

namespace guichet::ui::a11y {

// The default screen: 21.5" 16:9, 1920 × 1080, so 476.6 × 268.1 mm; the
// layout's design pixels are that screen's pixels.
inline constexpr float design_px_per_mm = 1920.0f / 476.6f;
inline constexpr float min_target_mm = 12.0f;
inline constexpr double min_contrast = 7.0;

// WCAG 2 relative luminance of an sRGB colour (alpha ignored), 0 to 1.
double relative_luminance(ImU32 colour);
// WCAG 2 contrast ratio, 1 to 21.
double contrast(ImU32 a, ImU32 b);
// `top` (with its alpha) painted over the opaque `bottom`.
ImU32 over(ImU32 top, ImU32 bottom);

struct Fill {
    Rect rect; // design px, as drawn (mirrored already)
    ImU32 colour;
};

struct Line {
    std::string text;
    Rect rect; // design px
    ImU32 colour;
    std::size_t fills_before; // the fills drawn before this line
};

struct Clip {
    std::string text;
    std::string why;
};

struct Record {
    ImU32 base { IM_COL32(255, 255, 255, 255) }; // the colour the screen is cleared with
    std::vector<Fill> fills;
    std::vector<Line> lines;
    std::vector<Clip> clipped;
    std::vector<Clip> unreadable; // why: the first character the font lacks

    void clear()
    {
        fills.clear();
        lines.clear();
        clipped.clear();
        unreadable.clear();
    }
};

// What is under the point (design px) once the first `before` fills are drawn.
ImU32 background_at(Record const& record, float x, float y, std::size_t before);

struct Problem {
    std::string kind; // "target", "overlap", "contrast", "clipped", "glyph"
    std::string detail;
};

// Every problem on a frame: its widgets on the top layer (design px) and
// what the canvas measured.
std::vector<Problem> check(Record const& record, std::vector<WidgetRecord> const& widgets);

}
