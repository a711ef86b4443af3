// The accessibility checks' arithmetic: WCAG contrast from sRGB colours,
// what is under a line of text, 12 mm targets, overlaps. The scenarios'
// a11y tier (a11y_check.cpp) trusts these.
#include "ui/a11y.hpp"
#include "ui/canvas.hpp"
#include "ui/theme.hpp"

#include <gtest/gtest.h>
#include <imgui.h>

#include <filesystem>

using namespace guichet::ui;

namespace {

ImU32 const white = IM_COL32(255, 255, 255, 255);
ImU32 const black = IM_COL32(0, 0, 0, 255);

WidgetRecord widget(std::string id, Rect rect)
{
    return WidgetRecord { std::move(id), "", rect, 0 };
}

}

TEST(A11yContrast, MatchesWcagReferenceValues)
{
    EXPECT_NEAR(a11y::contrast(black, white), 21.0, 1e-9);
    EXPECT_NEAR(a11y::contrast(white, white), 1.0, 1e-9);
    // #767676 is the lightest grey that passes 4.5:1 on white.
    EXPECT_NEAR(a11y::contrast(IM_COL32(0x76, 0x76, 0x76, 255), white), 4.54, 0.01);
    // Symmetric.
    EXPECT_DOUBLE_EQ(a11y::contrast(colour::primary, white), a11y::contrast(white, colour::primary));
}

TEST(A11yContrast, TheThemePairsTheKioskDrawsPassSevenToOneInBothPalettes)
{
    struct Pair {
        ImU32 text, under;
    };
    for (auto const* palette : { &standard_palette, &high_contrast_palette }) {
        auto const& p = *palette;
        for (auto [text, under] : { Pair { p.text, p.background }, Pair { p.text_muted, p.surface },
                 Pair { p.text_muted, p.background }, Pair { p.placeholder, p.surface }, Pair { p.primary, p.surface },
                 Pair { p.primary, p.primary_tint }, Pair { p.text, p.primary_tint }, Pair { p.on_primary, p.primary },
                 Pair { p.on_primary, p.primary_pressed }, Pair { p.error, p.error_tint }, Pair { p.error, p.surface },
                 Pair { p.success, p.background }, Pair { p.text, p.key }, Pair { p.text, p.key_pressed },
                 Pair { p.on_primary, p.acting } })
            EXPECT_GE(a11y::contrast(text, under), a11y::min_contrast)
                << (palette == &standard_palette ? "standard: " : "high contrast: ") << std::hex << text << " on "
                << under;
    }
}

TEST(A11yBackground, BlendsTranslucentFillsOverTheLastOpaqueOne)
{
    a11y::Record record;
    record.base = white;
    record.fills.push_back({ Rect { 0, 0, 100, 100 }, black });
    record.fills.push_back({ Rect { 0, 0, 200, 200 }, IM_COL32(255, 255, 255, 128) });
    EXPECT_EQ(a11y::background_at(record, 50, 50, 1), black);
    EXPECT_EQ(a11y::background_at(record, 50, 50, 0), white) << "before any fill: the screen's own colour";
    auto half = a11y::background_at(record, 50, 50, 2);
    EXPECT_EQ(half & 0xFF, 128u) << "white at half alpha over black";
    EXPECT_EQ(a11y::background_at(record, 150, 150, 2), white);
    EXPECT_EQ(a11y::over(IM_COL32(0, 0, 0, 0), white), white);
}

TEST(A11yCheck, ACleanFrameHasNoProblem)
{
    a11y::Record record;
    record.base = colour::background;
    record.lines.push_back({ "Continuer", Rect { 100, 100, 300, 140 }, colour::text, 0 });
    auto problems = a11y::check(
        record, { widget("next", Rect { 1400, 920, 1840, 1050 }), widget("back", Rect { 24, 15, 234, 135 }) });
    EXPECT_TRUE(problems.empty()) << problems.front().detail;
}

TEST(A11yCheck, FindsSmallTargetsOverlapsLowContrastAndClipping)
{
    a11y::Record record;
    record.base = white;
    record.fills.push_back({ Rect { 0, 0, 1920, 200 }, IM_COL32(0xE0, 0xE0, 0xE0, 255) });
    record.lines.push_back({ "Gris", Rect { 10, 10, 100, 50 }, IM_COL32(0x92, 0x92, 0x92, 255), 1 });
    record.clipped.push_back({ "Retour", "is wider than its button" });
    // 12 mm is 48.3 design px: 48 is too small, 49 is enough.
    auto problems = a11y::check(record,
        { widget("small", Rect { 0, 300, 48, 400 }), widget("enough", Rect { 100, 300, 149, 349 }),
            widget("a", Rect { 500, 500, 700, 700 }), widget("b", Rect { 690, 690, 900, 900 }),
            widget("beside", Rect { 900, 690, 1000, 800 }) });
    std::map<std::string, int> kinds;
    for (auto const& problem : problems)
        ++kinds[problem.kind];
    EXPECT_EQ(kinds["target"], 1);
    EXPECT_EQ(kinds["overlap"], 1) << "touching edges are not an overlap";
    EXPECT_EQ(kinds["contrast"], 1);
    EXPECT_EQ(kinds["clipped"], 1);
    EXPECT_EQ(problems.size(), 4u);

    record.unreadable.push_back({ "Bonjour ?", "U+0645" });
    problems = a11y::check(record, {});
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_EQ(problems.back().kind, "glyph");
    EXPECT_NE(problems.back().detail.find("U+0645"), std::string::npos) << problems.back().detail;
}

// The canvas itself finds a character its font would draw as a box: the
// font here is DejaVu Sans with Latin only, as the kiosk's small atlas has
// it before a screen asks for Arabic; and it tells the UI to bake them.
TEST(A11yCanvas, ReportsACharacterTheFontLacks)
{
    char const* dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    ASSERT_TRUE(std::filesystem::exists(dejavu)) << "fonts-dejavu-core is a dependency of the kiosk";
    ImGui::CreateContext();
    auto& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(1920, 1080);
    static ImWchar const latin[] = { 0x0020, 0x017F, 0 };
    Fonts fonts;
    fonts.body = io.Fonts->AddFontFromFileTTF(dejavu, 34, nullptr, latin);
    ASSERT_NE(fonts.body, nullptr);
    fonts.bold = fonts.title = fonts.control = fonts.control_body = fonts.body;
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &width, &height);
    ImGui::NewFrame();
    ImGui::Begin("screen");

    FrameRecord drawn;
    a11y::Record measured;
    Canvas canvas(ImGui::GetWindowDrawList(), fonts, drawn, 1.0f, 0);
    canvas.measure(&measured);
    canvas.text(fonts.body, "Bonjour, ça va ?", 100, 100, 800);
    EXPECT_TRUE(measured.unreadable.empty());
    EXPECT_FALSE(drawn.lacks_glyphs());
    canvas.text(fonts.body, "Bonjour \u0645\u0631\u062D\u0628\u0627", 100, 200, 800);
    ASSERT_EQ(measured.unreadable.size(), 1u);
    EXPECT_EQ(measured.unreadable[0].why.substr(0, 3), "U+F") << "a presentation form, once joined";
    EXPECT_TRUE(drawn.lacks_glyphs());

    ImGui::End();
    ImGui::EndFrame();
    ImGui::DestroyContext();
}
