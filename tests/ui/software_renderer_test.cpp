// The software renderer's glyph path: coverage from the 8-bit atlas blended
// into the window's pixels (ui/software_renderer.hpp). The whole renderer is
// seen at work in every ui.* scenario's screenshots.
#include "ui/software_renderer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

using namespace guichet::ui;

namespace {

struct SurfaceFree {
    void operator()(SDL_Surface* surface) const { SDL_FreeSurface(surface); }
};
using Surface = std::unique_ptr<SDL_Surface, SurfaceFree>;

// A surface of `format` painted grey (100, 100, 100).
Surface grey_surface(int width, int height, Uint32 format = SDL_PIXELFORMAT_RGB888)
{
    Surface surface(SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, format));
    SDL_FillRect(surface.get(), nullptr, SDL_MapRGB(surface->format, 100, 100, 100));
    return surface;
}

SDL_Color at(SDL_Surface* surface, int x, int y)
{
    auto pixel = static_cast<std::uint32_t const*>(surface->pixels)[y * surface->pitch / 4 + x];
    SDL_Color colour {};
    SDL_GetRGBA(pixel, surface->format, &colour.r, &colour.g, &colour.b, &colour.a);
    return colour;
}

bool is_grey(SDL_Color colour)
{
    return colour.r == 100 && colour.g == 100 && colour.b == 100;
}

// A 4×2 atlas: full, half, none and full coverage on the first row, and
// 10, 20, 30, 40 on the second.
struct Atlas {
    std::vector<unsigned char> pixels { 255, 128, 0, 255, 10, 20, 30, 40 };
    CoverageAtlas view() const { return CoverageAtlas { pixels.data(), 4, 2 }; }
};

SDL_Rect const everywhere { 0, 0, 1000, 1000 };

}

TEST(SoftwareRenderer, BlendsTheColourByTheAtlasCoverage)
{
    auto surface = grey_surface(8, 4);
    Atlas atlas;
    blend_coverage(surface.get(), everywhere, atlas.view(), SDL_Rect { 0, 0, 4, 1 }, SDL_Rect { 2, 1, 4, 1 },
        SDL_Color { 200, 0, 50, 255 });
    auto full = at(surface.get(), 2, 1);
    EXPECT_EQ(full.r, 200);
    EXPECT_EQ(full.g, 0);
    EXPECT_EQ(full.b, 50);
    // Half coverage: halfway between the grey and the colour.
    auto half = at(surface.get(), 3, 1);
    EXPECT_NEAR(half.r, 150, 1);
    EXPECT_NEAR(half.g, 50, 1);
    EXPECT_NEAR(half.b, 75, 1);
    EXPECT_TRUE(is_grey(at(surface.get(), 4, 1))); // no coverage
    EXPECT_EQ(at(surface.get(), 5, 1).r, 200);
    // Nothing outside the destination.
    for (int x = 0; x < 8; ++x) {
        EXPECT_TRUE(is_grey(at(surface.get(), x, 0))) << x;
        EXPECT_TRUE(is_grey(at(surface.get(), x, 2))) << x;
    }
    EXPECT_TRUE(is_grey(at(surface.get(), 1, 1)));
    EXPECT_TRUE(is_grey(at(surface.get(), 6, 1)));
}

TEST(SoftwareRenderer, TheColoursAlphaScalesTheCoverage)
{
    auto surface = grey_surface(4, 1);
    Atlas atlas;
    // Full coverage at half alpha: halfway, like half coverage at full alpha.
    blend_coverage(surface.get(), everywhere, atlas.view(), SDL_Rect { 0, 0, 1, 1 }, SDL_Rect { 0, 0, 1, 1 },
        SDL_Color { 0, 0, 0, 128 });
    EXPECT_NEAR(at(surface.get(), 0, 0).r, 50, 1);
    // A transparent colour draws nothing.
    blend_coverage(surface.get(), everywhere, atlas.view(), SDL_Rect { 0, 0, 1, 1 }, SDL_Rect { 1, 0, 1, 1 },
        SDL_Color { 0, 0, 0, 0 });
    EXPECT_TRUE(is_grey(at(surface.get(), 1, 0)));
}

