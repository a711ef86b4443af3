#include "ui/canvas.hpp"

#include "kiosk/core/utf8.hpp"
#include "ui/bidi.hpp"

#include <imgui_internal.h> // ImTextCharFromUtf8

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <vector>

namespace guichet::ui {

std::string icon_text(unsigned codepoint)
{
    std::string out;
    if (codepoint < 0x800) {
        out += static_cast<char>(0xC0 | (codepoint >> 6));
        out += static_cast<char>(0x80 | (codepoint & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (codepoint >> 12));
        out += static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codepoint & 0x3F));
    }
    return out;
}

namespace {

// The FontAwesome 4 glyphs that point a way: in a mirrored layout "back"
// points right. Others (a house, a printer) are the same both ways.
unsigned mirrored_glyph(unsigned codepoint)
{
    static constexpr std::pair<unsigned, unsigned> pairs[] = {
        { 0xF060, 0xF061 }, // arrow-left, arrow-right
        { 0xF053, 0xF054 }, // chevron-left, chevron-right
        { 0xF0A8, 0xF0A9 }, // arrow-circle-left, -right
        { 0xF104, 0xF105 }, // angle-left, angle-right
        { 0xF0D9, 0xF0DA }, // caret-left, caret-right
        { 0xF177, 0xF178 }, // long-arrow-left, -right
        { 0xF0A5, 0xF0A4 }, // hand-o-left, hand-o-right
    };
    for (auto const& [left, right] : pairs) {
        if (codepoint == left)
            return right;
        if (codepoint == right)
            return left;
    }
    return codepoint;
}

}

Canvas::Canvas(
    ImDrawList* draw_list, Fonts const& fonts, FrameRecord& record, float scale, int layer, Locale const* locale)
    : m_draw_list(draw_list)
    , m_fonts(fonts)
    , m_record(record)
    , m_scale(scale)
    , m_layer(layer)
    , m_locale(locale)
{
}

std::string const& Canvas::language() const
{
    static std::string const french = "fr";
    return m_locale ? m_locale->language : french;
}

std::string Canvas::tr(std::string_view french) const
{
    if (!m_locale || !m_locale->translations || m_locale->language == "fr" || french.empty())
        return std::string(french);
    if (auto found = m_locale->translations->find(m_locale->language, french))
        return std::move(*found);
    if (m_locale->misses)
        m_locale->misses->emplace_back(french);
    return std::string(french);
}

void Canvas::say(std::string_view french)
{
    if (!french.empty())
        m_record.add_instruction(m_layer, tr(french));
}

void Canvas::say_as_is(std::string_view text)
{
    if (!text.empty())
        m_record.add_instruction(m_layer, text);
}

void Canvas::say_answer(std::string_view label, std::string_view value)
{
    std::string answer = value.empty() ? tr(N_("Pas de réponse")) : std::string(value);
    m_record.add_answer(
        guichet::fill(tr(N_("{question} : {answer}.")), { { "question", tr(label) }, { "answer", answer } }));
    guichet::wipe(answer);
}

namespace {

// The first character of `text` that `font` has no glyph for (ImGui would
// draw its fallback box), from `from` up; 0 when it has them all.
unsigned first_lacking(ImFont const* font, std::string_view text, unsigned from)
{
    char const* end = text.data() + text.size();
    for (char const* at = text.data(); at < end;) {
        unsigned codepoint = 0;
        at += ImTextCharFromUtf8(&codepoint, at, end);
        if (codepoint >= from && codepoint != '\n'
            && (codepoint > 0xFFFF || !font->FindGlyphNoFallback(ImWchar(codepoint))))
            return codepoint;
    }
    return 0;
}

}

