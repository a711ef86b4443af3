// The kiosk's self-test: is each device there and working, and if not, what
// should the technician do? `kioskctl selftest` prints it; the first-boot
// wizard shows it live. Each check reads the devices as the kiosk would
// with the settings in force (kioskctl config), and never prints, speaks
// aloud or touches the resident's data.
//
//   reader   the PC/SC reader (pcscd) the kiosk would choose
//   printer  the CUPS queue's state, as `kioskctl printer status`
//   speech   espeak-ng's French voice, and a sound card to play it
//   display  a connected screen (DRM) and a touchscreen (evdev)
//   hub      the hub answers and accepts this kiosk's identity
//   clock    the kiosk's clock against the hub's (or, offline, sane)
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::provisioning {

enum class CheckStatus {
    Pass,
    Warn, // works, but not as a kiosk should (a simulator, paper low)
    Fail,
    Skip, // not configured on purpose (card none)
};
char const* to_string(CheckStatus status);

struct CheckResult {
    std::string check; // "reader"
    CheckStatus status { CheckStatus::Fail };
    // What was found and, when it is not right, what to do: one French
    // sentence for the technician ("Aucun lecteur détecté : vérifiez le
    // câble USB du lecteur de cartes.").
    std::string message;
    nlohmann::json detail = nlohmann::json::object(); // for --json and diag
};

struct SelfTestSettings {
    std::string card { "pcsc" }; // the settings in force (kioskctl config)
    std::string printer { "cups" };
    std::string speech { "sdl" };
    std::filesystem::path data; // identity.json, for hub and clock
    // Where /sys and /proc are read (display, sound): "/" on a kiosk; a
    // prepared tree in tests.
    std::filesystem::path system_root { "/" };
    // How long the hub has to answer.
    int hub_timeout_ms { 5000 };
};

// Every check's name, in the order `all` runs them.
std::span<std::string_view const> check_names();

// Runs checks; asks the hub at most once for both hub and clock.
class SelfTest {
public:
    explicit SelfTest(SelfTestSettings settings);
    ~SelfTest();
    // "reader" ... "clock"; nullopt for an unknown name.
    std::optional<CheckResult> run(std::string_view check);

private:
    struct HubProbe;
    HubProbe const& probe_hub();
    CheckResult reader();
    CheckResult printer();
    CheckResult speech();
    CheckResult display();
    CheckResult hub();
    CheckResult clock();

    SelfTestSettings m_settings;
    std::unique_ptr<HubProbe> m_hub;
};

// What the kiosk is, read from its data folder: `kioskctl status` prints
// it, the technician screens show it.
struct KioskFacts {
    bool enrolled { false };
    std::string identity_error; // when not enrolled: "identity.missing"...
    std::string kiosk_id;
    std::string site_id;
    std::string site_name;
    std::string hub_url;
    std::int64_t enrolled_at { 0 };
    std::string catalogue; // the installed one's version, or "shipped"
    std::string os; // /etc/os-release's PRETTY_NAME
    std::string kernel;
    std::optional<std::size_t> outbox_depth; // none: not enrolled, or the store did not read
    std::optional<std::size_t> usage_depth;
    std::int64_t last_sync_at { 0 };
};
KioskFacts read_kiosk_facts(std::filesystem::path const& data);

// A time in the kiosk's time zone, as strftime's `format`; "jamais" for 0
// (a sync that never happened).
std::string format_local_time(std::int64_t unix_seconds, char const* format = "%d/%m/%Y %H:%M:%S");

}