TEST(SoftwareRenderer, StaysInsideTheClipAndTheSurface)
{
    auto surface = grey_surface(4, 4);
    Atlas atlas;
    SDL_Color black { 0, 0, 0, 255 };
    // A 4×1 run of full coverage (texel 0 stretched) over the whole row,
    // clipped to its middle two pixels.
    blend_coverage(
        surface.get(), SDL_Rect { 1, 0, 2, 4 }, atlas.view(), SDL_Rect { 0, 0, 1, 1 }, SDL_Rect { 0, 2, 4, 1 }, black);
    EXPECT_TRUE(is_grey(at(surface.get(), 0, 2)));
    EXPECT_EQ(at(surface.get(), 1, 2).r, 0);
    EXPECT_EQ(at(surface.get(), 2, 2).r, 0);
    EXPECT_TRUE(is_grey(at(surface.get(), 3, 2)));
    // Half off the surface's corner: the part on it is drawn, nothing else
    // is touched (an overrun would show under AddressSanitizer).
    blend_coverage(surface.get(), everywhere, atlas.view(), SDL_Rect { 0, 0, 1, 1 }, SDL_Rect { 3, 3, 4, 4 }, black);
    EXPECT_EQ(at(surface.get(), 3, 3).r, 0);
    blend_coverage(surface.get(), everywhere, atlas.view(), SDL_Rect { 0, 0, 1, 1 }, SDL_Rect { -2, -2, 3, 3 }, black);
    EXPECT_EQ(at(surface.get(), 0, 0).r, 0);
    EXPECT_TRUE(is_grey(at(surface.get(), 1, 1)));
}

TEST(SoftwareRenderer, ScalesToTheDestinationByTheNearestTexel)
{
    auto surface = grey_surface(8, 4);
    Atlas atlas;
    // The second row's 4 texels (10, 20, 30, 40) over 8×2 pixels: each texel
    // covers a 2×2 block.
    blend_coverage(surface.get(), everywhere, atlas.view(), SDL_Rect { 0, 1, 4, 1 }, SDL_Rect { 0, 1, 8, 2 },
        SDL_Color { 255, 255, 255, 255 });
    unsigned char const expected[] = { 10, 20, 30, 40 };
    for (int x = 0; x < 8; ++x) {
        for (int y = 1; y < 3; ++y) {
            int coverage = expected[x / 2];
            int want = (255 * coverage + 100 * (255 - coverage) + 127) / 255;
            EXPECT_NEAR(at(surface.get(), x, y).r, want, 1) << x << "," << y;
        }
    }
    // Shrunk: 4 texels into 2 pixels take every other one.
    auto small = grey_surface(2, 1);
    blend_coverage(small.get(), everywhere, atlas.view(), SDL_Rect { 0, 0, 4, 1 }, SDL_Rect { 0, 0, 2, 1 },
        SDL_Color { 0, 0, 0, 255 });
    EXPECT_NEAR(at(small.get(), 0, 0).r, 50, 1); // texel 1: half
    EXPECT_EQ(at(small.get(), 1, 0).r, 0); // texel 3: full
}

TEST(SoftwareRenderer, WritesEachChannelWhereTheSurfaceKeepsIt)
{
    Atlas atlas;
    for (Uint32 format : { SDL_PIXELFORMAT_RGB888, SDL_PIXELFORMAT_BGR888, SDL_PIXELFORMAT_ARGB8888,
             SDL_PIXELFORMAT_ABGR8888, SDL_PIXELFORMAT_RGBA8888 }) {
        auto surface = grey_surface(1, 1, format);
        ASSERT_TRUE(software_target_supported(surface.get())) << SDL_GetPixelFormatName(format);
        blend_coverage(surface.get(), everywhere, atlas.view(), SDL_Rect { 0, 0, 1, 1 }, SDL_Rect { 0, 0, 1, 1 },
            SDL_Color { 200, 10, 60, 255 });
        auto colour = at(surface.get(), 0, 0);
        EXPECT_EQ(colour.r, 200) << SDL_GetPixelFormatName(format);
        EXPECT_EQ(colour.g, 10) << SDL_GetPixelFormatName(format);
        EXPECT_EQ(colour.b, 60) << SDL_GetPixelFormatName(format);
        EXPECT_EQ(colour.a, 255) << SDL_GetPixelFormatName(format); // opaque where the surface has alpha
    }
    Surface sixteen(SDL_CreateRGBSurfaceWithFormat(0, 1, 1, 16, SDL_PIXELFORMAT_RGB565));
    EXPECT_FALSE(software_target_supported(sixteen.get()));
    EXPECT_FALSE(software_target_supported(nullptr));
}

TEST(SoftwareRenderer, ASourceOutsideTheAtlasDrawsNothing)
{
    auto surface = grey_surface(4, 4);
    Atlas atlas;
    for (SDL_Rect source : { SDL_Rect { 3, 0, 2, 1 }, SDL_Rect { 0, 1, 1, 2 }, SDL_Rect { -1, 0, 1, 1 } }) {
        blend_coverage(
            surface.get(), everywhere, atlas.view(), source, SDL_Rect { 0, 0, 4, 4 }, SDL_Color { 0, 0, 0, 255 });
        for (int y = 0; y < 4; ++y) {
            for (int x = 0; x < 4; ++x)
                EXPECT_TRUE(is_grey(at(surface.get(), x, y)));
        }
    }
}