std::string Canvas::shown(std::string_view text) const
{
    std::string out = m_verbatim > 0 ? std::string(text) : tr(text);
    if (!bidi::has_right_to_left(out))
        return out;
    auto shaped = bidi::shape(out, right_to_left_text() ? bidi::Direction::RightToLeft : bidi::Direction::LeftToRight);
    // The atlas bakes Arabic only for screens that need it; any other text
    // with letters it lacks (a mediator's message) asks for them.
    if (m_fonts.body && first_lacking(m_fonts.body, shaped, 0x0590))
        m_record.note_lacking_glyphs();
    return shaped;
}

std::string Canvas::visual(std::string_view line) const
{
    // Latin text in a left-to-right layout is drawn as it is: the common
    // case costs nothing.
    // Latin text reads left to right even on an Arabic screen: answers
    // ("12 rue de la Paix" keeps its number first), codes, and a French
    // text not yet translated keeps its question mark at its end.
    bool rtl = right_to_left_text();
    if (!bidi::has_right_to_left(line))
        return std::string(line);
    return bidi::visual(line, rtl ? bidi::Direction::RightToLeft : bidi::Direction::LeftToRight);
}

ImFont* Canvas::fitting(ImFont* font, std::string_view text, float width, bool wraps) const
{
    auto const* standard = m_fonts.standard;
    if (!standard || width <= 0)
        return font;
    ImFont* smaller = font == m_fonts.body ? standard->body
        : font == m_fonts.bold             ? standard->bold
        : font == m_fonts.title            ? standard->title
                                           : nullptr;
    if (!smaller)
        return font;
    auto shown_text = shown(text);
    auto too_wide = [&](std::string_view part) {
        return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, part.data(), part.data() + part.size()).x / m_scale
            > width;
    };
    if (!wraps)
        return too_wide(shown_text) ? smaller : font;
    std::string_view rest = shown_text;
    while (!rest.empty()) {
        auto space = rest.find_first_of(" \n");
        if (too_wide(rest.substr(0, space)))
            return smaller;
        rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
    return font;
}

void Canvas::measure_fill(Rect rect, ImU32 colour) const
{
    if (!m_a11y)
        return;
    auto shown = scaled(rect);
    m_a11y->fills.push_back(
        a11y::Fill { Rect { shown.x0 / m_scale, shown.y0 / m_scale, shown.x1 / m_scale, shown.y1 / m_scale }, colour });
}

void Canvas::measure_clip(std::string_view text, char const* why) const
{
    if (m_a11y)
        m_a11y->clipped.push_back(a11y::Clip { std::string(text), why });
}

void Canvas::line(ImFont* font, std::string_view text, float left, float screen_y, ImU32 colour)
{
    if (m_a11y) {
        float width = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.data(), text.data() + text.size()).x;
        float top = screen_y / m_scale;
        m_a11y->lines.push_back(a11y::Line { std::string(text),
            Rect { left, top, left + width / m_scale, top + font->FontSize / m_scale }, colour, m_a11y->fills.size() });
        if (top + font->FontSize / m_scale > 1080.5f)
            measure_clip(text, "runs off the bottom of the screen");
        if (left < -0.5f || left + width / m_scale > design_width + 0.5f)
            measure_clip(text, "runs off the side of the screen");
    }
    auto drawn = visual(text);
    // What is drawn, once bidi controls have done their work and gone.
    if (m_a11y) {
        if (auto lacking = first_lacking(font, drawn, 0x20)) {
            char name[16];
            std::snprintf(name, sizeof name, "U+%04X", lacking);
            m_a11y->unreadable.push_back(a11y::Clip { std::string(text), name });
        }
    }
    m_draw_list->AddText(font, font->FontSize, ImVec2(std::floor(left * m_scale), std::floor(screen_y)), colour,
        drawn.data(), drawn.data() + drawn.size());
}

Rect Canvas::scaled(Rect rect) const
{
    if (mirrored())
        rect = Rect { design_width - rect.x1, rect.y0, design_width - rect.x0, rect.y1 };
    return Rect { rect.x0 * m_scale, rect.y0 * m_scale, rect.x1 * m_scale, rect.y1 * m_scale };
}

