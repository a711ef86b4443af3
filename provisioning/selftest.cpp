#include "provisioning/selftest.hpp"

#include "drivers/card/pcsc.hpp"
#include "drivers/print/cups_printer.hpp"
#include "drivers/speech/espeak_speech.hpp"
#include "kiosk/core/printer.hpp"
#include "sync/hub_client.hpp"
#include "sync/identity.hpp"
#include "sync/sqlite_store.hpp"
#include "sync/uplink.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <ctime>
#include <fstream>
#include <sstream>

namespace guichet::provisioning {

namespace {

constexpr std::array<std::string_view, 6> names { "reader", "printer", "speech", "display", "hub", "clock" };

// No kiosk runs before this software was written (2026-01-01): a clock
// earlier than that lost its time (a flat motherboard battery, no NTP).
constexpr std::time_t earliest_sane_time = 1767225600;

CheckResult result(std::string_view check, CheckStatus status, std::string message, nlohmann::json detail = {})
{
    return CheckResult { std::string(check), status, std::move(message),
        detail.is_null() ? nlohmann::json::object() : std::move(detail) };
}

std::optional<std::string> read_text(std::filesystem::path const& path)
{
    std::ifstream in(path);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string trimmed(std::string text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

// The lowest word of an evdev bitmap as /proc/bus/input/devices writes it
// ("B: ABS=3 0" is two words, the last the lowest).
unsigned long long lowest_word(std::string const& bitmap)
{
    auto space = bitmap.find_last_of(' ');
    auto word = space == std::string::npos ? bitmap : bitmap.substr(space + 1);
    return std::strtoull(word.c_str(), nullptr, 16);
}

struct InputDevices {
    std::vector<std::string> touchscreens;
    std::vector<std::string> pointers;
};

// Touchscreens are direct-input devices with absolute axes
// (INPUT_PROP_DIRECT); a mouse or a tablet only points.
InputDevices input_devices(std::string const& text)
{
    InputDevices found;
    std::istringstream lines(text + "\n\n");
    std::string line, name, handlers;
    unsigned long long properties = 0, absolute = 0;
    bool any = false;
    while (std::getline(lines, line)) {
        if (line.empty()) {
            if (any) {
                if ((properties & 0x2) && absolute)
                    found.touchscreens.push_back(name);
                else if (handlers.find("mouse") != std::string::npos)
                    found.pointers.push_back(name);
            }
            name.clear();
            handlers.clear();
            properties = absolute = 0;
            any = false;
            continue;
        }
        any = true;
        if (line.starts_with("N: Name=")) {
            name = line.substr(8);
            if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
                name = name.substr(1, name.size() - 2);
        } else if (line.starts_with("H: Handlers=")) {
            handlers = line.substr(12);
        } else if (line.starts_with("B: PROP=")) {
            properties = lowest_word(trimmed(line.substr(8)));
        } else if (line.starts_with("B: ABS=")) {
            absolute = lowest_word(trimmed(line.substr(7)));
        }
    }
    return found;
}

}

char const* to_string(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Pass:
        return "pass";
    case CheckStatus::Warn:
        return "warn";
    case CheckStatus::Fail:
        return "fail";
    case CheckStatus::Skip:
        return "skip";
    }
    return "fail";
}

std::span<std::string_view const> check_names()
{
    return names;
}

struct SelfTest::HubProbe {
    bool enrolled { false };
    std::string identity_error; // "identity.missing", ...
    std::string hub_url;
    HubCheck check; // once enrolled
};

SelfTest::SelfTest(SelfTestSettings settings)
    : m_settings(std::move(settings))
{
}

SelfTest::~SelfTest() = default;

std::optional<CheckResult> SelfTest::run(std::string_view check)
{
    if (check == "reader")
        return reader();
    if (check == "printer")
        return printer();
    if (check == "speech")
        return speech();
    if (check == "display")
        return display();
    if (check == "hub")
        return hub();
    if (check == "clock")
        return clock();
    return std::nullopt;
}

CheckResult SelfTest::reader()
{
    constexpr std::string_view check = "reader";
    auto const& card = m_settings.card;
    if (card == "none")
        return result(check, CheckStatus::Skip, "Aucun lecteur de cartes n'est configuré (card = none).");
    if (card == "sim")
        return result(check, CheckStatus::Warn,
            "Le lecteur est simulé (card = sim) : sur une borne, kioskctl config set card pcsc.");
    auto readers = card::list_readers();
    if (!readers) {
        if (readers.error().code == "card.no_service")
            return result(check, CheckStatus::Fail,
                "Le service des lecteurs de cartes (pcscd) ne répond pas : redémarrez la borne, ou systemctl "
                "restart pcscd.",
                { { "error", readers.error().code } });
        return result(check, CheckStatus::Fail,
            "Les lecteurs de cartes ne peuvent pas être lus (" + readers.error().code + ") : redémarrez la borne.",
            { { "error", readers.error().code } });
    }
    std::string pattern = card.size() > 5 ? card.substr(5) : "";
    // As the kiosk chooses: a virtual reader only when the setting names it.
    card::ReaderPolicy policy { pattern, !pattern.empty() && card::is_virtual_reader(pattern) };
    auto chosen = card::choose_reader(readers.value(), policy);
    nlohmann::json detail { { "readers", readers.value() }, { "pattern", pattern } };
    if (!chosen) {
        if (!readers.value().empty() && !pattern.empty())
            return result(check, CheckStatus::Fail,
                "Aucun lecteur ne correspond à « " + pattern + " » : vérifiez le réglage card (kioskctl config).",
                detail);
        return result(
            check, CheckStatus::Fail, "Aucun lecteur détecté : vérifiez le câble USB du lecteur de cartes.", detail);
    }
    detail["chosen"] = *chosen;
    return result(check, CheckStatus::Pass, "Lecteur de cartes prêt : " + *chosen + ".", detail);
}

CheckResult SelfTest::printer()
{
    constexpr std::string_view check = "printer";
    auto const& printer = m_settings.printer;
    if (printer == "none")
        return result(
            check, CheckStatus::Fail, "Aucune imprimante n'est configurée : kioskctl config set printer cups:FILE.");
    if (printer.starts_with("pdf:")) {
        std::filesystem::path folder = printer.substr(4);
        std::error_code error;
        std::filesystem::create_directories(folder, error);
        bool writable = !error && access(folder.c_str(), W_OK) == 0;
        if (!writable)
            return result(
                check, CheckStatus::Fail, "L'imprimante simulée ne peut pas écrire dans " + folder.string() + ".");
        return result(check, CheckStatus::Warn,
            "L'imprimante est simulée (fichiers PDF) : sur une borne, kioskctl config set printer cups:FILE.",
            { { "folder", folder.string() } });
    }
    print::CupsSettings settings;
    settings.queue = printer.size() > 5 ? printer.substr(5) : "";
    print::CupsPrinter cups(settings);
    auto report = cups.query();
    auto state = printer_state_of(print::problems_of(report));
    nlohmann::json problems = nlohmann::json::array();
    for (auto problem : state.problems)
        problems.push_back(to_string(problem));
    nlohmann::json detail { { "queue", report.queue }, { "condition", to_string(state.condition) },
        { "problems", problems }, { "printer_state", report.state }, { "reasons", report.reasons } };
    std::string queue = report.queue.empty() ? std::string("par défaut") : "« " + report.queue + " »";
    if (state.problems.empty())
        return result(check, CheckStatus::Pass, "Imprimante prête (file " + queue + ").", detail);
    std::string advice;
    for (auto problem : state.problems) {
        if (!advice.empty())
            advice += " ";
        advice += technician_message(problem);
    }
    return result(check, state.can_print() ? CheckStatus::Warn : CheckStatus::Fail, advice, detail);
}

CheckResult SelfTest::speech()
{
    constexpr std::string_view check = "speech";
    auto const& speech = m_settings.speech;
    if (speech == "none")
        return result(check, CheckStatus::Skip, "La voix est coupée (speech = none).");
    // The French voice, spoken into a file that is removed at once.
    char name[] = "/tmp/guichet-selftest-XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0)
        return result(check, CheckStatus::Fail, "Le test de la voix ne peut pas écrire dans /tmp.");
    close(fd);
    auto spoken = speech::render_wav("Bonjour", "fr", name);
    std::filesystem::remove(name);
    if (!spoken || spoken.value().samples == 0)
        return result(check, CheckStatus::Fail,
            "La voix française ne parle pas : réinstallez espeak-ng-data (apt install --reinstall espeak-ng-data).",
            { { "error", spoken ? std::string("speech.silent") : spoken.error().code } });
    nlohmann::json detail { { "voice", spoken.value().voice }, { "seconds", spoken.value().seconds } };
    if (speech.starts_with("wav:"))
        return result(check, CheckStatus::Warn,
            "La voix est simulée (fichiers WAV) : sur une borne, kioskctl config set speech sdl.", detail);
    // A sound card that plays: ALSA lists its devices in /proc/asound/pcm.
    auto pcm = read_text(m_settings.system_root / "proc/asound/pcm").value_or("");
    std::vector<std::string> outputs;
    std::istringstream lines(pcm);
    for (std::string line; std::getline(lines, line);)
        if (line.find("playback") != std::string::npos)
            outputs.push_back(line.substr(0, line.find(" : playback")));
    detail["outputs"] = outputs;
    if (outputs.empty())
        return result(check, CheckStatus::Fail,
            "Aucune sortie son détectée : branchez les haut-parleurs et vérifiez leur câble.", detail);
    return result(check, CheckStatus::Pass, "La voix française parle, sur " + outputs.front() + ".", detail);
}

CheckResult SelfTest::display()
{
    constexpr std::string_view check = "display";
    // Connectors: /sys/class/drm/card0-HDMI-A-1/status is "connected".
    std::vector<std::string> screens;
    std::error_code error;
    for (auto const& entry : std::filesystem::directory_iterator(m_settings.system_root / "sys/class/drm", error)) {
        auto name = entry.path().filename().string();
        if (!name.starts_with("card") || name.find('-') == std::string::npos)
            continue;
        if (trimmed(read_text(entry.path() / "status").value_or("")) == "connected")
            screens.push_back(name.substr(name.find('-') + 1));
    }
    std::sort(screens.begin(), screens.end());
    auto inputs = input_devices(read_text(m_settings.system_root / "proc/bus/input/devices").value_or(""));
    nlohmann::json detail { { "screens", screens }, { "touchscreens", inputs.touchscreens },
        { "pointers", inputs.pointers } };
    if (screens.empty())
        return result(check, CheckStatus::Fail,
            "Aucun écran détecté : vérifiez le câble vidéo (HDMI ou DisplayPort) et que l'écran est allumé.", detail);
    if (!inputs.touchscreens.empty())
        return result(check, CheckStatus::Pass,
            "Écran " + screens.front() + " et dalle tactile « " + inputs.touchscreens.front() + " » détectés.", detail);
    if (!inputs.pointers.empty())
        return result(check, CheckStatus::Warn,
            "Écran " + screens.front() + " détecté, mais pas de dalle tactile (seulement « " + inputs.pointers.front()
                + " ») : vérifiez le câble USB de la dalle tactile.",
            detail);
    return result(check, CheckStatus::Fail,
        "Écran " + screens.front() + " détecté, mais aucune dalle tactile : vérifiez le câble USB de la dalle tactile.",
        detail);
}

SelfTest::HubProbe const& SelfTest::probe_hub()
{
    if (m_hub)
        return *m_hub;
    m_hub = std::make_unique<HubProbe>();
    auto identity = load_identity(m_settings.data / identity_file_name);
    if (!identity) {
        m_hub->identity_error = identity.error().code;
        return *m_hub;
    }
    m_hub->enrolled = true;
    m_hub->hub_url = identity.value().hub_url;
    m_hub->check = check_hub(identity.value(), std::chrono::milliseconds(m_settings.hub_timeout_ms));
    return *m_hub;
}

CheckResult SelfTest::hub()
{
    constexpr std::string_view check = "hub";
    auto const& probe = probe_hub();
    if (!probe.enrolled) {
        if (probe.identity_error == "identity.missing")
            return result(check, CheckStatus::Fail,
                "La borne n'est pas enrôlée : terminez l'assistant de mise en service, ou kioskctl enroll.");
        return result(check, CheckStatus::Fail,
            "L'identité de la borne est illisible : kioskctl factory-reset, puis enrôlez-la de nouveau.",
            { { "error", probe.identity_error } });
    }
    nlohmann::json detail { { "hub_url", probe.hub_url }, { "error", probe.check.error } };
    if (probe.check.accepted)
        return result(check, CheckStatus::Pass, "Le hub " + probe.hub_url + " répond et accepte la borne.", detail);
    if (probe.check.error == "auth.revoked")
        return result(check, CheckStatus::Fail,
            "Le hub a révoqué cette borne : kioskctl factory-reset, puis enrôlez-la avec un nouveau code.", detail);
    if (probe.check.error == "hub.tls")
        return result(check, CheckStatus::Fail,
            "Le certificat du hub n'est pas reconnu : vérifiez l'adresse du hub et son certificat.", detail);
    if (probe.check.error == "hub.timeout")
        return result(check, CheckStatus::Fail,
            "Le hub ne répond pas à temps : vérifiez le réseau (câble, box, pare-feu).", detail);
    if (!probe.check.answered)
        return result(check, CheckStatus::Fail,
            "Le hub " + probe.hub_url + " ne répond pas : vérifiez le câble réseau, puis que le hub est en service.",
            detail);
    return result(check, CheckStatus::Fail,
        "Le hub refuse la borne (" + probe.check.error + ") : contactez l'administrateur du hub.", detail);
}

CheckResult SelfTest::clock()
{
    constexpr std::string_view check = "clock";
    auto const now = std::time(nullptr);
    auto const text = format_local_time(now, "%d/%m/%Y %H:%M");
    nlohmann::json detail { { "now", static_cast<std::int64_t>(now) } };
    if (now < earliest_sane_time)
        return result(check, CheckStatus::Fail,
            "L'horloge indique le " + text
                + ", une date impossible : vérifiez la pile de la carte mère et l'accès au serveur de temps (NTP).",
            detail);
    auto const& probe = probe_hub();
    if (!probe.check.answered)
        return result(check, CheckStatus::Warn,
            "L'horloge indique le " + text + " ; elle n'a pas pu être comparée à celle du hub, qui ne répond pas.",
            detail);
    detail["offset_s"] = probe.check.clock_offset;
    if (probe.check.clock_offset > 60 || probe.check.clock_offset < -60)
        return result(check, CheckStatus::Fail,
            "L'horloge de la borne diffère de celle du hub de " + std::to_string(probe.check.clock_offset)
                + " s : vérifiez le serveur de temps (NTP) et le fuseau horaire.",
            detail);
    return result(check, CheckStatus::Pass,
        "L'horloge est à l'heure (" + text + ", écart avec le hub : " + std::to_string(probe.check.clock_offset)
            + " s).",
        detail);
}

namespace {

std::string os_name()
{
    std::ifstream in("/etc/os-release");
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("PRETTY_NAME=")) {
            auto value = line.substr(12);
            if (value.size() >= 2 && value.front() == '"')
                value = value.substr(1, value.size() - 2);
            return value;
        }
    }
    return "unknown";
}

}

