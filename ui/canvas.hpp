// The drawing surface screens paint on. Coordinates are in design pixels
// (1920×1080) and scaled to the real screen here. Every text and every
// touchable widget drawn through the canvas is recorded in the FrameRecord,
// which is what automation and the accessibility checks read.
#pragma once

#include "kiosk/core/i18n.hpp"
#include "ui/a11y.hpp"
#include "ui/frame_record.hpp"
#include "ui/theme.hpp"

#include <imgui.h>

#include <functional>
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

// What the canvas translates texts with, and which way it lays them out.
// Screens pass French; the canvas shows it in the resident's language.
struct Locale {
    i18n::Translations const* translations { nullptr };
    std::string language { "fr" };
    // Right to left (Arabic): the layout is mirrored, texts are shaped.
    bool right_to_left { false };
    // When set, every text drawn in another language than French that the
    // tables did not know (the accessibility checks read them).
    std::vector<std::string>* misses { nullptr };
};

// Which of a tile's texts are data, drawn as they are (a commune's name).
struct TileData {
    bool label { false };
    bool hint { false };
};

// The design width: mirroring turns x into design_width - x.
inline constexpr float design_width = 1920;

// A FontAwesome 4 code point as UTF-8 (icons are in the Private Use Area,
// which ImGui 1.86 handles without 32-bit characters).
std::string icon_text(unsigned codepoint);

class Canvas {
public:
    Canvas(ImDrawList* draw_list, Fonts const& fonts, FrameRecord& record, float scale, int layer,
        Locale const* locale = nullptr);

    // From now on, what is drawn is also measured into `record` (the
    // accessibility checks); nothing is measured without one.
    void measure(a11y::Record* record) { m_a11y = record; }

    Fonts const& fonts() const { return m_fonts; }
    ImDrawList* draw_list() const { return m_draw_list; }
    float scale() const { return m_scale; }
    // A design point on the screen, mirrored in a right-to-left layout.
    ImVec2 point(float x, float y) const { return ImVec2(screen_x(x), y * m_scale); }
    float screen_x(float x) const { return (mirrored() ? design_width - x : x) * m_scale; }

    std::string const& language() const;
    // The French text in the resident's language (what text() would show).
    std::string tr(std::string_view french) const;

    // Raises one of the canvas's counters while it lives.
    class [[nodiscard]] Scope {
    public:
        explicit Scope(int& count, bool on = true)
            : m_count(count)
            , m_by(on ? 1 : 0)
        {
            m_count += m_by;
        }
        ~Scope() { m_count -= m_by; }
        Scope(Scope const&) = delete;
        Scope& operator=(Scope const&) = delete;

    private:
        int& m_count;
        int m_by;
    };

    // While one of these lives, texts are drawn as they are: answers,
    // names, codes. They are never looked up, so never counted missing.
    // `on` false: no effect (a text that is data only sometimes).
    class [[nodiscard]] Verbatim : Scope {
    public:
        explicit Verbatim(Canvas& canvas, bool on = true)
            : Scope(canvas.m_verbatim, on)
        {
        }
    };
    Verbatim verbatim() { return Verbatim(*this); }

    // While one of these lives, the layout is not mirrored: the keyboard
    // types Latin letters in their usual places, and the picture of an ID
    // card shows it as it is.
    class [[nodiscard]] LeftToRight : Scope {
    public:
        explicit LeftToRight(Canvas& canvas)
            : Scope(canvas.m_unmirrored)
        {
        }
    };
    LeftToRight left_to_right() { return LeftToRight(*this); }
    bool mirrored() const { return m_locale && m_locale->right_to_left && m_unmirrored == 0; }

    // Adds a French sentence to what the screen says aloud when it opens,
    // translated like a text on screen (frame_record.hpp).
    void say(std::string_view french);
    // The same for a sentence that is data (a desk number): said as it is.
    void say_as_is(std::string_view text);
    // Adds an answer to what "Lire mes réponses" reads: `label` is
    // translated, `value` (the resident's own) is read as it is.
    void say_answer(std::string_view label, std::string_view value);

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
    // What is data among them is drawn as it is (Verbatim).
    bool tile(std::string const& id, std::string const& label, std::string const& hint, unsigned pictogram, Rect rect,
        Selected selected = Selected::No, TileData data = {});

    // A language's button: its flag (or sign) drawn by `draw_flag` in the
    // rectangle it is given, never mirrored, then the language's own name.
    bool flag_button(std::string const& id, std::string const& name, Rect rect, Selected selected,
        std::function<void(Canvas&, Rect)> const& draw_flag);

    // Where the widget `id` was drawn in this frame (design px), if it was.
    std::optional<Rect> drawn(std::string const& id) const;

private:
    bool hit_area(std::string const& id, std::string const& label, Rect rect, bool& held);
    Rect scaled(Rect rect) const;
    // The text as shown: translated unless verbatim, then shaped (Arabic
    // letters joined), still in logical order.
    std::string shown(std::string_view text) const;
    // One line of shown text in drawing order (right-to-left runs reversed).
    std::string visual(std::string_view line) const;
    bool right_to_left_text() const { return m_locale && m_locale->right_to_left; }
    // Draws one line whose left edge is at design x (already laid out).
    void line(ImFont* font, std::string_view text, float left, float screen_y, ImU32 colour);

    ImDrawList* m_draw_list;
    Fonts const& m_fonts;
    FrameRecord& m_record;
    float m_scale;
    int m_layer;
    Locale const* m_locale;
    int m_verbatim { 0 };
    int m_unmirrored { 0 };
    a11y::Record* m_a11y { nullptr };
    // `font`, or in large text its standard size when `text` (or one of
    // its words, when it may wrap) would not fit `width` at the large one.
    ImFont* fitting(ImFont* font, std::string_view text, float width, bool wraps) const;
    // Measuring: a fill (design px, before mirroring) and a clipped text.
    void measure_fill(Rect rect, ImU32 colour) const;
    void measure_clip(std::string_view text, char const* why) const;
};

}