std::optional<Rect> Canvas::drawn(std::string const& id) const
{
    for (auto const& widget : m_record.widgets()) {
        if (widget.id == id && m_scale > 0) {
            Rect rect { widget.rect.x0 / m_scale, widget.rect.y0 / m_scale, widget.rect.x1 / m_scale,
                widget.rect.y1 / m_scale };
            // Back in the screen's own (unmirrored) coordinates.
            if (mirrored())
                rect = Rect { design_width - rect.x1, rect.y0, design_width - rect.x0, rect.y1 };
            return rect;
        }
    }
    return std::nullopt;
}

void Canvas::fill(Rect rect, ImU32 colour, float rounding) const
{
    measure_fill(rect, colour);
    auto r = scaled(rect);
    r = Rect { std::round(r.x0), std::round(r.y0), std::round(r.x1), std::round(r.y1) };
    int radius = int(std::min(std::round(rounding * m_scale), std::floor(std::min(r.x1 - r.x0, r.y1 - r.y0) / 2)));
    if (radius < 1) {
        m_draw_list->AddRectFilled(ImVec2(r.x0, r.y0), ImVec2(r.x1, r.y1), colour);
        return;
    }
    auto const& masks = m_fonts.corners;
    if (!masks.ready || radius > CornerMasks::max_radius) {
        m_draw_list->AddRectFilled(ImVec2(r.x0, r.y0), ImVec2(r.x1, r.y1), colour, float(radius));
        return;
    }
    // Three rectangles and four corner images: all axis-aligned quads,
    // which the software renderer fills or blits without rasterising a
    // single triangle (ImGui's own rounded rectangle is a fan of them).
    float k = float(radius);
    m_draw_list->AddRectFilled(ImVec2(r.x0 + k, r.y0), ImVec2(r.x1 - k, r.y1), colour);
    m_draw_list->AddRectFilled(ImVec2(r.x0, r.y0 + k), ImVec2(r.x0 + k, r.y1 - k), colour);
    m_draw_list->AddRectFilled(ImVec2(r.x1 - k, r.y0 + k), ImVec2(r.x1, r.y1 - k), colour);
    ImVec2 const corners[4] = { { r.x0, r.y0 }, { r.x1 - k, r.y0 }, { r.x1 - k, r.y1 - k }, { r.x0, r.y1 - k } };
    auto texture = ImGui::GetIO().Fonts->TexID;
    for (int i = 0; i < 4; ++i) {
        auto const& uv = masks.uv[radius][i];
        m_draw_list->AddImage(texture, corners[i], ImVec2(corners[i].x + k, corners[i].y + k), ImVec2(uv.x, uv.y),
            ImVec2(uv.z, uv.w), colour);
    }
}