std::string format_local_time(std::int64_t unix_seconds, char const* format)
{
    if (unix_seconds <= 0)
        return "jamais";
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm local {};
    localtime_r(&t, &local);
    char text[64];
    if (std::strftime(text, sizeof text, format, &local) == 0)
        return {};
    return text;
}

KioskFacts read_kiosk_facts(std::filesystem::path const& data)
{
    KioskFacts facts;
    utsname system {};
    uname(&system);
    facts.kernel = system.release;
    facts.os = os_name();
    auto catalogue = Uplink::current_catalogue(data / "catalogue");
    facts.catalogue = catalogue ? catalogue->filename().string().substr(0, 12) : std::string("shipped");
    auto identity = load_identity(data / identity_file_name);
    if (!identity) {
        facts.identity_error = identity.error().code;
        return facts;
    }
    auto const& id = identity.value();
    facts.enrolled = true;
    facts.kiosk_id = id.kiosk_id;
    facts.site_id = id.site_id;
    facts.site_name = id.site_name;
    facts.hub_url = id.hub_url;
    facts.enrolled_at = id.enrolled_at;
    std::error_code error;
    if (std::filesystem::exists(data / "kiosk.db", error)) {
        if (auto store = SqliteStore::open(data / "kiosk.db", id.hub_box_public_key)) {
            if (auto depth = store.value()->outbox_depth())
                facts.outbox_depth = depth.value();
            if (auto depth = store.value()->usage_depth())
                facts.usage_depth = depth.value();
            if (auto last = store.value()->last_sync_at())
                facts.last_sync_at = last.value();
        }
    }
    return facts;
}

}
