// The kiosk's command line. Every device is chosen here at run time, so the
// same binary runs on a kiosk and on a laptop with simulators.
#pragma once

#include "kiosk/core/result.hpp"
#include "kiosk/core/session.hpp"
#include "ui/kiosk_ui.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace guichet {

struct KioskOptions {
    std::filesystem::path catalogue;
    std::filesystem::path communes;
    std::filesystem::path data { "var/data" };
    std::string printer { "pdf:var/receipts" };
    ui::UiOptions ui;
    std::optional<std::filesystem::path> scenario;
    SessionConfig session;
    int bench_frames { 0 };
    bool exit_after_first_frame { false };
    bool help { false };
};

Result<KioskOptions> parse_options(int argc, char** argv);
char const* usage();

}