void Canvas::box(Rect rect, ImU32 fill_colour, ImU32 border_colour, float border, float rounding) const
{
    if (border <= 0) {
        fill(rect, fill_colour, rounding);
        return;
    }
    auto r = scaled(rect);
    r = Rect { std::round(r.x0), std::round(r.y0), std::round(r.x1), std::round(r.y1) };
    float b = std::max(1.0f, std::round(border * m_scale));
    int radius = int(std::min(std::round(rounding * m_scale), std::floor(std::min(r.x1 - r.x0, r.y1 - r.y0) / 2)));
    auto const& masks = m_fonts.corners;
    if (radius <= b || !masks.ready || radius > CornerMasks::max_radius) {
        // Small or unusual corners: a border box under an inset fill.
        fill(rect, border_colour, rounding);
        fill(Rect { rect.x0 + border, rect.y0 + border, rect.x1 - border, rect.y1 - border }, fill_colour,
            std::max(rounding - border, 0.0f));
        return;
    }
    measure_fill(rect, border_colour);
    measure_fill(Rect { rect.x0 + border, rect.y0 + border, rect.x1 - border, rect.y1 - border }, fill_colour);
    // A ring and a fill that do not overlap: every pixel is painted once.
    // The software renderer's cost is in pixels filled, and a keyboard has
    // forty-eight bordered keys.
    float k = float(radius);
    auto texture = ImGui::GetIO().Fonts->TexID;
    auto rect_fill = [&](float x0, float y0, float x1, float y1, ImU32 colour) {
        m_draw_list->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1), colour);
    };
    auto corner = [&](int size, int which, float x, float y, ImU32 colour) {
        auto const& uv = masks.uv[size][which];
        m_draw_list->AddImage(texture, ImVec2(x, y), ImVec2(x + float(size), y + float(size)), ImVec2(uv.x, uv.y),
            ImVec2(uv.z, uv.w), colour);
    };
    // The border: four corners and four straight strips.
    ImVec2 const outer[4] = { { r.x0, r.y0 }, { r.x1 - k, r.y0 }, { r.x1 - k, r.y1 - k }, { r.x0, r.y1 - k } };
    for (int i = 0; i < 4; ++i)
        corner(radius, i, outer[i].x, outer[i].y, border_colour);
    rect_fill(r.x0 + k, r.y0, r.x1 - k, r.y0 + b, border_colour);
    rect_fill(r.x0 + k, r.y1 - b, r.x1 - k, r.y1, border_colour);
    rect_fill(r.x0, r.y0 + k, r.x0 + b, r.y1 - k, border_colour);
    rect_fill(r.x1 - b, r.y0 + k, r.x1, r.y1 - k, border_colour);
    // The inside: the inset rectangle with corners of radius k - b, drawn
    // over the border's corners (both arcs share a centre), and three
    // rectangles that tile the rest exactly.
    int inner = radius - int(b);
    float j = float(inner);
    ImVec2 const in[4] = { { r.x0 + b, r.y0 + b }, { r.x1 - b - j, r.y0 + b }, { r.x1 - b - j, r.y1 - b - j },
        { r.x0 + b, r.y1 - b - j } };
    for (int i = 0; i < 4; ++i)
        corner(inner, i, in[i].x, in[i].y, fill_colour);
    rect_fill(r.x0 + k, r.y0 + b, r.x1 - k, r.y1 - b, fill_colour);
    rect_fill(r.x0 + b, r.y0 + k, r.x0 + k, r.y1 - k, fill_colour);
    rect_fill(r.x1 - k, r.y0 + k, r.x1 - b, r.y1 - k, fill_colour);
}

float Canvas::text_width(ImFont* font, std::string_view text) const
{
    auto measured = shown(text);
    auto size = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, measured.data(), measured.data() + measured.size());
    return size.x / m_scale;
}

namespace {

// Walks `text` line by line as ImGui would wrap it at `wrap` screen px,
// calling emit(begin, end) for each line. Explicit newlines break lines too.
template<typename Emit>
void for_each_line(ImFont* font, std::string_view text, float wrap, Emit emit, bool* cut_word = nullptr)
{
    char const* cursor = text.data();
    char const* end = text.data() + text.size();
    while (cursor < end) {
        char const* newline = std::find(cursor, end, '\n');
        char const* line_end = newline;
        if (wrap > 0) {
            char const* wrapped = font->CalcWordWrapPositionA(1.0f, cursor, newline, wrap);
            if (wrapped == cursor)
                wrapped = cursor + 1; // a word wider than the line: cut it
            line_end = wrapped;
            // Cut inside a word: the line ends on a letter and the next
            // begins with one (ImGui also breaks after punctuation).
            auto letter = [](char c) {
                auto byte = static_cast<unsigned char>(c);
                return byte >= 0x80 || std::isalnum(byte);
            };
            if (line_end < newline && line_end > cursor && letter(line_end[-1]) && letter(*line_end)) {
                // ImGui breaks at spaces only: a compound name breaks after
                // one of its hyphens (Saint-Germain-|du-Corbéis) before a
                // word is cut.
                char const* hyphen = line_end;
                while (hyphen > cursor + 1 && hyphen[-1] != '-')
                    --hyphen;
                if (hyphen > cursor + 1)
                    line_end = hyphen;
                else if (cut_word)
                    *cut_word = true;
            }
        }
        char const* visible_end = line_end;
        while (visible_end > cursor && visible_end[-1] == ' ')
            --visible_end;
        emit(cursor, visible_end);
        cursor = line_end;
        while (cursor < end && *cursor == ' ')
            ++cursor;
        if (cursor < end && *cursor == '\n' && cursor == newline)
            ++cursor;
    }
}

}

