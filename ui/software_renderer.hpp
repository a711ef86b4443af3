// Draws ImGui's frame with SDL's software renderer, fast and small.
//
// ImGui hands over textured triangles for everything, flat fills included
// (they sample one white texel of the font atlas). SDL 2's software renderer
// turns each axis-aligned textured quad into a stretched, colour-modulated
// blit, and each other triangle into a per-pixel textured raster: fine on a
// GPU, ruinous on a CPU at 1920×1080. This renderer sorts the triangles
// instead: solid rectangles become fills (a memset when opaque), glyphs and
// corner masks are blended straight from the atlas's 8-bit coverage into
// the window's pixels, and the few remaining triangles (anti-aliasing
// fringes, diagonal lines) are drawn by SDL without a texture.
//
// The atlas stays 8-bit: an SDL texture would hold it as 32-bit ARGB, four
// times the memory (9 MB, a fifth of the kiosk's; docs/performance.md).
// ImGui must therefore not draw lines from the atlas
// (ImGuiStyle::AntiAliasedLinesUseTex is turned off with this renderer).
// The accelerated path keeps Debian's ImGui backend and its texture.
#pragma once

#include <SDL.h>
#include <imgui.h>

namespace guichet::ui {

// The font atlas as this renderer reads it: ImGui's coverage, one byte a
// pixel. The atlas's texture id points at it.
struct CoverageAtlas {
    unsigned char const* pixels { nullptr };
    int width { 0 };
    int height { 0 };
};

// Whether this renderer can draw into `surface`: any 32-bit RGB layout.
bool software_target_supported(SDL_Surface const* surface);

// Blends `colour` (straight alpha) through the coverage of the atlas's
// rectangle `source` onto `target`'s `destination`, scaled to it (nearest
// texel), inside `clip`. What the glyph path does for each glyph; public for
// its test.
void blend_coverage(SDL_Surface* target, SDL_Rect clip, CoverageAtlas const& atlas, SDL_Rect source,
    SDL_Rect destination, SDL_Color colour);

// `target` is the surface the renderer draws into (the window's).
void render_draw_data_software(SDL_Renderer* renderer, SDL_Surface* target, ImDrawData const* draw_data);

}
