#include "ui/kiosk_ui.hpp"

#include "kiosk/core/i18n.hpp"
#include "kiosk/core/log.hpp"
#include "ui/bidi.hpp"
#include "ui/canvas.hpp"
#include "ui/chime.hpp"
#include "ui/frame_record.hpp"
#include "ui/pictograms.hpp"
#include "ui/screens.hpp"
#include "ui/software_renderer.hpp"

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>
#include <nlohmann/json.hpp>
#include <stb_image_write.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <malloc.h>
#include <mutex>
#include <thread>

namespace guichet::ui {

namespace {

constexpr char const* font_regular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr char const* font_bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
constexpr char const* font_icons = "/usr/share/fonts/truetype/font-awesome/fontawesome-webfont.ttf";

// French text needs Latin-1 and Latin Extended-A (œ), typographic quotes
// and dashes, the ellipsis, the euro sign, the keyboard's ⇧ and ⌫, and the
// PIN pad's ● (one a digit typed).
// Turkish (ğ ı ş) is in Latin Extended-A too.
constexpr ImWchar latin_ranges[] = {
    0x0020,
    0x017F,
    0x2013,
    0x2014,
    0x2018,
    0x201E,
    0x2022,
    0x2022,
    0x2026,
    0x2026,
    0x202F,
    0x202F,
    0x20AC,
    0x20AC,
    0x21B5,
    0x21B5,
    0x21E7,
    0x21E7,
    0x232B,
    0x232B,
    0x25CF,
    0x25CF,
    0,
};
// Arabic is drawn from its presentation forms, which ui/bidi.cpp joins the
// letters into; the base letters stay for what FriBidi leaves unjoined
// (digits, marks). Baked only once a screen shows Arabic.
constexpr ImWchar arabic_ranges[] = { 0x0600, 0x06FF, 0xFB50, 0xFDFF, 0xFE70, 0xFEFF, 0 };
// The huge size draws tracking codes (digits, capitals and dashes), desk
// tickets (a capital A-Z and digits) and the greeting: ASCII, plus the
// greeting's own letters in each language (added where the atlas is built).
constexpr ImWchar huge_ranges[] = { 0x0020, 0x007E, 0 };

void log_error(std::string const& message)
{
    log(LogLevel::Error, "ui", message);
}

std::int64_t monotonic_ns()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::int64_t(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

bool has_gpu_render_node()
{
    std::error_code error;
    return std::filesystem::exists("/dev/dri/renderD128", error);
}

}

struct KioskUi::Impl {
    UiOptions options;
    Session& session;
    Clock const& clock;
    SDL_Window* window { nullptr };
    SDL_Renderer* renderer { nullptr };
    std::string renderer_name;
    bool software { true };
    Fonts fonts;
    Fonts large_fonts;
    // What the font atlas holds beyond the standard sizes in Latin script
    // (and the language names): Arabic in every reading size, the large-text
    // set. Each is baked when a screen first needs it and dropped when the
    // visit ends: the kiosk starts and waits with the small atlas (a third of
    // the memory, half the start-up).
    struct Glyphs {
        bool arabic { false };
        bool large { false };
        bool operator==(Glyphs const&) const = default;
    };
    Glyphs baked;
    // The resident's display mode, applied before each frame: the palette
    // (high contrast) and the font sizes (large text).
    Fonts const& display(bool large_text, bool high_contrast) const
    {
        use_palette(high_contrast ? high_contrast_palette : standard_palette);
        return large_text && baked.large ? large_fonts : fonts;
    }
    float scale { 1 };
    Screens screens;
    FrameRecord record;
    // The built-in tables and the catalogue's translations together,
    // rebuilt when another catalogue arrives; the locale the canvas uses.
    i18n::Translations translations;
    Catalogue const* translated_catalogue { nullptr };
    Locale locale;
    void update_locale();
    Chime chime;
    // The card flow's stage last drawn, to sound the end of a read once;
    // and what was sounded, for scenarios (`expect-sound`).
    std::optional<CardStage> last_card_stage;
    std::vector<ChimeKind> chimes;
    KioskUi::DeviceHook device_hook;
    std::uint32_t wake_event { 0 };

    // The pointer: touches and clicks become a queue of (position, down)
    // steps applied one per frame, so that a tap shorter than a frame is
    // still seen by ImGui as a press and then a release.
    struct PointerStep {
        ImVec2 position;
        bool down;
    };
    std::deque<PointerStep> pointer_steps;
    ImVec2 pointer_position { -FLT_MAX, -FLT_MAX };
    bool pointer_down { false };

    // A second tap of a double tap must not act on the screen the first one
    // opened ("Confirmer" then "Terminer" at the same place would end the
    // session before the code is read). Touches still queued when the
    // screen changes are dropped, and a press within touch_guard of a new
    // screen appearing is ignored until its finger lifts.
    static constexpr Millis touch_guard { 400 };
    struct ScreenKey {
        Screen screen;
        std::size_t step;
        std::size_t view_page; // pages the screen turns itself: answers, communes
        bool help;
        bool idle_warning;
        bool operator==(ScreenKey const&) const = default;
    };
    ScreenKey shown_screen { Screen::Attract, 0, 0, false, false };
    Millis screen_shown_at { 0 };
    bool swallowing_touch { false };

    // The technician's way in: a finger held on the welcome screen's top
    // left corner (corner_size, in design pixels) for corner_hold opens
    // their PIN pad. Where a resident has no reason to press that long.
    static constexpr float corner_size = 160;
    static constexpr Millis corner_hold { 5000 };
    std::optional<Millis> corner_since;
    bool corner_fired { false };
    float corner_progress { 0 }; // as the bar shows it
    bool corner_redraw { false };
    bool corner_pressed() const { return corner_since.has_value() && !corner_fired; }
    void watch_corner();
    ScreenKey current_screen() const
    {
        return ScreenKey { session.screen(), session.runner() ? session.runner()->step_index() : 0, screens.view_page(),
            session.help_open(), session.idle_warning() };
    }

    // The voice: what was last said and for which screen, so that a screen
    // speaks once when it opens. The last sentence is kept for scenarios
    // (`expect-said`) and wiped with the session: it may be answers.
    Speech* speech { nullptr };
    ScreenKey spoken_screen { Screen::Attract, 0, 0, false, false };
    std::string spoken_instruction;
    Session::ListenRequest listen_seen;
    int volume_seen { -1 };
    std::string last_said;
    void say(std::string text);
    void speak_after_frame();

    // Accessibility probe (scenarios with --a11y-report): the screen last
    // measured, and the scenario line that opened it.
    std::optional<ScreenKey> probed_screen;
    std::string probed_instruction;
    int scenario_line { 0 };
    void probe_a11y();

    std::mutex posted_mutex;
    std::vector<Intent> posted;

    std::uint64_t drawn_revision { UINT64_MAX };
    std::uint64_t seen_sessions_ended { 0 };
    bool quit { false };
    bool first_frame_done { false };
    std::chrono::steady_clock::time_point last_frame_time { std::chrono::steady_clock::now() };

    Impl(UiOptions o, Session& s, Clock const& c)
        : options(std::move(o))
        , session(s)
        , clock(c)
    {
    }

    ~Impl()
    {
        screens.wipe();
        if (ImGui::GetCurrentContext()) {
            // Only what open() got as far as setting up: the backend
            // asserts when shut down without having started.
            if (backend_initialised)
                ImGui_ImplSDLRenderer_Shutdown();
            ImGui::DestroyContext();
        }
        if (renderer)
            SDL_DestroyRenderer(renderer);
        if (window)
            SDL_DestroyWindow(window);
        SDL_Quit();
    }