float Canvas::text_height(ImFont* font, std::string_view text, float width) const
{
    font = fitting(font, text, width, true);
    int lines = 0;
    auto measured = shown(text);
    for_each_line(font, measured, width * m_scale, [&](char const*, char const*) { ++lines; });
    return std::max(lines, 1) * font->FontSize * 1.25f / m_scale;
}

float Canvas::text(ImFont* font, std::string_view text, float x, float y, float width, ImU32 colour, Align align)
{
    font = fitting(font, text, width, true);
    auto const drawn_text = shown(text);
    m_record.add_text(m_verbatim > 0 ? std::string(text) : tr(text));
    float line_height = font->FontSize * 1.25f;
    float screen_y = y * m_scale;
    float wrap = width * m_scale;
    // Mirrored, the box [x, x + width] moves to the other side and text
    // that started at its left starts at its right.
    bool mirror = mirrored();
    float box_left = mirror ? design_width - x - width : x;
    if (mirror && align != Align::Centre)
        align = align == Align::Left ? Align::Right : Align::Left;
    int lines = 0;
    bool cut_word = false;
    for_each_line(
        font, drawn_text, wrap,
        [&](char const* begin, char const* end) {
            float line_width = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, begin, end).x / m_scale;
            float left = box_left;
            if (width <= 0)
                left = mirror ? design_width - x - line_width : x;
            else if (align == Align::Centre)
                left += (width - line_width) / 2;
            else if (align == Align::Right)
                left += width - line_width;
            line(font, std::string_view(begin, std::size_t(end - begin)), left, screen_y, colour);
            screen_y += line_height;
            ++lines;
        },
        &cut_word);
    if (cut_word && m_verbatim == 0)
        measure_clip(drawn_text, "is cut inside a word: too narrow for its box");
    return std::max(lines, 1) * line_height / m_scale;
}

ImVec2 Canvas::text_tail(
    ImFont* font, std::string_view text, float x, float y, float width, int max_lines, ImU32 colour)
{
    // What the resident typed: never translated. The box moves to the other
    // side in a mirrored layout; the typed text inside stays left to right.
    Verbatim typed_text(*this);
    auto const typed = shown(text);
    std::vector<std::string_view> lines;
    for_each_line(font, typed, width * m_scale,
        [&](char const* begin, char const* end) { lines.emplace_back(begin, std::size_t(end - begin)); });
    if (lines.empty())
        return ImVec2(x, y);
    std::size_t first = lines.size() > std::size_t(max_lines) ? lines.size() - max_lines : 0;
    float line_height = font->FontSize * 1.25f / m_scale;
    float line_y = y;
    float left = mirrored() ? design_width - x - width : x;
    std::string recorded;
    for (std::size_t i = first; i < lines.size(); ++i) {
        auto const& one = lines[i];
        line(font, one, left, line_y * m_scale, colour);
        recorded.append(one).append(i + 1 < lines.size() ? " " : "");
        line_y += line_height;
    }
    m_record.add_text(recorded);
    // Wrapping drops trailing spaces, but a typed space must move the
    // caret, or the resident taps "Espace" again. Kept inside the box.
    std::size_t trailing = 0;
    while (trailing < text.size() && text[text.size() - 1 - trailing] == ' ')
        ++trailing;
    auto measure = [&](std::string_view part) {
        return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, part.data(), part.data() + part.size()).x / m_scale;
    };
    float end_x = left + measure(lines.back()) + measure(std::string(trailing, ' '));
    end_x = std::min(end_x, left + width);
    // In the caller's coordinates, which the canvas mirrors again.
    if (mirrored())
        end_x = design_width - end_x;
    return ImVec2(end_x, line_y - line_height);
}

