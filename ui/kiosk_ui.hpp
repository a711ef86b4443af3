// The kiosk's window: SDL2 + Dear ImGui, event-driven (the process sleeps
// in SDL_WaitEventTimeout until a touch, a posted intent or the session's
// next deadline), and the headless scenario runner that drives the same
// window through real SDL touch events.
#pragma once

#include "kiosk/core/i18n.hpp"
#include "kiosk/core/result.hpp"
#include "kiosk/core/session.hpp"
#include "ui/scenario.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

namespace guichet::ui {

enum class RendererChoice {
    // Software unless the machine has a GPU render node: on a machine
    // without one, SDL's OpenGL renderer runs on Mesa's llvmpipe, which
    // costs hundreds of milliseconds and tens of megabytes to start.
    Auto,
    Software,
    Accelerated,
};

struct UiOptions {
    int width { 1920 };
    int height { 1080 };
    RendererChoice renderer { RendererChoice::Auto };
    // SDL's offscreen video driver: no display needed (tests, CI).
    bool headless { false };
    std::filesystem::path screenshots;
    // Prefix of the fonts' Debian paths (/usr/share/fonts/...): "/" on a
    // kiosk; tests point it elsewhere to see a missing font handled.
    std::filesystem::path font_root { "/" };
    // Print "first-frame <CLOCK_MONOTONIC ns>" on stdout once the first
    // frame is presented (read by the benchmark).
    bool report_first_frame { false };
    // The built-in texts' translations (kiosk/i18n); the catalogue's own
    // are added from the session's catalogue.
    i18n::Translations translations;
    // Scenarios: each time a screen opens, it is drawn again in every
    // language and measured (a11y.hpp); one JSON line a screen and language
    // is appended here (`ctest -L a11y`, tests/ui/a11y_check.cpp).
    std::filesystem::path a11y_report;
};

class KioskUi {
public:
    static Result<std::unique_ptr<KioskUi>> create(UiOptions options, Session& session, Clock const& clock);
    ~KioskUi();

    // Queues an intent from another thread (a print job ending) and wakes
    // the loop. The intent is dispatched on the UI thread.
    void post(Intent intent);

    // The interactive loop; returns the process exit code when the window
    // closes or the process is asked to stop.
    int run();
    // Shows the first frame and returns (benchmark of start-up).
    void show_first_frame();

    // Runs a scenario against the live UI; the clock only moves on `wait`.
    // Returns 0 when every action succeeded, else prints why and returns 1.
    int run_scenario(std::vector<Action> const& actions, ManualClock& clock);

    // Renders `frames` full frames of the current screen and returns the
    // mean time of one, in milliseconds (for the benchmark).
    double measure_frames(int frames);

    char const* renderer_name() const;

    // What the devices do when a scenario says `card insert NAME`, `card
    // remove`... or the demo's keys ask it (F2 a card, F3 a passport, F4
    // takes it off): kiosk/main wires it to the simulated reader. Returns
    // an error when the device cannot (no simulated reader, unknown name).
    using DeviceHook = std::function<Result<void>(std::string const& verb, std::string const& name)>;
    void set_device_hook(DeviceHook hook);

    // Remote help: after each frame while help is live, the screen as the
    // mediator may see it (personal fields masked unless the resident
    // agreed) goes to `report` (kiosk/main: the help line); and the
    // mediator's taps and typing, once the resident gave control, are
    // applied through the same touch path as a finger.
    using ScreenReport = std::function<void(ScreenState const&)>;
    void set_screen_report(ScreenReport report);
    // run() calls `beat` after its first frame, then at least every `every`
    // while its loop turns: a loop that stops turning (a frozen screen)
    // stops beating. The kiosk tells systemd's watchdog.
    void set_heartbeat(std::function<void()> beat, std::chrono::milliseconds every);
    // Ends run() at its next turn; from any thread.
    void quit();

    // The voice (kiosk/main: espeak-ng). Each screen's instruction is said
    // when it opens, in the resident's language, and cut when the screen
    // changes; "Réécouter" says it again. Without one the kiosk is silent.
    void set_speech(Speech* speech);

    struct Impl;

private:
    explicit KioskUi(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}
