// The kiosk's command line. Every device is chosen here at run time, so the
// same binary runs on a kiosk and on a laptop with simulators.
#pragma once

#include "kiosk/core/result.hpp"
#include "kiosk/core/session.hpp"
#include "ui/kiosk_ui.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

struct KioskOptions {
    std::filesystem::path catalogue;
    std::filesystem::path texts; // the built-in texts' translations (kiosk/i18n)
    // A catalogue text lacking a language is a load error (else it shows in
    // French and the gap is logged).
    bool strict_languages { false };
    std::filesystem::path communes;
    std::filesystem::path slots;
    std::filesystem::path data { "var/data" };
    // The kiosk's identity from enrollment; DATA/identity.json when empty.
    std::filesystem::path identity;
    // For the first-boot wizard: the hub's address already typed, and the
    // CA that signs its certificate (empty: the system's CAs).
    std::string hub_url;
    std::filesystem::path hub_ca;
    std::string printer { "pdf:var/receipts" };
    // "sim" (the simulated reader), "pcsc" or "pcsc:PATTERN", or "none".
    std::string card { "sim" };
    // Lets a PC/SC virtual reader (vsmartcard) be used: tests only.
    bool card_allow_virtual { false };
    // The voice: "sdl" (the loudspeaker), "wav:DIR" (the simulator: one WAV
    // file a sentence) or "none".
    std::string speech { "sdl" };
    ui::UiOptions ui;
    std::optional<std::filesystem::path> scenario;
    // The scenario's clock starts on this day (10:00 UTC) instead of now, so
    // that a scenario booking "Wednesday 25 November" passes every day.
    std::optional<std::int64_t> scenario_start;
    SessionConfig session;
    int bench_frames { 0 };
    bool exit_after_first_frame { false };
    bool help { false };
    // Settings files that did not load (kioskctl config), for the log.
    std::vector<std::string> config_problems;
};

Result<KioskOptions> parse_options(int argc, char** argv);
char const* usage();

}