void Canvas::text_line(ImFont* font, std::string_view text, float x, float y, float width, ImU32 colour)
{
    font = fitting(font, text, width, false);
    // Cut in the resident's language, then drawn as it is.
    auto translated = m_verbatim > 0 ? std::string(text) : tr(text);
    Verbatim already(*this);
    std::string one(translated.substr(0, translated.find('\n')));
    if (one.size() == translated.size() && text_width(font, one) <= width) {
        this->text(font, one, x, y, 0, colour);
        return;
    }
    // Answers and names may be cut; a text of the kiosk's must fit.
    if (m_verbatim == 1)
        measure_clip(translated, "is cut with « … »: too long for its line");
    std::string const ellipsis = "…";
    while (!one.empty() && text_width(font, one + ellipsis) > width)
        utf8::pop_back(one);
    this->text(font, one + ellipsis, x, y, 0, colour);
}

void Canvas::icon(unsigned codepoint, float cx, float cy, ImU32 colour, ImFont* font, float pixels) const
{
    if (!font)
        font = m_fonts.icon;
    // `pixels` (design px) draws the glyph smaller than its atlas size.
    float font_size = pixels > 0 ? pixels * m_scale : font->FontSize;
    auto glyph = icon_text(mirrored() ? mirrored_glyph(codepoint) : codepoint);
    auto size = font->CalcTextSizeA(font_size, FLT_MAX, 0, glyph.c_str());
    m_draw_list->AddText(font, font_size,
        ImVec2(std::floor(screen_x(cx) - size.x / 2), std::floor(cy * m_scale - size.y / 2)), colour, glyph.c_str());
}

bool Canvas::hit_area(std::string const& id, std::string const& label, Rect rect, bool& held)
{
    m_record.add_widget(WidgetRecord { id, m_verbatim > 0 ? label : tr(label), scaled(rect), m_layer });
    auto r = scaled(rect);
    ImGui::SetCursorScreenPos(ImVec2(r.x0, r.y0));
    ImGui::PushID(id.c_str());
    bool clicked = ImGui::InvisibleButton("##hit", ImVec2(r.x1 - r.x0, r.y1 - r.y0));
    held = ImGui::IsItemActive() && ImGui::IsItemHovered();
    ImGui::PopID();
    return clicked;
}

