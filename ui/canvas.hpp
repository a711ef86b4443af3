// The drawing surface screens paint on. Coordinates are in design pixels
// (1920×1080) and scaled to the real screen here. Every text and every
// touchable widget drawn through the canvas is recorded in the FrameRecord,
// which is what automation and the accessibility checks read.
#pragma once

#include "ui/frame_record.hpp"
#include "ui/theme.hpp"

#include <imgui.h>

#include <optional>
#include <string>
#include <string_view>

namespace guichet::ui {

enum class Align {
    Left,
    Centre,
    Right,
};

enum class ButtonStyle {
    Primary, // the one action that moves the démarche forward
    Secondary, // back, help, edit
    Key, // on-screen keyboard
    Tile, // a pictogram tile (démarche, choice)
};

enum class Selected {
    No,
    Yes,
};

// A FontAwesome 4 code point as UTF-8 (icons are in the Private Use Area,
// which ImGui 1.86 handles without 32-bit characters).
std::string icon_text(unsigned codepoint);

class Canvas {
public:
    Canvas(ImDrawList* draw_list, Fonts const& fonts, FrameRecord& record, float scale, int layer);

    Fonts const& fonts() const { return m_fonts; }
    ImDrawList* draw_list() const { return m_draw_list; }
    float scale() const { return m_scale; }
    ImVec2 point(float x, float y) const { return ImVec2(x * m_scale, y * m_scale); }

    void fill(Rect rect, ImU32 colour, float rounding = 0) const;
    // A filled box with a border of `border` design px inside its rectangle.
    void box(Rect rect, ImU32 fill_colour, ImU32 border_colour, float border, float rounding = 0) const;

    // Draws text wrapped to `width` (design px; 0 = no wrap), aligned within
    // it, and returns the height used in design px. Recorded for automation.
    float text(ImFont* font, std::string_view text, float x, float y, float width = 0, ImU32 colour = colour::text,
        Align align = Align::Left);
    float text_height(ImFont* font, std::string_view text, float width) const;
    // The last `max_lines` lines of `text` wrapped to `width`, as a text box
    // scrolled to its end shows them. Returns where the text ends (design
    // px), for a caret.
    ImVec2 text_tail(
        ImFont* font, std::string_view text, float x, float y, float width, int max_lines, ImU32 colour = colour::text);
    // One line, cut with "…" where it would pass `width`. What is recorded
    // for automation is what is visible.
    void text_line(ImFont* font, std::string_view text, float x, float y, float width, ImU32 colour = colour::text);
    float text_width(ImFont* font, std::string_view text) const;
    // A pictogram from the icon font, centred on (cx, cy). Not recorded: it
    // carries no text.
    void icon(unsigned codepoint, float cx, float cy, ImU32 colour, ImFont* font = nullptr, float size = 0) const;

    // A touchable button. Returns true on the frame it is released over
    // (a tap). `icon` is 0 for none.
    bool button(std::string const& id, std::string const& label, Rect rect, ButtonStyle style, unsigned icon = 0,
        Selected selected = Selected::No);

    // A wide tile: the pictogram on the left, the label and the hint
    // beside it (home screen).
    bool wide_tile(
        std::string const& id, std::string const& label, std::string const& hint, unsigned pictogram, Rect rect);
    // A tile with a big pictogram, a label and an optional hint line.
    bool tile(std::string const& id, std::string const& label, std::string const& hint, unsigned pictogram, Rect rect,
        Selected selected = Selected::No);

    // Where the widget `id` was drawn in this frame (design px), if it was.
    std::optional<Rect> drawn(std::string const& id) const;

private:
    bool hit_area(std::string const& id, std::string const& label, Rect rect, bool& held);
    Rect scaled(Rect rect) const;

    ImDrawList* m_draw_list;
    Fonts const& m_fonts;
    FrameRecord& m_record;
    float m_scale;
    int m_layer;
};

}
