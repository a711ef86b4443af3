// The kiosk's look: colours after the French State's design system (bleu
// France, high contrast on white), type sizes for reading at arm's length,
// and touch targets far above the 12 mm minimum. Layout is designed at
// 1920×1080 and scaled to the real screen.
#pragma once

#include <imgui.h>

namespace guichet::ui {

inline constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b, unsigned a = 255)
{
    return IM_COL32(r, g, b, a);
}

// Every colour the screens draw with. Two palettes: the standard one, and
// high contrast (light on black, yellow for what is touchable) that a
// resident turns on from any screen. Every text/background pair of both is
// at least 7:1 (tests/ui/a11y_test.cpp, and the a11y tier measures them on
// every screen).
struct Palette {
    ImU32 background;
    ImU32 surface;
    ImU32 text;
    ImU32 text_muted;
    ImU32 placeholder;
    ImU32 primary;
    ImU32 primary_pressed;
    ImU32 primary_tint;
    ImU32 on_primary;
    ImU32 border;
    ImU32 key;
    ImU32 key_pressed;
    ImU32 error;
    ImU32 error_tint;
    ImU32 success;
    ImU32 scrim;
    ImU32 acting; // the banner while someone acts for the resident
};

// After the French State's design system: bleu France on white.
inline constexpr Palette standard_palette {
    .background = rgb(0xF6, 0xF6, 0xF6),
    .surface = rgb(0xFF, 0xFF, 0xFF),
    .text = rgb(0x16, 0x16, 0x16),
    .text_muted = rgb(0x3A, 0x3A, 0x3A),
    .placeholder = rgb(0x4D, 0x4D, 0x4D),
    .primary = rgb(0x00, 0x00, 0x91),
    .primary_pressed = rgb(0x12, 0x12, 0xFF),
    .primary_tint = rgb(0xE3, 0xE3, 0xFD),
    .on_primary = rgb(0xFF, 0xFF, 0xFF),
    .border = rgb(0x92, 0x92, 0x92),
    .key = rgb(0xFF, 0xFF, 0xFF),
    .key_pressed = rgb(0xCA, 0xCA, 0xFB),
    .error = rgb(0x95, 0x03, 0x00),
    .error_tint = rgb(0xFF, 0xE9, 0xE9),
    .success = rgb(0x0B, 0x52, 0x27),
    .scrim = rgb(0x16, 0x16, 0x16, 0xB0),
    .acting = rgb(0x0A, 0x4F, 0x24),
};

inline constexpr Palette high_contrast_palette {
    .background = rgb(0x00, 0x00, 0x00),
    .surface = rgb(0x00, 0x00, 0x00),
    .text = rgb(0xFF, 0xFF, 0xFF),
    .text_muted = rgb(0xF0, 0xF0, 0xF0),
    .placeholder = rgb(0xD0, 0xD0, 0xD0),
    .primary = rgb(0xFF, 0xE6, 0x00),
    .primary_pressed = rgb(0xFF, 0xF5, 0x9E),
    .primary_tint = rgb(0x33, 0x30, 0x00),
    .on_primary = rgb(0x00, 0x00, 0x00),
    .border = rgb(0xFF, 0xFF, 0xFF),
    .key = rgb(0x00, 0x00, 0x00),
    .key_pressed = rgb(0x33, 0x30, 0x00),
    .error = rgb(0xFF, 0x8A, 0x80),
    .error_tint = rgb(0x2A, 0x00, 0x00),
    .success = rgb(0x8C, 0xF5, 0x9B),
    .scrim = rgb(0x00, 0x00, 0x00, 0xD0),
    .acting = rgb(0x8C, 0xF5, 0x9B),
};

// The palette in use. The UI thread alone draws, and sets it before each
// frame from the resident's choice (KioskUi): a screen reads colour::text
// and gets the current mode's.
inline Palette current_palette = standard_palette;

inline void use_palette(Palette const& palette)
{
    current_palette = palette;
}

// The current palette's colours by name, as the screens use them.
namespace colour {
inline ImU32 const& background = current_palette.background;
inline ImU32 const& surface = current_palette.surface;
inline ImU32 const& text = current_palette.text;
inline ImU32 const& text_muted = current_palette.text_muted;
inline ImU32 const& placeholder = current_palette.placeholder;
inline ImU32 const& primary = current_palette.primary;
inline ImU32 const& primary_pressed = current_palette.primary_pressed;
inline ImU32 const& primary_tint = current_palette.primary_tint;
inline ImU32 const& on_primary = current_palette.on_primary;
inline ImU32 const& border = current_palette.border;
inline ImU32 const& key = current_palette.key;
inline ImU32 const& key_pressed = current_palette.key_pressed;
inline ImU32 const& error = current_palette.error;
inline ImU32 const& error_tint = current_palette.error_tint;
inline ImU32 const& success = current_palette.success;
inline ImU32 const& scrim = current_palette.scrim;
inline ImU32 const& acting = current_palette.acting;

inline constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b, unsigned a = 255)
{
    return guichet::ui::rgb(r, g, b, a);
}
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

// Fonts, built from Debian's font packages at start-up, and again when a
// screen needs glyphs the atlas lacks (ui/kiosk_ui.cpp, build_fonts).
struct Fonts {
    CornerMasks corners;
    ImFont* body { nullptr }; // 34 px at 1080p
    ImFont* bold { nullptr }; // 34 px bold
    ImFont* title { nullptr }; // 52 px bold
    ImFont* huge { nullptr }; // 92 px bold: the tracking code
    ImFont* icon { nullptr }; // 110 px pictograms
    // Buttons, keys and the language names: the same in large text, which
    // enlarges what is read (questions, explanations, tiles) and leaves the
    // controls, already large, where they fit.
    ImFont* control { nullptr }; // bold
    ImFont* control_body { nullptr }; // regular
    // In the large set: the standard set, for a text that would not fit
    // larger (a long word in a narrow tile). Null in the standard set.
    Fonts const* standard { nullptr };
};

}
