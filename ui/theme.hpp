// The kiosk's look: colours after the French State's design system (bleu
// France, high contrast on white), type sizes for reading at arm's length,
// and touch targets far above the 12 mm minimum. Layout is designed at
// 1920×1080 and scaled to the real screen.
#pragma once

#include <imgui.h>

namespace guichet::ui {

namespace colour {
inline constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b, unsigned a = 255)
{
    return IM_COL32(r, g, b, a);
}
inline constexpr ImU32 background = rgb(0xF6, 0xF6, 0xF6);
inline constexpr ImU32 surface = rgb(0xFF, 0xFF, 0xFF);
inline constexpr ImU32 text = rgb(0x16, 0x16, 0x16);
inline constexpr ImU32 text_muted = rgb(0x3A, 0x3A, 0x3A);
inline constexpr ImU32 placeholder = rgb(0x4D, 0x4D, 0x4D);
inline constexpr ImU32 primary = rgb(0x00, 0x00, 0x91);
inline constexpr ImU32 primary_pressed = rgb(0x12, 0x12, 0xFF);
inline constexpr ImU32 primary_tint = rgb(0xE3, 0xE3, 0xFD);
inline constexpr ImU32 on_primary = rgb(0xFF, 0xFF, 0xFF);
inline constexpr ImU32 border = rgb(0x92, 0x92, 0x92);
inline constexpr ImU32 key = rgb(0xFF, 0xFF, 0xFF);
inline constexpr ImU32 key_pressed = rgb(0xCA, 0xCA, 0xFB);
inline constexpr ImU32 error = rgb(0x95, 0x03, 0x00);
inline constexpr ImU32 error_tint = rgb(0xFF, 0xE9, 0xE9);
inline constexpr ImU32 success = rgb(0x0B, 0x52, 0x27);
inline constexpr ImU32 scrim = rgb(0x16, 0x16, 0x16, 0xB0);
}

// Anti-aliased quarter discs baked into the font atlas, one per radius in
// screen pixels and per corner (top-left, top-right, bottom-right,
// bottom-left), as texture coordinates (u0, v0, u1, v1). Rounded corners are
// drawn as these little images: on the software renderer a blit costs far
// less than the triangles of an arc.
struct CornerMasks {
    static constexpr int max_radius = 32;
    ImVec4 uv[max_radius + 1][4] {};
    bool ready { false };
};

// Fonts, built once at start-up from Debian's font packages.
struct Fonts {
    CornerMasks corners;
    ImFont* body { nullptr }; // 34 px at 1080p
    ImFont* bold { nullptr }; // 34 px bold
    ImFont* title { nullptr }; // 52 px bold
    ImFont* huge { nullptr }; // 92 px bold: the tracking code
    ImFont* icon { nullptr }; // 110 px pictograms
};

}