    Result<void> open();
    // The atlas rebuilt with `wanted`, and its texture; between frames only.
    Result<void> build_fonts(Glyphs wanted);
    // The atlas with exactly `glyphs`, rebuilt unless it has them already.
    void use_glyphs(Glyphs glyphs);
    // At least `wanted` too: never less than now.
    void need_glyphs(Glyphs wanted) { use_glyphs({ baked.arabic || wanted.arabic, baked.large || wanted.large }); }
    void bake_corner_masks();
    Result<void> upload_font_texture();
    void release_font_texture();
    // The software path's atlas: ImGui's own 8-bit coverage, read in place.
    CoverageAtlas coverage_atlas;
    bool backend_initialised { false };
    void handle_event(SDL_Event const& event);
    void render_frame(std::filesystem::path const* screenshot = nullptr);
    // The screen, then its overlay if any, into ImGui's windows; measured
    // too when `measured` is given (the accessibility probe).
    void draw_layers(Fonts const& drawn_fonts, Locale const& drawn_locale, FrameRecord& into, a11y::Record* measured,
        std::vector<Intent>& out);
    void dispatch_posted();
    void note_screen_change();
    bool needs_frame() const { return !pointer_steps.empty() || drawn_revision != session.revision() || corner_redraw; }
    Result<void> settle();
    std::string describe_screen() const;

    // Automation
    enum class Pace {
        Person, // the clock moves half a second before the tap
        Immediate, // right after the previous one: the second tap of a double tap
    };
    Result<void> tap(WidgetRecord const& widget, Pace pace = Pace::Person);
    // A finger down (or up) at `at`, in window pixels, as SDL reports a
    // touchscreen's.
    Result<void> push_finger(ImVec2 at, bool down);
    ManualClock* manual_clock { nullptr };
    Result<void> tap_label(std::string const& label);
    Result<void> type_text(std::string const& text);
    ScreenState screen_state() const;
    void remote_help_after_frame();
    std::function<void(ScreenState const&)> screen_report;
    std::function<void()> heartbeat;
    std::chrono::milliseconds heartbeat_every { 0 };
    bool applying_remote_actions { false };
    // The code of the last receipt a scenario saw (test tooling only).
    std::string last_code;
    Result<void> perform(Action const& action, ManualClock& clock);
    void sound_card_outcome();
};

Result<void> KioskUi::Impl::open()
{
    if (options.headless)
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    // Touches are handled as touches; SDL must not also turn them into
    // mouse clicks, or every tap would count twice.
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_RENDER_VSYNC, "0");
    // With the software renderer, SDL would otherwise back the window's
    // surface with an OpenGL texture (Mesa's swrast where there is no GPU):
    // that costs more than the drawing itself.
    if (options.renderer != RendererChoice::Accelerated)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
        return Error::make("ui.sdl_init", SDL_GetError());

    // --window auto: the screen's own size (under cage, the output's).
    int window_width = options.width, window_height = options.height;
    if (window_width == 0 || window_height == 0) {
        SDL_DisplayMode mode {};
        bool const known = SDL_GetDesktopDisplayMode(0, &mode) == 0 && mode.w >= 640 && mode.h >= 360;
        window_width = known ? mode.w : 1920;
        window_height = known ? mode.h : 1080;
        log(LogLevel::Info, "ui",
            "window " + std::to_string(window_width) + "x" + std::to_string(window_height)
                + (known ? " (the screen's size)" : " (the screen's size is unknown)"));
    }
    // A borderless window at (0,0) rather than SDL's fullscreen mode: with
    // no window manager the latter waits ~100 ms for a mode switch.
    window = SDL_CreateWindow("Guichet", 0, 0, window_width, window_height, SDL_WINDOW_BORDERLESS | SDL_WINDOW_SHOWN);
    if (!window)
        return Error::make("ui.window", SDL_GetError());

    bool accelerated = options.renderer == RendererChoice::Accelerated
        || (options.renderer == RendererChoice::Auto && !options.headless && has_gpu_render_node());
    renderer = SDL_CreateRenderer(window, -1, accelerated ? SDL_RENDERER_ACCELERATED : SDL_RENDERER_SOFTWARE);
    if (!renderer && accelerated) {
        log(LogLevel::Warning, "ui",
            std::string("accelerated renderer unavailable, using software: ") + SDL_GetError());
        renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!renderer)
        return Error::make("ui.renderer", SDL_GetError());
    SDL_RendererInfo info {};
    SDL_GetRendererInfo(renderer, &info);
    renderer_name = info.name ? info.name : "unknown";
    software = (info.flags & SDL_RENDERER_SOFTWARE) != 0;
    if (software && !software_target_supported(SDL_GetWindowSurface(window))) {
        // A 16-bit display, say: SDL's software renderer with ImGui's own
        // backend draws it, slower and with a 32-bit copy of the atlas.
        log(LogLevel::Warning, "ui", "the window's pixels are not 32-bit RGB: drawn through ImGui's SDL backend");
        software = false;
    }

    int width = 0, height = 0;
    SDL_GetRendererOutputSize(renderer, &width, &height);
    scale = std::min(width / 1920.0f, height / 1080.0f);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    auto& io = ImGui::GetIO();
    io.IniFilename = nullptr; // nothing written to disk
    io.LogFilename = nullptr;
    io.DisplaySize = ImVec2(float(width), float(height));
    io.MouseDrawCursor = false;
    auto& style = ImGui::GetStyle();
    style.WindowPadding = ImVec2(0, 0);
    style.WindowBorderSize = 0;
    style.WindowRounding = 0;

    if (software) {
        // Lines as triangles, not sampled from the atlas: the software path
        // blends only glyphs and corner masks from it.
        style.AntiAliasedLinesUseTex = false;
        io.Fonts->Flags |= ImFontAtlasFlags_NoBakedLines;
    }
    if (!software) {
        if (!ImGui_ImplSDLRenderer_Init(renderer))
            return Error::make("ui.imgui_renderer", "ImGui_ImplSDLRenderer_Init failed");
        backend_initialised = true;
    }
    GUICHET_TRY(build_fonts({}));

