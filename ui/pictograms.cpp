#include "ui/pictograms.hpp"

#include <array>
#include <utility>

namespace guichet::ui {

namespace {

constexpr std::array<std::pair<std::string_view, unsigned>, 8> named = { {
    { "signalement", 0xF071 }, // exclamation-triangle
    { "proprete", 0xF1F8 }, // trash
    { "voirie", 0xF018 }, // road
    { "eclairage", 0xF0EB }, // lightbulb-o
    { "graffiti", 0xF1FC }, // paint-brush
    { "mobilier", 0xF207 }, // bus (shelters, benches, bins)
    { "telephone", 0xF095 }, // phone
    { "lieu", 0xF041 }, // map-marker
} };

constexpr std::array<unsigned, 23> every = {
    glyph::help,
    glyph::back,
    glyph::next,
    glyph::check,
    glyph::check_circle,
    glyph::warning,
    glyph::error,
    glyph::hand,
    glyph::print,
    glyph::edit,
    glyph::clock,
    glyph::people,
    glyph::close,
    glyph::phone,
    glyph::document,
    0xF071,
    0xF1F8,
    0xF018,
    0xF0EB,
    0xF1FC,
    0xF207,
    0xF095,
    0xF041,
};

}

unsigned pictogram_glyph(std::string_view name)
{
    for (auto const& [key, codepoint] : named) {
        if (key == name)
            return codepoint;
    }
    return glyph::document;
}

std::span<unsigned const> all_glyphs()
{
    return every;
}

}