bool Canvas::button(
    std::string const& id, std::string const& label, Rect rect, ButtonStyle style, unsigned icon, Selected selected)
{
    bool held = false;
    bool clicked = hit_area(id, label, rect, held);

    ImU32 fill_colour = colour::surface;
    ImU32 text_colour = colour::primary;
    ImU32 border_colour = colour::primary;
    float rounding = 12;
    float border_width = 3;
    ImFont* font = m_fonts.control;
    switch (style) {
    case ButtonStyle::Primary:
        fill_colour = held ? colour::primary_pressed : colour::primary;
        text_colour = colour::on_primary;
        border_width = 0;
        break;
    case ButtonStyle::Secondary:
        fill_colour = held ? colour::primary_tint : colour::surface;
        break;
    case ButtonStyle::Key:
        fill_colour = held ? colour::key_pressed : colour::key;
        text_colour = colour::text;
        border_colour = colour::border;
        border_width = 2;
        rounding = 10;
        font = m_fonts.control_body;
        break;
    case ButtonStyle::Tile:
        fill_colour = held || selected == Selected::Yes ? colour::primary_tint : colour::surface;
        border_width = selected == Selected::Yes ? 8 : 3;
        break;
    }
    box(rect, fill_colour, border_colour, border_width, rounding);

    // The icon before the label in reading order: on its right in Arabic,
    // pointing the other way when it shows a direction.
    unsigned shown_icon = mirrored() ? mirrored_glyph(icon) : icon;
    std::string shown_label = shown(label);
    std::string content = icon ? icon_text(shown_icon) + "  " + shown_label : shown_label;
    float width = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, content.c_str()).x / m_scale;
    float room = rect.x1 - rect.x0 - 16;
    if (width > room && m_verbatim > 0) {
        // Data (a commune's long name) is cut with "…"; a text of the
        // kiosk's must fit, and the accessibility checks say when not.
        auto measure = [&](std::string const& text) {
            return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.c_str()).x / m_scale;
        };
        std::string prefix = icon ? icon_text(shown_icon) + "  " : "";
        while (!shown_label.empty() && measure(prefix + shown_label + "…") > room)
            utf8::pop_back(shown_label);
        content = prefix + shown_label + "…";
        width = measure(content);
    }
    float height = font->FontSize / m_scale;
    auto box_rect = scaled(rect);
    if (width > room)
        measure_clip(label, "is wider than its button");
    float x = box_rect.x0 / m_scale + (rect.x1 - rect.x0 - width) / 2;
    float y = rect.y0 + (rect.y1 - rect.y0 - height) / 2;
    line(font, content, x, y * m_scale, text_colour);
    return clicked;
}

bool Canvas::flag_button(std::string const& id, std::string const& name, Rect rect, Selected selected,
    std::function<void(Canvas&, Rect)> const& draw_flag)
{
    Verbatim as_written(*this);
    bool held = false;
    bool clicked = hit_area(id, name, rect, held);
    bool on = selected == Selected::Yes;
    box(rect, held || on ? colour::primary_tint : colour::surface, colour::primary, on ? 6 : 3, 12);
    float cy = (rect.y0 + rect.y1) / 2;
    Rect flag { rect.x0 + 14, cy - 24, rect.x0 + 84, cy + 24 };
    if (mirrored())
        flag = Rect { design_width - flag.x1, flag.y0, design_width - flag.x0, flag.y1 };
    {
        LeftToRight as_it_is(*this);
        draw_flag(*this, flag);
    }
    float text_x = rect.x0 + 96;
    if (text_width(m_fonts.control_body, name) > rect.x1 - 8 - text_x)
        measure_clip(name, "is wider than its button");
    text_line(m_fonts.control_body, name, text_x, cy - m_fonts.control_body->FontSize / m_scale / 2,
        rect.x1 - 8 - text_x, colour::text);
    return clicked;
}

bool Canvas::wide_tile(
    std::string const& id, std::string const& label, std::string const& hint, unsigned pictogram, Rect rect)
{
    bool held = false;
    bool clicked = hit_area(id, label, rect, held);
    box(rect, held ? colour::primary_tint : colour::surface, colour::primary, 3, 16);
    float icon_width = 190;
    icon(pictogram, rect.x0 + icon_width / 2 + 10, (rect.y0 + rect.y1) / 2, colour::primary);
    float text_x = rect.x0 + icon_width + 10;
    float text_width = rect.x1 - 24 - text_x;
    float height = text_height(m_fonts.bold, label, text_width);
    // In large text the description goes when label and description do
    // not both fit: the label is what the tile is.
    float hint_height = hint.empty() ? 0 : 8 + text_height(m_fonts.body, hint, text_width);
    bool show_hint = !hint.empty() && (!m_fonts.standard || height + hint_height <= rect.y1 - rect.y0 - 16);
    if (show_hint)
        height += hint_height;
    if (height > rect.y1 - rect.y0 - 16)
        measure_clip(label, "runs out of its tile");
    float y = (rect.y0 + rect.y1 - height) / 2;
    y += text(m_fonts.bold, label, text_x, y, text_width);
    if (show_hint)
        text(m_fonts.body, hint, text_x, y + 8, text_width, colour::text_muted);
    return clicked;
}