    wake_event = SDL_RegisterEvents(1);
    SDL_StartTextInput();
    log(LogLevel::Info, "ui",
        "window " + std::to_string(width) + "x" + std::to_string(height) + ", renderer " + renderer_name);
    return {};
}

void KioskUi::Impl::bake_corner_masks()
{
    auto& atlas = *ImGui::GetIO().Fonts;
    int ids[CornerMasks::max_radius + 1][4];
    for (int radius = 1; radius <= CornerMasks::max_radius; ++radius) {
        for (int corner = 0; corner < 4; ++corner)
            ids[radius][corner] = atlas.AddCustomRectRegular(radius, radius);
    }
    atlas.Build();
    // Into the atlas's own 8-bit coverage: both textures are made from it.
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    atlas.GetTexDataAsAlpha8(&pixels, &width, &height);
    for (int radius = 1; radius <= CornerMasks::max_radius; ++radius) {
        for (int corner = 0; corner < 4; ++corner) {
            auto const* rect = atlas.GetCustomRectByIndex(ids[radius][corner]);
            // The disc's centre sits at the inner corner of the square.
            float cx = (corner == 0 || corner == 3) ? float(radius) : 0.0f;
            float cy = (corner == 0 || corner == 1) ? float(radius) : 0.0f;
            for (int y = 0; y < radius; ++y) {
                for (int x = 0; x < radius; ++x) {
                    float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
                    float coverage = std::clamp(float(radius) - std::sqrt(dx * dx + dy * dy) + 0.5f, 0.0f, 1.0f);
                    pixels[(rect->Y + y) * width + rect->X + x] = static_cast<unsigned char>(coverage * 255 + 0.5f);
                }
            }
            ImVec2 uv0, uv1;
            atlas.CalcCustomRectUV(rect, &uv0, &uv1);
            fonts.corners.uv[radius][corner] = ImVec4(uv0.x, uv0.y, uv1.x, uv1.y);
        }
    }
    fonts.corners.ready = true;
}

Result<void> KioskUi::Impl::upload_font_texture()
{
    auto& atlas = *ImGui::GetIO().Fonts;
    unsigned char* coverage = nullptr;
    int width = 0, height = 0;
    atlas.GetTexDataAsAlpha8(&coverage, &width, &height);
    if (!software) {
        // ImGui's backend makes its texture from an RGBA copy of the atlas.
        if (!ImGui_ImplSDLRenderer_CreateFontsTexture())
            return Error::make("ui.font_texture", SDL_GetError());
    } else {
        // The software path blends glyphs from the atlas's coverage itself
        // (ui/software_renderer.hpp): no texture, no 32-bit copy.
        coverage_atlas = CoverageAtlas { coverage, width, height };
        atlas.SetTexID(&coverage_atlas);
    }
    return {};
}

void KioskUi::Impl::release_font_texture()
{
    if (!software) {
        if (backend_initialised)
            ImGui_ImplSDLRenderer_DestroyFontsTexture();
    } else {
        ImGui::GetIO().Fonts->SetTexID(nullptr);
        coverage_atlas = {};
    }
}

void KioskUi::Impl::update_locale()
{
    auto const* catalogue = &session.catalogue();
    if (catalogue != translated_catalogue) {
        translations = options.translations;
        for_each_text(*catalogue, [&](Text const& text) { translations.add(text); });
        translated_catalogue = catalogue;
    }
    locale.translations = &translations;
    locale.language = session.language();
    locale.right_to_left = i18n::info(locale.language).right_to_left;
}

Result<void> KioskUi::Impl::build_fonts(Glyphs wanted)
{
    // ImGui asserts (and aborts) on a font it cannot read: check first, and
    // say which package to install. Before anything is cleared, so that a
    // failure leaves the atlas as it was.
    std::string const regular = (options.font_root / (font_regular + 1)).string();
    std::string const bold = (options.font_root / (font_bold + 1)).string();
    std::string const icons = (options.font_root / (font_icons + 1)).string();
    for (auto const& path : { regular, bold, icons }) {
        if (!std::ifstream(path, std::ios::binary).good())
            return Error::make("ui.font_missing",
                "font not found or unreadable: " + path + " (install fonts-dejavu-core and fonts-font-awesome)");
    }
    auto started = std::chrono::steady_clock::now();
    auto& io = ImGui::GetIO();
    auto& atlas = *io.Fonts;
    release_font_texture();
    atlas.Clear();
    // (Copied from an empty set: `= Fonts {}` crashes GCC 12.)
    static Fonts const none;
    fonts = none;
    large_fonts = none;
    baked = wanted;
    // The atlas as tall as its glyphs, not the next power of two: both
    // renderers take any size, and the rest would be memory for nothing.
    atlas.Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;

    // The reading sizes' code points: Latin, and Arabic when wanted; without
    // it, the glyphs of what every screen shows in Arabic: the language's
    // name and its flag's letter. Kept until the atlas is built, which reads
    // them.
    ImVector<ImWchar> reading_ranges;
    ImFontGlyphRangesBuilder reading;
    reading.AddRanges(latin_ranges);
    if (wanted.arabic) {
        reading.AddRanges(arabic_ranges);
    } else {
        for (auto const& language : i18n::languages())
            reading.AddText(bidi::shape(language.name, bidi::Direction::LeftToRight).c_str());
        reading.AddText(bidi::shape(arabic_flag_letter, bidi::Direction::LeftToRight).c_str());
    }
    reading.BuildRanges(&reading_ranges);
    // The huge size: codes and tickets (ASCII), and the greeting in every
    // Latin-script language, in Arabic too once the atlas has Arabic (the
    // a11y probe draws the attract screen in every language).
    ImVector<ImWchar> huge_glyphs;
    ImFontGlyphRangesBuilder huge;
    huge.AddRanges(huge_ranges);
    for (auto const& language : i18n::languages()) {
        if (wanted.arabic || !language.right_to_left)
            huge.AddText(bidi::shape(
                options.translations.translate(language.code, attract_greeting), bidi::Direction::LeftToRight)
                             .c_str());
    }
    huge.BuildRanges(&huge_glyphs);
    static ImVector<ImWchar> icon_ranges;
    if (icon_ranges.empty()) {
        for (unsigned codepoint : all_glyphs()) {
            icon_ranges.push_back(ImWchar(codepoint));
            icon_ranges.push_back(ImWchar(codepoint));
        }
        icon_ranges.push_back(0);
    }

    // One oversample and snapped glyphs: big type does not need more, and
    // the atlas builds faster (start-up time) and smaller (memory).
    ImFontConfig config;
    config.OversampleH = 1;
    config.OversampleV = 1;
    config.PixelSnapH = true;
    ImFontConfig merge = config;
    merge.MergeMode = true;
    auto add = [&](std::string const& path, float size, ImFontConfig const* cfg, ImWchar const* ranges) {
        return atlas.AddFontFromFileTTF(path.c_str(), size * scale, cfg, ranges);
    };
    // A reading font with the pictograms merged in, drawn inline with text.
    auto reading_font = [&](std::string const& path, float size) {
        ImFont* font = add(path, size, &config, reading_ranges.Data);
        merge.GlyphMinAdvanceX = size * scale;
        add(icons, size - 2, &merge, icon_ranges.Data);
        return font;
    };
    fonts.body = reading_font(regular, 34);
    fonts.bold = reading_font(bold, 34);
    fonts.title = reading_font(bold, 52);
    fonts.huge = add(bold, 92, &config, huge_glyphs.Data);
    fonts.icon = add(icons, 110, &config, icon_ranges.Data);
    fonts.control = fonts.bold;
    fonts.control_body = fonts.body;
    bool loaded = fonts.body && fonts.bold && fonts.title && fonts.huge && fonts.icon;
    if (wanted.large) {
        // Large text: the reading sizes a third larger; titles, codes and
        // pictograms are large already, and the controls keep their size.
        large_fonts.body = reading_font(regular, 44);
        large_fonts.bold = reading_font(bold, 44);
        large_fonts.title = reading_font(bold, 60);
        large_fonts.huge = fonts.huge;
        large_fonts.icon = fonts.icon;
        large_fonts.standard = &fonts;
        large_fonts.control = fonts.bold;
        large_fonts.control_body = fonts.body;
        loaded = loaded && large_fonts.body && large_fonts.bold && large_fonts.title;
    }
    if (!loaded)
        return Error::make("ui.font_load", "a font file could not be loaded");
    io.FontDefault = fonts.body;
    bake_corner_masks();
    large_fonts.corners = fonts.corners;
    GUICHET_TRY(upload_font_texture());
    // The fonts' files (about 3 MB a set, read by ImGui) are not needed
    // until the next build, nor the atlas's pixels once in a texture; the
    // software path draws from them.
    atlas.ClearInputData();
    if (!software)
        atlas.ClearTexData();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    log(LogLevel::Info, "ui",
        "font atlas " + std::to_string(atlas.TexWidth) + "x" + std::to_string(atlas.TexHeight)
            + (wanted.arabic ? ", arabic" : "") + (wanted.large ? ", large text" : "") + " ("
            + std::to_string(ms.count()) + " ms)");
    return {};
}

void KioskUi::Impl::use_glyphs(Glyphs glyphs)
{
    if (glyphs == baked)
        return;
    auto built = build_fonts(glyphs);
    if (!built) {
        // The files were there at start-up: the kiosk cannot draw without them.
        log(LogLevel::Error, "ui", "font atlas: " + built.error().code + ": " + built.error().detail);
        std::abort();
    }
}

void KioskUi::Impl::handle_event(SDL_Event const& event)
{
    auto to_screen
        = [&](float x, float y) { return ImVec2(x * ImGui::GetIO().DisplaySize.x, y * ImGui::GetIO().DisplaySize.y); };
    switch (event.type) {
    case SDL_QUIT:
        quit = true;
        break;
    case SDL_FINGERDOWN:
        pointer_steps.push_back({ to_screen(event.tfinger.x, event.tfinger.y), true });
        break;
    case SDL_FINGERMOTION:
        pointer_steps.push_back({ to_screen(event.tfinger.x, event.tfinger.y), true });
        break;
    case SDL_FINGERUP:
        pointer_steps.push_back({ to_screen(event.tfinger.x, event.tfinger.y), false });
        // A finger that lifts leaves nothing hovering.
        pointer_steps.push_back({ ImVec2(-FLT_MAX, -FLT_MAX), false });
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (event.button.which == SDL_TOUCH_MOUSEID || event.button.button != SDL_BUTTON_LEFT)
            break;
        pointer_steps.push_back(
            { ImVec2(float(event.button.x), float(event.button.y)), event.type == SDL_MOUSEBUTTONDOWN });
        break;
    case SDL_MOUSEMOTION:
        if (event.motion.which == SDL_TOUCH_MOUSEID)
            break;
        if (pointer_steps.empty())
            pointer_position = ImVec2(float(event.motion.x), float(event.motion.y));
        break;
    case SDL_TEXTINPUT:
        // Under the help panel or the idle warning the field is not in
        // play; the warning is answered by its buttons only.
        if (screens.has_overlay(session))
            break;
        // A physical keyboard (or a scanner typing like one) types into
        // the field on screen like the on-screen keys.
        session.dispatch(intent::InsertText { event.text.text });
        break;
    case SDL_KEYDOWN:
        if (screens.has_overlay(session))
            break;
        if (event.key.keysym.sym == SDLK_BACKSPACE)
            session.dispatch(intent::EraseLast {});
        else if (event.key.keysym.sym == SDLK_RETURN || event.key.keysym.sym == SDLK_KP_ENTER)
            session.dispatch(intent::Next {});
        else if (event.key.keysym.sym == SDLK_ESCAPE)
            session.dispatch(intent::Back {});
        else if (device_hook && event.key.keysym.sym == SDLK_F2)
            (void)device_hook("insert", "cni"); // demo: lay the specimen card on the reader
        else if (device_hook && event.key.keysym.sym == SDLK_F3)
            (void)device_hook("insert", "passeport");
        else if (device_hook && event.key.keysym.sym == SDLK_F4)
            (void)device_hook("remove", "");
        else if (device_hook && event.key.keysym.sym == SDLK_F5)
            (void)device_hook("printer", "out-of-paper"); // demo: the roll runs out
        else if (device_hook && event.key.keysym.sym == SDLK_F6)
            (void)device_hook("printer", "ready"); // and is replaced
        break;
    case SDL_WINDOWEVENT:
        if (event.window.event == SDL_WINDOWEVENT_EXPOSED)
            drawn_revision = UINT64_MAX;
        break;
    default:
        break;
    }
}

void KioskUi::Impl::note_screen_change()
{
    auto now_showing = current_screen();
    if (now_showing == shown_screen)
        return;
    shown_screen = now_showing;
    screen_shown_at = clock.monotonic();
    pointer_steps.clear();
    pointer_down = false;
    pointer_position = ImVec2(-FLT_MAX, -FLT_MAX);
}

void KioskUi::Impl::watch_corner()
{
    bool const in_corner = pointer_down && !swallowing_touch && session.screen() == Screen::Attract
        && !screens.has_overlay(session) && pointer_position.x >= 0 && pointer_position.y >= 0
        && pointer_position.x < corner_size * scale && pointer_position.y < corner_size * scale;
    if (!in_corner) {
        if (corner_since) {
            corner_since.reset();
            corner_fired = false;
            corner_progress = 0;
            screens.set_corner_press(0);
            corner_redraw = true;
        }
        return;
    }
    auto const now = clock.monotonic();
    if (!corner_since)
        corner_since = now;
    if (corner_fired)
        return;
    auto const held = now - *corner_since;
    if (held >= corner_hold) {
        corner_fired = true;
        corner_progress = 0;
        screens.set_corner_press(0);
        corner_redraw = true;
        session.dispatch(intent::OpenTechnicianGate {});
        return;
    }
    // Nothing shows for a tap: the bar starts after a second.
    float const progress = held < Millis(1000) ? 0 : float(held.count()) / float(corner_hold.count());
    if (progress != corner_progress) {
        corner_progress = progress;
        screens.set_corner_press(progress);
        corner_redraw = true;
    }
}

void KioskUi::Impl::dispatch_posted()
{
    std::vector<Intent> intents;
    {
        std::lock_guard lock(posted_mutex);
        intents.swap(posted);
    }
    for (auto const& intent : intents)
        session.dispatch(intent);
    note_screen_change();
}

void KioskUi::Impl::sound_card_outcome()
{
    std::optional<CardStage> stage;
    if (session.screen() == Screen::Card && session.card())
        stage = session.card()->stage;
    if (stage == last_card_stage)
        return;
    bool was_reading = last_card_stage == CardStage::Reading;
    last_card_stage = stage;
    if (!was_reading || !stage)
        return;
    auto kind = *stage == CardStage::Done && !session.card()->refusal ? ChimeKind::Success : ChimeKind::Failure;
    chimes.push_back(kind);
    chime.play(kind);
}

void KioskUi::Impl::render_frame(std::filesystem::path const* screenshot)
{
    sound_card_outcome();
    bool pressed_now = false;
    bool released_now = false;
    if (!pointer_steps.empty()) {
        auto step = pointer_steps.front();
        pointer_steps.pop_front();
        bool new_press = step.down && !pointer_down && !swallowing_touch;
        released_now = !step.down && pointer_down && !swallowing_touch;
        if (new_press && clock.monotonic() - screen_shown_at < touch_guard)
            swallowing_touch = true;
        if (swallowing_touch) {
            if (!step.down)
                swallowing_touch = false;
            pointer_position = ImVec2(-FLT_MAX, -FLT_MAX);
            pointer_down = false;
        } else {
            pressed_now = new_press;
            pointer_position = step.position;
            pointer_down = step.down;
        }
    }

    // The glyphs this frame needs, baked before ImGui locks the atlas: the
    // Arabic screen's letters, the large-text sizes.
    update_locale();
    need_glyphs({ locale.right_to_left, session.large_text() });

    auto now = std::chrono::steady_clock::now();
    auto& io = ImGui::GetIO();
    io.DeltaTime = std::max(std::chrono::duration<float>(now - last_frame_time).count(), 0.001f);
    last_frame_time = now;
    if (!software)
        ImGui_ImplSDLRenderer_NewFrame();
    io.MousePos = pointer_position;
    io.MouseDown[0] = pointer_down;
    ImGui::NewFrame();

    corner_redraw = false;
    record.clear();
    std::vector<Intent> intents;
    draw_layers(display(session.large_text(), session.high_contrast()), locale, record, nullptr, intents);
    ImGui::Render();

    drawn_revision = session.revision();
    ImU32 clear = screens.background(session);
    SDL_SetRenderDrawColor(renderer, clear & 0xFF, (clear >> 8) & 0xFF, (clear >> 16) & 0xFF, 0xFF);
    SDL_RenderClear(renderer);
    if (software)
        render_draw_data_software(renderer, SDL_GetWindowSurface(window), ImGui::GetDrawData());
    else
        ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
    if (screenshot) {
        int width = int(io.DisplaySize.x), height = int(io.DisplaySize.y);
        std::vector<unsigned char> pixels(std::size_t(width) * height * 4);
        if (SDL_RenderReadPixels(renderer, nullptr, SDL_PIXELFORMAT_ABGR8888, pixels.data(), width * 4) != 0
            || !stbi_write_png(screenshot->c_str(), width, height, 4, pixels.data(), width * 4))
            log_error("screenshot failed: " + screenshot->string());
    }
    SDL_RenderPresent(renderer);

    if (!first_frame_done) {
        first_frame_done = true;
        if (options.report_first_frame) {
            std::printf("first-frame %lld\n", static_cast<long long>(monotonic_ns()));
            std::fflush(stdout);
        }
        // What start-up parsed and dropped (the catalogue's JSON trees, the
        // communes' rows, the font files) goes back to the system rather
        // than staying in the heap for the kiosk's whole life.
        malloc_trim(0);
    }

    // Arabic on a screen in another language (a mediator's message): its
    // glyphs are baked now and the frame drawn again, before anyone can
    // read the boxes.
    if (record.lacks_glyphs() && !baked.arabic) {
        need_glyphs({ true, baked.large });
        drawn_revision = UINT64_MAX;
    }

    // What this frame shows is said before the intents change the screen.
    speak_after_frame();
    if (!options.a11y_report.empty())
        probe_a11y();

    // The widgets of this frame have seen the press; only now may the
    // touch wake the session, so that it cannot land on the next screen.
    // On the attract screen a touch wakes it when the finger lifts: a
    // language's button there is then chosen in one touch (its release
    // would be lost on the screen a press had already opened).
    bool attract = session.screen() == Screen::Attract;
    if (attract ? released_now : pressed_now)
        session.dispatch(intent::Activity {});
    for (auto const& intent : intents)
        session.dispatch(intent);
    note_screen_change();
    if (session.sessions_ended() != seen_sessions_ended) {
        seen_sessions_ended = session.sessions_ended();
        screens.wipe();
        if (speech)
            speech->stop();
        guichet::wipe(last_said);
        last_said.clear();
        // The next resident starts with the small atlas again; what the
        // rebuild freed goes back to the system.
        if (baked != Glyphs {}) {
            use_glyphs({});
            malloc_trim(0);
        }
    }
}

void KioskUi::Impl::draw_layers(Fonts const& drawn_fonts, Locale const& drawn_locale, FrameRecord& into,
    a11y::Record* measured, std::vector<Intent>& out)
{
    auto const& io = ImGui::GetIO();
    auto const window_flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings
        | ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoFocusOnAppearing;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("screen", nullptr, window_flags | ImGuiWindowFlags_NoBringToFrontOnFocus);
    Canvas canvas(ImGui::GetWindowDrawList(), drawn_fonts, into, scale, 0, &drawn_locale);
    canvas.measure(measured);
    screens.draw(canvas, session, out);
    ImGui::End();
    if (!screens.has_overlay(session))
        return;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::SetNextWindowFocus();
    ImGui::Begin("overlay", nullptr, window_flags);
    Canvas overlay(ImGui::GetWindowDrawList(), drawn_fonts, into, scale, 1, &drawn_locale);
    overlay.measure(measured);
    screens.draw_overlay(overlay, session, out);
    ImGui::End();
}

void KioskUi::Impl::probe_a11y()
{
    // Not while a finger is down or touches wait: the probe's frames would
    // release what the finger holds. The screen is measured once it lifts.
    if (pointer_down || !pointer_steps.empty())
        return;
    auto now_showing = current_screen();
    auto const& instruction = record.instruction();
    if (probed_screen == now_showing && instruction == probed_instruction)
        return;
    probed_screen = now_showing;
    probed_instruction = instruction;

    // Every language in both modes: every glyph. Kept until the visit ends.
    need_glyphs({ true, true });
    auto& io = ImGui::GetIO();
    // Whatever happens, the real frames get their pointer and palette back.
    struct Restore {
        Impl& impl;
        ImVec2 position;
        bool down;
        ~Restore()
        {
            ImGui::GetIO().MousePos = position;
            ImGui::GetIO().MouseDown[0] = down;
            (void)impl.display(impl.session.large_text(), impl.session.high_contrast());
        }
    } restore { *this, io.MousePos, io.MouseDown[0] };
    std::ofstream report(options.a11y_report, std::ios::app);
    // Every language as the resident sees it, then every language again in
    // large text and high contrast together (the first finds texts too long
    // for their box at the larger size, the second colours under 7:1).
    for (bool modes : { false, true })
        for (auto const& language : i18n::languages()) {
            auto const& probe_fonts = display(modes, modes);
            // The same state, drawn in this language, with nothing pressed and
            // every intent dropped: a measure, not a frame anyone sees.
            std::vector<std::string> misses;
            Locale probe = locale;
            probe.language = std::string(language.code);
            probe.right_to_left = language.right_to_left;
            probe.misses = &misses;
            FrameRecord drawn;
            a11y::Record measured;
            measured.base = screens.background(session);
            std::vector<Intent> dropped;
            io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
            io.MouseDown[0] = false;
            if (!software)
                ImGui_ImplSDLRenderer_NewFrame();
            ImGui::NewFrame();
            draw_layers(probe_fonts, probe, drawn, &measured, dropped);
            ImGui::EndFrame();

            std::vector<WidgetRecord> widgets;
            int top = drawn.top_layer();
            auto entry = nlohmann::json::object();
            entry["line"] = scenario_line;
            entry["screen"] = std::string(to_string(session.screen()));
            if (session.runner() && session.screen() == Screen::Step)
                entry["step"] = session.runner()->step().key;
            entry["overlay"] = top > 0;
            entry["language"] = probe.language;
            entry["mode"] = modes ? "large-contrast" : "standard";
            entry["instruction"] = drawn.instruction();
            auto widget_list = nlohmann::json::array();
            for (auto const& widget : drawn.widgets()) {
                if (widget.layer != top)
                    continue;
                auto design = widget;
                design.rect = Rect { widget.rect.x0 / scale, widget.rect.y0 / scale, widget.rect.x1 / scale,
                    widget.rect.y1 / scale };
                widget_list.push_back({ { "id", design.id },
                    { "rect", { design.rect.x0, design.rect.y0, design.rect.x1, design.rect.y1 } } });
                widgets.push_back(std::move(design));
            }
            entry["widgets"] = std::move(widget_list);
            auto problems = nlohmann::json::array();
            for (auto const& problem : a11y::check(measured, widgets))
                problems.push_back({ { "kind", problem.kind }, { "detail", problem.detail } });
            entry["problems"] = std::move(problems);
            std::sort(misses.begin(), misses.end());
            misses.erase(std::unique(misses.begin(), misses.end()), misses.end());
            entry["untranslated"] = misses;
            report << entry.dump() << '\n';
        }
}

void KioskUi::Impl::say(std::string text)
{
    // Moved, not copied: answers read aloud leave no stray copy.
    guichet::wipe(last_said);
    last_said = std::move(text);
    if (!speech)
        return;
    if (last_said.empty())
        speech->stop();
    else
        speech->say(last_said, session.language());
}

void KioskUi::Impl::speak_after_frame()
{
    // Off, low, medium, loud: a percentage of the loudest the kiosk allows.
    static constexpr int volume_percent[] = { 0, 40, 70, 100 };
    auto const& instruction = record.instruction();
    auto request = session.listen_request();
    int volume = std::clamp(session.volume(), 0, 3);
    bool volume_changed = volume != volume_seen && volume_seen >= 0;
    if (volume != volume_seen && speech)
        speech->set_volume(volume_percent[volume]);
    volume_seen = volume;
    bool asked = request != listen_seen;
    listen_seen = request;
    bool new_screen = current_screen() != spoken_screen || instruction != spoken_instruction;
    spoken_screen = current_screen();
    spoken_instruction = instruction;

    // Nobody may be in front of the attract screen: it stays quiet,
    // whatever the last visit left (its volume, its last request).
    if (session.screen() == Screen::Attract) {
        if (new_screen)
            say({});
    } else if (asked) {
        // "Lire mes réponses": the answers on screen, only on this request.
        say(request.answers ? record.answers() : instruction);
    } else if (new_screen || (volume_changed && volume > 0)) {
        // A new level is heard at once, on something that matters.
        say(instruction);
    }
}

KioskUi::KioskUi(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{
}

KioskUi::~KioskUi() = default;

void KioskUi::set_device_hook(DeviceHook hook)
{
    m_impl->device_hook = std::move(hook);
}

void KioskUi::set_speech(Speech* speech)
{
    m_impl->speech = speech;
}

void KioskUi::quit()
{
    SDL_Event event {};
    event.type = SDL_QUIT;
    SDL_PushEvent(&event);
}

void KioskUi::set_heartbeat(std::function<void()> beat, std::chrono::milliseconds every)
{
    m_impl->heartbeat = std::move(beat);
    m_impl->heartbeat_every = every;
}

void KioskUi::set_screen_report(ScreenReport report)
{
    m_impl->screen_report = std::move(report);
}

// [SECTION] Remote help: what the mediator sees, and what they do.

namespace {

// Agent mode's widgets: the PIN pad, the consent, "Agent" on the help panel.
bool is_agents_widget(std::string_view id)
{
    return id.starts_with("agent:") || id == "help:agent";
}

}

ScreenState KioskUi::Impl::screen_state() const
{
    ScreenState state;
    state.screen = std::string(to_string(session.screen()));
    float scale = ImGui::GetIO().DisplaySize.x / 1920.0f;
    auto design = [scale](float value) { return int(std::lround(value / (scale > 0 ? scale : 1))); };
    int top = record.top_layer();
    auto const* runner = session.runner();
    // On a personal question, the choices may come from what the resident
    // typed (the communes of their postcode): hidden like the answer unless
    // the resident agreed to show personal answers.
    bool personal_step = runner && session.screen() == Screen::Step && runner->step().field
        && runner->step().field->personal && !session.assistance().personal_shared();
    for (auto const& widget : record.widgets()) {
        // The keyboard's keys are left out: the mediator types with "type".
        // Agent mode is the desk's and the resident's alone: its PIN pad,
        // its consent and its way in are not the mediator's to see.
        if (widget.layer != top || widget.id.starts_with("key:") || is_agents_widget(widget.id))
            continue;
        bool hidden = personal_step && widget.id.starts_with("choice:");
        state.widgets.push_back(ScreenWidget { widget.id,
            hidden ? std::string("Choix masqué") /* verbatim: the mediator reads French */ : widget.label, "button",
            { design(widget.rect.x0), design(widget.rect.y0), design(widget.rect.x1), design(widget.rect.y1) },
            std::nullopt, hidden, hidden });
    }
    if (runner && session.screen() == Screen::Step) {
        auto const& step = runner->step();
        state.step = step.key;
        if (auto const& box = screens.field_box(); box && top == 0) {
            ScreenWidget field;
            field.id = "field:" + step.key;
            field.label = runner->texts(step).question;
            field.kind = "field";
            field.rect = { int(box->x0), int(box->y0), int(box->x1), int(box->y1) };
            field.personal = step.field && step.field->personal;
            field.masked = field.personal && !session.assistance().personal_shared();
            if (!field.masked)
                field.value = runner->display_value(step);
            state.focus = field.id;
            state.widgets.push_back(std::move(field));
        }
    }
    return state;
}

void KioskUi::Impl::remote_help_after_frame()
{
    // A tap applied here settles the screen, which comes back here: the
    // actions taken meanwhile wait for the outer call.
    if (applying_remote_actions)
        return;
    applying_remote_actions = true;
    struct Done {
        bool& flag;
        ~Done() { flag = false; }
    } done_applying { applying_remote_actions };
    // Only while the resident has given control (the session keeps none
    // otherwise); each through the touch path, as a finger would.
    // While the agent's PIN pad or the resident's consent to an agent is up,
    // nothing the mediator sends applies: she must not type into the pad
    // nor answer for the resident.
    bool agent_screen = session.agent_gate() || session.agent_consent_pending() || session.reprints();
    for (auto const& action : session.take_remote_actions()) {
        Result<void> done;
        // Nor may she make the kiosk read the resident's answers aloud in
        // the hall: only the resident asks for that.
        if (agent_screen
            || (action.kind == HelpNews::Kind::Tap
                && (is_agents_widget(action.text) || action.text == "listen:answers"))) {
            log(LogLevel::Warning, "help", "the mediator's action was dropped: agent mode's screens are not hers");
            continue;
        }
        if (action.kind == HelpNews::Kind::Tap) {
            auto const* widget = record.find_by_id(action.text);
            if (!widget) {
                log(LogLevel::Warning, "help", "the mediator tapped a widget that is not on the screen");
                continue;
            }
            // At a person's pace: her tap on a screen that has just
            // appeared is guarded like a resident's (a double click on the
            // console's "Toucher" must not act twice). A scenario's manual
            // clock moves by as much, as it does for the resident's taps.
            auto target = *widget;
            done = tap(target, Pace::Person);
        } else if (action.kind == HelpNews::Kind::Type) {
            done = type_text(action.text);
        }
        if (!done.ok())
            log(LogLevel::Warning, "help", "the mediator's action could not be applied: " + done.error().code);
    }
    if (screen_report && session.assistance().live())
        screen_report(screen_state());
}

Result<std::unique_ptr<KioskUi>> KioskUi::create(UiOptions options, Session& session, Clock const& clock)
{
    auto impl = std::make_unique<Impl>(std::move(options), session, clock);
    GUICHET_TRY(impl->open());
    return std::unique_ptr<KioskUi>(new KioskUi(std::move(impl)));
}

char const* KioskUi::renderer_name() const
{
    return m_impl->renderer_name.c_str();
}

void KioskUi::post(Intent intent)
{
    {
        std::lock_guard lock(m_impl->posted_mutex);
        m_impl->posted.push_back(std::move(intent));
    }
    SDL_Event event {};
    event.type = m_impl->wake_event;
    SDL_PushEvent(&event);
}

void KioskUi::show_first_frame()
{
    m_impl->render_frame();
}

int KioskUi::run()
{
    auto& impl = *m_impl;
    impl.render_frame();
    auto const beat_every = impl.heartbeat ? impl.heartbeat_every.count() : 0;
    auto last_beat = std::chrono::steady_clock::now();
    if (impl.heartbeat)
        impl.heartbeat();
    while (!impl.quit) {
        int timeout = -1;
        if (impl.needs_frame()) {
            timeout = 0;
        } else if (auto deadline = impl.session.next_deadline()) {
            auto wait = (*deadline - impl.clock.monotonic()).count();
            timeout = int(std::clamp<long long>(wait, 0, 60'000));
        }
        // A finger held on the corner: its bar grows ten times a second.
        if (impl.corner_pressed())
            timeout = timeout < 0 ? 100 : std::min(timeout, 100);
        if (beat_every > 0) {
            // Wake in time for the next beat, even with nothing to draw.
            auto const since
                = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - last_beat)
                      .count();
            auto const until_beat = int(std::max<long long>(0, beat_every - since));
            timeout = timeout < 0 ? until_beat : std::min(timeout, until_beat);
        }
        SDL_Event event;
        bool got = timeout < 0 ? SDL_WaitEvent(&event) : SDL_WaitEventTimeout(&event, timeout);
        if (got) {
            impl.handle_event(event);
            while (SDL_PollEvent(&event))
                impl.handle_event(event);
        }
        impl.dispatch_posted();
        impl.session.dispatch(intent::Tick {});
        // The mediator's actions and the screen she sees change only with a
        // new frame (news bumps the session's revision).
        if (impl.needs_frame()) {
            impl.render_frame();
            impl.remote_help_after_frame();
        }
        // After the frame, which took in the finger's press.
        impl.watch_corner();
        if (beat_every > 0 && std::chrono::steady_clock::now() - last_beat >= impl.heartbeat_every) {
            last_beat = std::chrono::steady_clock::now();
            impl.heartbeat();
        }
    }
    return 0;
}

// [SECTION] Automation: scenarios drive the window through real SDL events.

Result<void> KioskUi::Impl::settle()
{
    // Render until every queued touch has been applied and the picture no
    // longer changes; two quiet frames let ImGui finish hover/active state.
    // A screen that never settles would keep a real kiosk drawing (and
    // burning a core) forever: that is a failure, not a slow test.
    constexpr int limit = 200;
    for (int quiet = 0, frames = 0; quiet < 2; ++frames) {
        if (frames == limit)
            return Error::make("scenario.busy",
                "the screen never stops changing (" + std::to_string(limit)
                    + " frames): something bumps the session's revision on every tick");
        SDL_Event event;
        while (SDL_PollEvent(&event))
            handle_event(event);
        dispatch_posted();
        session.dispatch(intent::Tick {});
        watch_corner();
        bool busy = needs_frame();
        render_frame();
        quiet = busy ? 0 : quiet + 1;
    }
    // A scenario's kiosk is helped like a resident's.
    remote_help_after_frame();
    return {};
}

std::string KioskUi::Impl::describe_screen() const
{
    std::string text = "screen '" + std::string(to_string(session.screen())) + "'; texts:";
    for (auto const& t : record.texts())
        text += "\n    \"" + t + "\"";
    text += "\n  widgets:";
    int top = record.top_layer();
    for (auto const& w : record.widgets()) {
        if (w.layer == top)
            text += "\n    #" + w.id + " \"" + w.label + "\"";
    }
    return text;
}

Result<void> KioskUi::Impl::tap(WidgetRecord const& widget, Pace pace)
{
    // A person takes a moment between two taps; the kiosk's clock moves by
    // as much (which also lets the touch guard of a new screen pass).
    if (pace == Pace::Person && manual_clock)
        manual_clock->advance(Millis(500));
    ImVec2 const centre(widget.rect.centre_x(), widget.rect.centre_y());
    GUICHET_TRY(push_finger(centre, true));
    GUICHET_TRY(push_finger(centre, false));
    return settle();
}

Result<void> KioskUi::Impl::push_finger(ImVec2 at, bool down)
{
    auto const& size = ImGui::GetIO().DisplaySize;
    SDL_Event event {};
    event.type = down ? SDL_FINGERDOWN : SDL_FINGERUP;
    event.tfinger.touchId = 1;
    event.tfinger.fingerId = 0;
    event.tfinger.x = at.x / size.x;
    event.tfinger.y = at.y / size.y;
    event.tfinger.pressure = 1;
    event.tfinger.windowID = SDL_GetWindowID(window);
    if (SDL_PushEvent(&event) < 0)
        return Error::make("scenario.input", SDL_GetError());
    return {};
}

Result<void> KioskUi::Impl::tap_label(std::string const& label)
{
    auto const* widget = record.find_by_label(label);
    if (!widget)
        return Error::make("scenario.no_widget", "no widget labelled \"" + label + "\" on " + describe_screen());
    return tap(*widget);
}

Result<void> KioskUi::Impl::type_text(std::string const& text)
{
    // One character at a time, through the keys a resident would touch.
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t length = 1;
        auto lead = static_cast<unsigned char>(text[i]);
        if (lead >= 0xF0)
            length = 4;
        else if (lead >= 0xE0)
            length = 3;
        else if (lead >= 0xC0)
            length = 2;
        std::string character = text.substr(i, length);
        i += length;
        if (character == " ") {
            auto const* key = record.find_by_id("key:space");
            if (!key)
                return Error::make("scenario.no_key", "no space key on " + describe_screen());
            auto target = *key;
            GUICHET_TRY(tap(target));
            continue;
        }
        // "⌫", the key's own sign: "Effacer".
        if (character == "\u232B") {
            auto const* key = record.find_by_id("key:erase");
            if (!key)
                return Error::make("scenario.no_key", "no key \"Effacer\" on " + describe_screen());
            auto target = *key;
            GUICHET_TRY(tap(target));
            continue;
        }
        if (auto const* key = record.find_by_label(character)) {
            GUICHET_TRY(tap(*key));
            continue;
        }
        // The key shows the other case, or is on the other page of an
        // agent's keyboard: "Maj", then the page key, then "Maj" again.
        bool typed = false;
        for (auto const* toggle : { "key:shift", "key:page", "key:shift" }) {
            auto const* key = record.find_by_id(toggle);
            if (!key)
                continue;
            auto target = *key;
            GUICHET_TRY(tap(target));
            if (auto const* found = record.find_by_label(character)) {
                GUICHET_TRY(tap(*found));
                typed = true;
                break;
            }
        }
        if (!typed)
            return Error::make("scenario.no_key", "no key types \"" + character + "\" on " + describe_screen());
    }
    return {};
}

Result<void> KioskUi::Impl::perform(Action const& action, ManualClock& manual_clock)
{
    switch (action.kind) {
    case ActionKind::Tap:
    case ActionKind::DoubleTap: {
        auto const* widget = action.by_id ? record.find_by_id(action.argument) : record.find_by_label(action.argument);
        if (!widget)
            return Error::make("scenario.no_widget",
                "no widget " + std::string(action.by_id ? "#" : "labelled \"") + action.argument
                    + (action.by_id ? "" : "\"") + " on " + describe_screen());
        // Copy: the record is rebuilt by the frames the tap renders.
        auto target = *widget;
        GUICHET_TRY(tap(target));
        if (action.kind == ActionKind::DoubleTap)
            GUICHET_TRY(tap(target, Pace::Immediate));
        return {};
    }
    case ActionKind::Type:
        // "{last-code}" types the code of the last receipt the scenario saw,
        // to follow a request made earlier in the same scenario.
        if (action.argument == "{last-code}") {
            if (last_code.empty())
                return Error::make("scenario.no_code", "{last-code}: no receipt was shown before");
            return type_text(last_code);
        }
        return type_text(action.argument);
    case ActionKind::Expect:
    case ActionKind::ExpectNot: {
        bool want = action.kind == ActionKind::Expect;
        // Some outcomes arrive from another thread (a print job): give them
        // a bounded moment before deciding.
        auto patience = action.duration > Millis(0) ? action.duration : Millis(5000);
        auto give_up = std::chrono::steady_clock::now() + patience;
        while (true) {
            GUICHET_TRY(settle());
            if (record.shows_text(action.argument) == want)
                return {};
            if (!want || std::chrono::steady_clock::now() > give_up)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return Error::make("scenario.expect",
            std::string(want ? "expected" : "did not expect") + " \"" + action.argument + "\" on " + describe_screen());
    }
    case ActionKind::ExpectScreen:
        GUICHET_TRY(settle());
        if (to_string(session.screen()) == action.argument)
            return {};
        return Error::make("scenario.expect", "expected screen '" + action.argument + "', found " + describe_screen());
    case ActionKind::Wait: {
        // Time moves the way it would for a waiting kiosk: to each deadline
        // the session asked for, then to the end of the wait.
        auto end = manual_clock.monotonic() + action.duration;
        while (manual_clock.monotonic() < end) {
            auto step = end - manual_clock.monotonic();
            if (auto deadline = session.next_deadline(); deadline && *deadline > manual_clock.monotonic())
                step = std::min(step, *deadline - manual_clock.monotonic());
            manual_clock.advance(step);
            session.dispatch(intent::Tick {});
        }
        return settle();
    }
    case ActionKind::HoldCorner: {
        // A finger down on the corner, held while the clock moves, then
        // lifted: frames are drawn as the kiosk would (its bar grows). A
        // person's moment first, as before a tap (the touch guard).
        manual_clock.advance(Millis(500));
        ImVec2 const corner(40 * scale, 40 * scale);
        GUICHET_TRY(push_finger(corner, true));
        GUICHET_TRY(settle());
        auto end = manual_clock.monotonic() + action.duration;
        while (manual_clock.monotonic() < end) {
            manual_clock.advance(std::min<Millis>(Millis(500), end - manual_clock.monotonic()));
            session.dispatch(intent::Tick {});
            watch_corner();
            render_frame();
        }
        GUICHET_TRY(settle());
        GUICHET_TRY(push_finger(corner, false));
        return settle();
    }
    case ActionKind::Card: {
        if (!device_hook)
            return Error::make("scenario.no_device", "card " + action.argument + ": no simulated card reader");
        GUICHET_TRY(device_hook(action.argument, action.detail));
        // The reader's news comes back through the queue, then a read may
        // run on the card's worker: settle, and let `expect` wait for it.
        return settle();
    }
    case ActionKind::Printer: {
        if (!device_hook)
            return Error::make("scenario.no_device", "printer " + action.detail + ": no simulated printer");
        GUICHET_TRY(device_hook(action.argument, action.detail));
        return settle();
    }
    case ActionKind::Scan: {
        // A document scanner is a keyboard: text, then Enter, line by line.
        std::string_view rest = action.argument;
        while (true) {
            auto bar = rest.find('|');
            auto line = std::string(rest.substr(0, bar));
            SDL_Event event {};
            event.type = SDL_TEXTINPUT;
            event.text.windowID = SDL_GetWindowID(window);
            for (std::size_t at = 0; at < line.size(); at += sizeof(event.text.text) - 1) {
                auto chunk = line.substr(at, sizeof(event.text.text) - 1);
                std::memcpy(event.text.text, chunk.c_str(), chunk.size() + 1);
                if (SDL_PushEvent(&event) < 0)
                    return Error::make("scenario.input", SDL_GetError());
            }
            SDL_Event enter {};
            enter.type = SDL_KEYDOWN;
            enter.key.windowID = SDL_GetWindowID(window);
            enter.key.keysym.sym = SDLK_RETURN;
            if (SDL_PushEvent(&enter) < 0)
                return Error::make("scenario.input", SDL_GetError());
            GUICHET_TRY(settle());
            if (bar == std::string_view::npos)
                break;
            rest = rest.substr(bar + 1);
        }
        return {};
    }
    case ActionKind::ExpectSound: {
        auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (chimes.empty() && std::chrono::steady_clock::now() < give_up) {
            GUICHET_TRY(settle());
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (chimes.empty())
            return Error::make("scenario.expect", "expected the " + action.argument + " sound, none was played");
        auto played = std::string(to_string(chimes.back()));
        chimes.clear();
        if (played != action.argument)
            return Error::make("scenario.expect", "expected the " + action.argument + " sound, got " + played);
        return {};
    }
    case ActionKind::ExpectSaid:
    case ActionKind::ExpectNotSaid: {
        GUICHET_TRY(settle());
        bool said = last_said.find(action.argument) != std::string::npos;
        if (said != (action.kind == ActionKind::ExpectSaid))
            return Error::make("scenario.expect",
                std::string(said ? "expected the voice not to say \"" : "expected the voice to say \"")
                    + action.argument + "\"; it last said \"" + last_said + "\"");
        return {};
    }
    case ActionKind::Screenshot: {
        if (options.screenshots.empty())
            return {};
        std::error_code error;
        std::filesystem::create_directories(options.screenshots, error);
        auto path = options.screenshots / (action.argument + ".png");
        GUICHET_TRY(settle());
        render_frame(&path);
        return {};
    }
    }
    return {};
}

int KioskUi::run_scenario(std::vector<Action> const& actions, ManualClock& manual_clock)
{
    auto& impl = *m_impl;
    impl.manual_clock = &manual_clock;
    if (auto settled = impl.settle(); !settled) {
        std::fprintf(stderr, "scenario failed before it started: %s\n", settled.error().detail.c_str());
        return 1;
    }
    for (auto const& action : actions) {
        impl.scenario_line = action.line;
        auto result = impl.perform(action, manual_clock);
        if (impl.session.receipt())
            impl.last_code = impl.session.receipt()->code.text();
        if (!result) {
            std::fprintf(stderr, "scenario failed at line %d: %s\n", action.line, result.error().detail.c_str());
            return 1;
        }
    }
    std::printf("scenario passed: %zu actions\n", actions.size());
    return 0;
}

double KioskUi::measure_frames(int frames)
{
    auto& impl = *m_impl;
    (void)impl.settle();
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < frames; ++i)
        impl.render_frame();
    auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return frames > 0 ? elapsed / frames : 0;
}

}
