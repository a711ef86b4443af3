#include "ui/a11y.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace guichet::ui::a11y {

namespace {

double channel(unsigned value)
{
    double c = value / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

unsigned red(ImU32 colour)
{
    return (colour >> IM_COL32_R_SHIFT) & 0xFF;
}
unsigned green(ImU32 colour)
{
    return (colour >> IM_COL32_G_SHIFT) & 0xFF;
}
unsigned blue(ImU32 colour)
{
    return (colour >> IM_COL32_B_SHIFT) & 0xFF;
}
unsigned alpha(ImU32 colour)
{
    return (colour >> IM_COL32_A_SHIFT) & 0xFF;
}

bool contains(Rect const& rect, float x, float y)
{
    return x >= rect.x0 && x < rect.x1 && y >= rect.y0 && y < rect.y1;
}

std::string hex(ImU32 colour)
{
    char text[8];
    std::snprintf(text, sizeof text, "#%02X%02X%02X", red(colour), green(colour), blue(colour));
    return text;
}

std::string quoted(std::string const& text)
{
    return "« " + text + " »"; // verbatim: a report for developers
}

}

double relative_luminance(ImU32 colour)
{
    return 0.2126 * channel(red(colour)) + 0.7152 * channel(green(colour)) + 0.0722 * channel(blue(colour));
}

double contrast(ImU32 a, ImU32 b)
{
    double la = relative_luminance(a), lb = relative_luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

ImU32 over(ImU32 top, ImU32 bottom)
{
    double a = alpha(top) / 255.0;
    auto mix = [a](unsigned t, unsigned b) { return unsigned(std::lround(t * a + b * (1 - a))); };
    return IM_COL32(mix(red(top), red(bottom)), mix(green(top), green(bottom)), mix(blue(top), blue(bottom)), 255);
}

ImU32 background_at(Record const& record, float x, float y, std::size_t before)
{
    // The last opaque fill under the point, then the translucent ones above
    // it blended in drawing order.
    before = std::min(before, record.fills.size());
    std::size_t first = 0;
    ImU32 colour = record.base;
    for (std::size_t i = before; i-- > 0;) {
        auto const& fill = record.fills[i];
        if (contains(fill.rect, x, y) && alpha(fill.colour) == 255) {
            colour = fill.colour;
            first = i + 1;
            break;
        }
    }
    for (std::size_t i = first; i < before; ++i) {
        auto const& fill = record.fills[i];
        if (contains(fill.rect, x, y))
            colour = over(fill.colour, colour);
    }
    return colour;
}

std::vector<Problem> check(Record const& record, std::vector<WidgetRecord> const& widgets)
{
    std::vector<Problem> problems;
    float const min_px = min_target_mm * design_px_per_mm;
    for (std::size_t i = 0; i < widgets.size(); ++i) {
        auto const& a = widgets[i];
        float width = a.rect.x1 - a.rect.x0, height = a.rect.y1 - a.rect.y0;
        if (width < min_px || height < min_px) {
            char size[64];
            std::snprintf(size, sizeof size, "%.1f × %.1f mm", width / design_px_per_mm, height / design_px_per_mm);
            problems.push_back({ "target", "#" + a.id + " is " + size + ", under 12 × 12 mm" });
        }
        for (std::size_t j = i + 1; j < widgets.size(); ++j) {
            auto const& b = widgets[j];
            float overlap_x = std::min(a.rect.x1, b.rect.x1) - std::max(a.rect.x0, b.rect.x0);
            float overlap_y = std::min(a.rect.y1, b.rect.y1) - std::max(a.rect.y0, b.rect.y0);
            if (overlap_x > 0.5f && overlap_y > 0.5f)
                problems.push_back({ "overlap", "#" + a.id + " and #" + b.id + " overlap" });
        }
    }
    for (auto const& line : record.lines) {
        if (line.text.find_first_not_of(' ') == std::string::npos)
            continue;
        float cx = (line.rect.x0 + line.rect.x1) / 2, cy = (line.rect.y0 + line.rect.y1) / 2;
        auto background = background_at(record, cx, cy, line.fills_before);
        double ratio = contrast(line.colour, background);
        if (ratio < min_contrast) {
            char detail[64];
            std::snprintf(detail, sizeof detail, " is %.2f:1 (%s on %s)", ratio, hex(line.colour).c_str(),
                hex(background).c_str());
            problems.push_back({ "contrast", quoted(line.text) + detail });
        }
    }
    for (auto const& clip : record.clipped)
        problems.push_back({ "clipped", quoted(clip.text) + " " + clip.why });
    for (auto const& line : record.unreadable)
        problems.push_back({ "glyph", quoted(line.text) + " has " + line.why + ", which its font lacks" });
    return problems;
}

}