bool Canvas::tile(std::string const& id, std::string const& label, std::string const& hint, unsigned pictogram,
    Rect rect, Selected selected, TileData data)
{
    bool held = false;
    bool clicked = false;
    {
        Verbatim as_it_is(*this, data.label);
        clicked = hit_area(id, label, rect, held);
    }
    bool on = selected == Selected::Yes;
    box(rect, held || on ? colour::primary_tint : colour::surface, colour::primary, on ? 8 : 3, 16);

    float width = rect.x1 - rect.x0;
    float height = rect.y1 - rect.y0;
    // Short tiles (two rows of choices) keep the pictogram near the top so
    // that a hint of two lines still fits under the label.
    bool short_tile = height < 300;
    float icon_size = short_tile ? 76 : m_fonts.icon->FontSize / m_scale;
    float icon_y = rect.y0 + (short_tile ? 58 : height * 0.32f);
    float label_y = rect.y0 + (short_tile ? 108 : height * 0.58f);
    // A long label or hint (another language, two lines each) moves up and
    // the pictogram shrinks above it, rather than running out of the tile.
    auto measure = [&](ImFont* font, std::string const& text, bool is_data) {
        Verbatim as_it_is(*this, is_data);
        return text_height(font, text, width - 32);
    };
    float label_height = measure(m_fonts.bold, label, data.label);
    float hint_height = hint.empty() ? 0 : 4 + measure(m_fonts.body, hint, data.hint);
    // In large text the hint goes first when both do not fit with a
    // pictogram of 40 px; the label is what the tile is. In the standard
    // size everything must fit (the accessibility checks say when not).
    bool show_hint = !hint.empty() && (!m_fonts.standard || rect.y0 + 64 + label_height + hint_height <= rect.y1 - 10);
    float content = label_height + (show_hint ? hint_height : 0);
    if (label_y + content > rect.y1 - 10) {
        label_y = std::max(rect.y0 + 16, rect.y1 - 10 - content);
        // A glyph stands a little taller than its size: room above and below.
        icon_size = std::min(icon_size, std::max((label_y - rect.y0 - 24) * 0.8f, 0.0f));
        icon_y = rect.y0 + (label_y - rect.y0) / 2;
    }
    if (icon_size >= 24)
        icon(pictogram, (rect.x0 + rect.x1) / 2, icon_y, colour::primary, nullptr, icon_size);
    float used = 0;
    {
        Verbatim as_it_is(*this, data.label);
        used = text(m_fonts.bold, label, rect.x0 + 16, label_y, width - 32, colour::text, Align::Centre);
    }
    if (show_hint) {
        Verbatim as_it_is(*this, data.hint);
        used += 4
            + text(m_fonts.body, hint, rect.x0 + 16, label_y + used + 4, width - 32, colour::text_muted, Align::Centre);
    }
    if (label_y + used > rect.y1 - 4)
        measure_clip(label, "runs out of its tile");
    if (on) {
        // A tick in the corner: the choice is visible without colour.
        float cx = rect.x1 - 40, cy = rect.y0 + 40;
        auto centre = point(cx, cy);
        m_draw_list->AddCircleFilled(centre, 30 * m_scale, colour::primary);
        auto tick = icon_text(0xF00C);
        auto size = m_fonts.bold->CalcTextSizeA(m_fonts.bold->FontSize, FLT_MAX, 0, tick.c_str());
        m_draw_list->AddText(m_fonts.bold, m_fonts.bold->FontSize, ImVec2(centre.x - size.x / 2, centre.y - size.y / 2),
            colour::on_primary, tick.c_str());
    }
    return clicked;
}

}
