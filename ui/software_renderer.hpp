// Draws ImGui's frame with SDL's software renderer, fast.
//
// ImGui hands over textured triangles for everything, flat fills included
// (they sample one white texel of the font atlas). SDL 2's software renderer
// turns each axis-aligned textured quad into a stretched, colour-modulated
// blit, and each other triangle into a per-pixel textured raster: fine on a
// GPU, ruinous on a CPU at 1920×1080. This renderer sorts the triangles
// instead: solid rectangles become fills (a memset when opaque), glyphs
// become unscaled blits, and the few remaining solid triangles (corners,
// anti-aliasing fringes) are drawn without a texture. The picture is the
// same; the accelerated path keeps Debian's ImGui backend.
#pragma once

#include <SDL.h>
#include <imgui.h>

namespace guichet::ui {

void render_draw_data_software(SDL_Renderer* renderer, ImDrawData const* draw_data);

}
