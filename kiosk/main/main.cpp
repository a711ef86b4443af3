// The composition root: reads the options, builds the real or simulated
// devices, the store and the session, and hands them to the UI. It wires;
// it decides nothing about démarches or screens.
#include "drivers/card/card_service.hpp"
#include "drivers/print/cups_printer.hpp"
#include "drivers/print/printer_watch.hpp"
#include "drivers/print/receipt_device.hpp"
#include "drivers/speech/espeak_speech.hpp"
#include "drivers/speech/sdl_audio_sink.hpp"
#include "drivers/speech/wav_folder_sink.hpp"
#include "kiosk/core/catalogue_files.hpp"
#include "kiosk/core/communes.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/core/session.hpp"
#include "kiosk/core/slots.hpp"
#include "kiosk/main/commissioner.hpp"
#include "kiosk/main/options.hpp"
#include "kiosk/main/system_clock.hpp"
#include "sync/agent_directory.hpp"
#include "sync/help_channel.hpp"
#include "sync/identity.hpp"
#include "sync/sqlite_store.hpp"
#include "sync/uplink.hpp"
#include "sync/usage_journal.hpp"
#include "ui/kiosk_ui.hpp"

#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

using namespace guichet;

namespace {

// One line a file: a text lacking a language shows in French, which a
// technician should know without reading hundreds of lines.
void log_untranslated(Catalogue const& catalogue)
{
    std::map<std::string, std::pair<std::size_t, std::string>> by_file;
    for (auto const& gap : catalogue.untranslated) {
        auto& [count, first] = by_file[gap.file];
        if (count++ == 0)
            first = gap.json_path + ": " + gap.reason;
    }
    for (auto const& [file, gaps] : by_file)
        log(LogLevel::Warning, "catalogue",
            file + ": " + std::to_string(gaps.first)
                + " text(s) lack a translation and show in French (first: " + gaps.second + ")");
}

void log_to_stderr(LogLevel level, std::string_view component, std::string_view message)
{
    std::time_t now = std::time(nullptr);
    std::tm local {};
    localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &local);
    std::fprintf(stderr, "%s %s %.*s: %.*s\n", stamp, std::string(to_string(level)).c_str(), int(component.size()),
        component.data(), int(message.size()), message.data());
}

// Print jobs end on the printer's worker thread; their outcome reaches the
// session through the UI's queue. The UI exists only once the session does,
// hence this small indirection.
// What arrives before the UI exists (the uplink starts first: a catalogue
// pulled at once) waits here and is handed over on attach.
class PostBox {
public:
    void attach(ui::KioskUi* target)
    {
        std::lock_guard lock(m_mutex);
        m_target = target;
        if (!m_target)
            return;
        for (auto& intent : m_waiting)
            m_target->post(std::move(intent));
        m_waiting.clear();
    }
    void post(Intent intent)
    {
        std::lock_guard lock(m_mutex);
        if (m_target)
            m_target->post(std::move(intent));
        else if (m_waiting.size() < 64)
            m_waiting.push_back(std::move(intent));
    }

private:
    std::mutex m_mutex;
    ui::KioskUi* m_target { nullptr };
    std::vector<Intent> m_waiting;
};

// What the heartbeat says of the devices, kept up to date by their watches.
class PeripheralBoard {
public:
    void set_printer(PrinterState const& state)
    {
        std::lock_guard lock(m_mutex);
        if (state.problems.empty()) {
            m_report.printer = "ready";
            return;
        }
        m_report.printer.clear();
        for (auto problem : state.problems) {
            if (!m_report.printer.empty())
                m_report.printer += ",";
            m_report.printer += to_string(problem);
        }
    }
    void set_card_reader(std::string state)
    {
        std::lock_guard lock(m_mutex);
        m_report.card_reader = std::move(state);
    }
    PeripheralReport report() const
    {
        std::lock_guard lock(m_mutex);
        return m_report;
    }

private:
    mutable std::mutex m_mutex;
    PeripheralReport m_report { "unknown", "none" };
};

// The receipt printer chosen on the command line: CUPS, the PDF-folder
// simulator, or none; the worker that prints without freezing the screen;
// and the watch that reports the printer's state to the session.
class PrinterDevices {
public:
    static Result<std::unique_ptr<PrinterDevices>> create(
        std::string const& spec, PostBox& postbox, PeripheralBoard& board)
    {
        auto devices = std::unique_ptr<PrinterDevices>(new PrinterDevices(postbox, board));
        if (spec.rfind("pdf:", 0) == 0 && spec.size() > 4) {
            devices->m_simulated = std::make_unique<print::PdfFolderPrinter>(spec.substr(4));
            devices->m_device = devices->m_simulated.get();
        } else if (spec == "cups" || (spec.rfind("cups:", 0) == 0 && spec.size() > 5)) {
            print::CupsSettings settings;
            settings.queue = spec.size() > 5 ? spec.substr(5) : "";
            devices->m_cups = std::make_unique<print::CupsPrinter>(settings);
            devices->m_device = devices->m_cups.get();
        } else if (spec == "none") {
            devices->m_device = &devices->m_none;
        } else {
            return Error::make("options.invalid", "unknown printer '" + spec + "' (use cups[:QUEUE], pdf:DIR or none)");
        }
        devices->m_printer = std::make_unique<print::AsyncReceiptPrinter>(
            *devices->m_device, [&postbox](PrintJobId job, PrintOutcome outcome) {
                log(outcome == PrintOutcome::Printed ? LogLevel::Info : LogLevel::Warning, "print",
                    std::string("receipt ") + std::string(to_string(outcome)));
                postbox.post(intent::PrintFinished { job, outcome });
            });
        return devices;
    }

    ReceiptPrinter& printer() { return *m_printer; }

    // Starts watching, once the UI listens: the first state is posted at once.
    void watch()
    {
        auto on_change = [this](PrinterState const& state) {
            m_board.set_printer(state);
            m_postbox.post(intent::PrinterChanged { state });
        };
        if (m_cups)
            m_watch = std::make_unique<print::PrinterWatch>([this] { return m_cups->state(); }, on_change);
        else if (m_simulated)
            m_watch = std::make_unique<print::PrinterWatch>([this] { return m_simulated->state(); }, on_change);
        else
            on_change(printer_state_of({ PrinterProblem::NotConfigured }));
    }

    // `printer out-of-paper` in a scenario, F5/F6 in the demo; `printer
    // cancel` cancels the receipt waiting for it.
    Result<void> act(std::string const& problem)
    {
        if (!m_simulated)
            return Error::make("print.not_simulated", "the printer is not the simulated one (--printer pdf:DIR)");
        if (problem == "cancel") {
            // The job may be on its way to the printer's worker still.
            for (int i = 0; i < 200; ++i) {
                if (m_simulated->cancel())
                    return {};
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            return Error::make("print.nothing_waiting", "no receipt is waiting for the printer");
        }
        std::vector<PrinterProblem> problems;
        if (problem == "out-of-paper")
            problems = { PrinterProblem::OutOfPaper };
        else if (problem == "jam")
            problems = { PrinterProblem::Jammed };
        else if (problem == "offline")
            problems = { PrinterProblem::Offline };
        else if (problem == "paper-low")
            problems = { PrinterProblem::PaperLow };
        else if (problem != "ready")
            return Error::make("print.unknown_problem", "no printer problem named '" + problem + "'");
        m_simulated->set_problems(problems);
        // Said now rather than at the watch's next look, so that a
        // scenario's next line sees it.
        m_board.set_printer(m_simulated->state());
        m_postbox.post(intent::PrinterChanged { m_simulated->state() });
        return {};
    }

private:
    PrinterDevices(PostBox& postbox, PeripheralBoard& board)
        : m_postbox(postbox)
        , m_board(board)
    {
    }

    // --printer none: nothing prints, and the session never submits.
    class NoPrinter final : public print::ReceiptDevice {
    public:
        PrintOutcome print(Receipt const&) override { return PrintOutcome::Offline; }
    };

    PostBox& m_postbox;
    PeripheralBoard& m_board;
    NoPrinter m_none;
    std::unique_ptr<print::PdfFolderPrinter> m_simulated;
    std::unique_ptr<print::CupsPrinter> m_cups;
    print::ReceiptDevice* m_device { nullptr };
    std::unique_ptr<print::AsyncReceiptPrinter> m_printer;
    // Last: stops first, before the devices it asks.
    std::unique_ptr<print::PrinterWatch> m_watch;
};

// The outbox as the session sees it: each saved dossier wakes the uplink,
// so it leaves at once when the hub is there.
class OutboxForSession final : public DossierStore {
public:
    OutboxForSession(DossierStore& store, std::function<void()> saved)
        : m_store(store)
        , m_saved(std::move(saved))
    {
    }
    Result<TrackingCode> save(Dossier const& dossier) override
    {
        auto code = m_store.save(dossier);
        if (code.ok() && m_saved)
            m_saved();
        return code;
    }
    Result<UsageCounts> usage_counts() const override { return m_store.usage_counts(); }
    Result<BookedSlots> booked_slots() const override { return m_store.booked_slots(); }
    Result<std::optional<RequestStatus>> status(TrackingCode const& code) const override
    {
        return m_store.status(code);
    }
    Result<int> draw_desk_number(int day) override { return m_store.draw_desk_number(day); }
    Result<AgentLock> agent_lock() const override { return m_store.agent_lock(); }
    Result<void> set_agent_lock(AgentLock const& lock) override { return m_store.set_agent_lock(lock); }

private:
    DossierStore& m_store;
    std::function<void()> m_saved;
};

// "Suivre ma demande" asks the hub through the uplink; the answer reaches
// the session through the UI's queue.
class HubTracker final : public RequestTracker {
public:
    HubTracker(Uplink& uplink, PostBox& postbox)
        : m_uplink(uplink)
        , m_postbox(postbox)
    {
    }
    void ask(TrackingCode const& code, StatusQueryId query) override
    {
        m_uplink.ask_status(code, [this, query](StatusAnswer answer) {
            if (!answer.ok()) {
                log(LogLevel::Warning, "sync", "request status not asked: " + answer.error().code);
                m_postbox.post(intent::StatusAnswered { query, false, std::nullopt });
                return;
            }
            m_postbox.post(intent::StatusAnswered { query, true, answer.value() });
        });
    }

private:
    Uplink& m_uplink;
    PostBox& m_postbox;
};

// Stands in for the outbox when it could not be opened: every save fails
// with the reason it did not open.
class UnavailableStore final : public DossierStore {
public:
    explicit UnavailableStore(Error error)
        : m_error(std::move(error))
    {
    }
    Result<TrackingCode> save(Dossier const&) override { return m_error; }

private:
    Error m_error;
};

std::optional<std::string> read_file(std::filesystem::path const& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// How far a read has got, as the resident's progress bar shows it.
int percent_of(card::ReadStage stage)
{
    switch (stage) {
    case card::ReadStage::Selecting:
        return 10;
    case card::ReadStage::Authenticating:
        return 30;
    case card::ReadStage::ReadingCom:
        return 60;
    case card::ReadStage::ReadingDg1:
        return 80;
    }
    return 0;
}

// The card reader chosen on the command line: the simulated one, a PC/SC
// reader followed by its monitor, or none. Its news and the reads' ends
// reach the session as intents through the post box.
class CardDevices {
public:
    CardDevices(KioskOptions const& options, Clock const& clock, PostBox& postbox, PeripheralBoard& board)
        : m_postbox(postbox)
        , m_board(board)
    {
        auto on_state = [this](card::ReaderState const& state) { post_state(state); };
        if (options.card == "none")
            return;
        if (options.card == "sim") {
            m_simulated = std::make_unique<card::SimulatedReader>(on_state);
        } else {
            card::ReaderPolicy policy { options.card.size() > 5 ? options.card.substr(5) : "",
                options.card_allow_virtual };
            m_monitor = std::make_unique<card::PcscMonitor>(policy, on_state);
        }
        m_service = std::make_unique<card::CardService>(
            [this]() -> Result<std::unique_ptr<card::CardChannel>> {
                if (m_simulated)
                    return m_simulated->connect();
                auto state = m_monitor->state();
                if (!state.reader)
                    return Error::make("card.no_reader", "no reader matches the configuration");
                auto channel = card::PcscChannel::connect(*state.reader);
                if (!channel.ok())
                    return channel.release_error();
                return std::unique_ptr<card::CardChannel>(channel.release_value());
            },
            [&clock] { return clock.today(); },
            card::CardService::Callbacks { [this](CardReadId id, card::ReadStage stage) {
                                              m_postbox.post(intent::CardReadProgress { id, percent_of(stage) });
                                          },
                [this](CardReadId id, Result<card::EmrtdRead> result) {
                    if (!result.ok()) {
                        // The code and the step, never anything read.
                        log(LogLevel::Warning, "card",
                            "read failed: " + result.error().code + " (" + result.error().detail + ")");
                        m_postbox.post(intent::CardReadFinished { id, nullptr, card_failure_of(result.error().code) });
                        return;
                    }
                    auto& read = result.value();
                    log(LogLevel::Info, "card",
                        "read in " + std::to_string(read.apdus) + " commands, "
                            + std::to_string(read.elapsed.count() / 1000) + " ms");
                    m_postbox.post(intent::CardReadFinished { id, make_card_data(std::move(read.data)), {} });
                    read.wipe();
                },
                [this](CardReadId id, std::string uid) {
                    // The service has logged why when it is empty; the UID
                    // itself names an agent and is never logged.
                    m_postbox.post(intent::BadgeRead { id, std::move(uid) });
                } });
    }

    CardReader* reader() { return m_service.get(); }
    // The state now, once the UI listens: what was published before is lost.
    void announce()
    {
        if (m_simulated)
            post_state(m_simulated->state());
        else if (m_monitor)
            post_state(m_monitor->state());
    }
    Result<void> act(std::string const& verb, std::string const& name)
    {
        if (!m_simulated)
            return Error::make("card.not_simulated", "the card reader is not the simulated one (--card sim)");
        if (verb == "insert") {
            if (!m_simulated->insert(name)) {
                if (name.starts_with(card::badge_prefix))
                    return Error::make(
                        "card.unknown_specimen", "a badge's UID is 4 to 10 bytes in hex, as in badge:04A1B2C3D4E5F6");
                return Error::make(
                    "card.unknown_specimen", "no specimen named '" + name + "' (kioskctl card specimens)");
            }
        } else if (verb == "remove") {
            m_simulated->remove();
        } else if (verb == "unplug" || verb == "plug") {
            m_simulated->set_plugged(verb == "plug");
        }
        return {};
    }

private:
    void post_state(card::ReaderState const& state)
    {
        m_board.set_card_reader(state.reader.has_value() ? "ready" : "absent");
        m_postbox.post(intent::ReaderChanged { state.reader.has_value() });
        m_postbox.post(intent::CardPresence { state.card_present });
    }

    PostBox& m_postbox;
    PeripheralBoard& m_board;
    std::unique_ptr<card::SimulatedReader> m_simulated;
    std::unique_ptr<card::PcscMonitor> m_monitor;
    std::unique_ptr<card::CardService> m_service;
};

// Under systemd (guichet-kiosk.service), how often the UI loop tells the
// watchdog it turns: half the unit's WatchdogSec. The kiosk is cage's child,
// not the unit's main process, so sd_watchdog_enabled() (which checks
// WATCHDOG_PID) would say no: the unit lets every process notify instead.
std::chrono::milliseconds watchdog_interval()
{
    char const* usec = std::getenv("WATCHDOG_USEC");
    if (!usec || !std::getenv("NOTIFY_SOCKET"))
        return std::chrono::milliseconds(0);
    auto const microseconds = std::strtoll(usec, nullptr, 10);
    return std::chrono::milliseconds(microseconds > 2000 ? microseconds / 2000 : 0);
}

int fail(std::string const& message)
{
    log(LogLevel::Error, "kiosk", message);
    return 2;
}

}

// The kiosk as started again once the first-boot wizard has enrolled it:
// the same program with the same options. Done at once, before the window,
// the devices' threads and SDL are torn down: their teardown would race
// with what they still post (an X error ended the kiosk there once), and
// exec ends them all (their descriptors are close-on-exec).
[[noreturn]] void start_again(char** argv)
{
    log(LogLevel::Info, "kiosk", "enrolled: starting again in service");
    // By its own path, not /proc/self/exe: the process keeps its name (ps,
    // pidof, the journal).
    std::error_code error;
    auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    execv(error ? "/proc/self/exe" : self.c_str(), argv);
    log(LogLevel::Error, "kiosk", std::string("cannot start again: ") + std::strerror(errno));
    std::_Exit(1);
}

// The kiosk, until it stops, or starts again after the first-boot wizard.
int serve(int argc, char** argv)
{
    set_log_sink(log_to_stderr);
    // Everything the kiosk writes (outbox, receipts) is for the kiosk's
    // user alone: the outbox holds dossiers until they leave.
    umask(077);
    auto parsed = parse_options(argc, argv);
    if (!parsed) {
        std::fprintf(stderr, "kiosk: %s\n\n%s", parsed.error().detail.c_str(), usage());
        return 2;
    }
    auto options = parsed.release_value();
    if (options.help) {
        std::fputs(usage(), stdout);
        return 0;
    }

    for (auto const& problem : options.config_problems)
        log(LogLevel::Error, "config", problem + "; the file is ignored");

    // A démarche with an error is left out and reported; the kiosk serves
    // the others.
    // A catalogue pulled from the hub (verified when it arrived) replaces
    // the one shipped with the firmware.
    auto catalogue_path = options.catalogue;
    if (auto pulled = Uplink::current_catalogue(options.data / "catalogue")) {
        log(LogLevel::Info, "catalogue", "using the hub's catalogue " + pulled->filename().string().substr(0, 12));
        catalogue_path = *pulled;
    }
    LoadOptions load_options { .strict_languages = options.strict_languages };
    auto catalogue = load_catalogue_files(catalogue_path, std::nullopt, load_options);
    for (auto const& error : catalogue.errors)
        log(LogLevel::Error, "catalogue", error.to_string());
    log_untranslated(catalogue);
    log(LogLevel::Info, "catalogue",
        std::to_string(catalogue.demarches.size()) + " démarche(s) loaded from " + catalogue_path.string());

    // Without the list of communes, addresses still work: the postcode is
    // checked for its shape and the commune is typed.
    CommuneIndex communes;
    if (auto text = read_file(options.communes)) {
        if (auto parsed_communes = CommuneIndex::parse(*text)) {
            communes = parsed_communes.release_value();
            log(LogLevel::Info, "communes", std::to_string(communes.size()) + " postcode-commune pairs loaded");
        } else {
            log(LogLevel::Error, "communes",
                options.communes.string() + ": " + parsed_communes.error().detail + "; communes will be typed");
        }
    } else {
        log(LogLevel::Error, "communes", "cannot read " + options.communes.string() + "; communes will be typed");
    }
    options.session.communes = &communes;

    // Until the central services publish appointment slots (sync), the
    // site's week: without it, appointments cannot be booked here.
    // The hub's week, once it sent one, replaces the one shipped.
    SlotSchedule slots;
    auto slots_path = options.slots;
    if (std::filesystem::exists(options.data / "slots.json"))
        slots_path = options.data / "slots.json";
    if (auto text = read_file(slots_path)) {
        if (auto parsed_slots = SlotSchedule::parse(*text)) {
            slots = parsed_slots.release_value();
            options.session.slots = &slots;
        } else {
            log(LogLevel::Error, "slots", slots_path.string() + ": " + parsed_slots.error().detail);
        }
    } else {
        log(LogLevel::Warning, "slots", "cannot read " + slots_path.string() + "; no appointment can be booked");
    }

    // Not enrolled, the kiosk has no hub key to seal dossiers to: it opens
    // the first-boot wizard. An identity that does not load is not for the
    // wizard to replace: the kiosk says it is out of service, and the log
    // why (kioskctl factory-reset, then enroll again).
    auto identity_path = options.identity.empty() ? options.data / identity_file_name : options.identity;
    std::optional<KioskIdentity> identity;
    bool not_enrolled = false;
    if (auto loaded = load_identity(identity_path)) {
        identity = loaded.release_value();
        log(LogLevel::Info, "sync", "kiosk " + identity->kiosk_id + " of site " + identity->site_id);
    } else {
        not_enrolled = loaded.error().code == "identity.missing";
        log(LogLevel::Error, "sync",
            loaded.error().code + ": " + loaded.error().detail
                + (not_enrolled ? ": the first-boot wizard opens"
                                : ": no démarche is taken here (kioskctl factory-reset, then enroll again)"));
    }

    // Without an outbox the kiosk stays up and says it is out of service:
    // a dead screen tells the resident nothing, and the technician finds
    // the reason in the log.
    std::unique_ptr<DossierStore> store;
    std::optional<Error> store_error;
    if (!identity) {
        store_error = Error::make("store.not_enrolled", "the kiosk is not enrolled");
        store = std::make_unique<UnavailableStore>(*store_error);
    } else if (auto opened = SqliteStore::open(options.data / "kiosk.db", identity->hub_box_public_key)) {
        store = opened.release_value();
    } else {
        store_error = opened.release_error();
        log(LogLevel::Error, "store",
            "cannot open the outbox in " + options.data.string() + ": " + store_error->code + " " + store_error->detail
                + "; the kiosk is out of service");
        store = std::make_unique<UnavailableStore>(*store_error);
    }

    PostBox postbox;
    PeripheralBoard board;
    auto printers = PrinterDevices::create(options.printer, postbox, board);
    if (!printers)
        return fail(printers.error().detail);

    // The site's desk agents, for agent mode: as last pulled from the hub,
    // then as the uplink pulls them again.
    std::unique_ptr<HubAgentDirectory> agents;
    if (identity) {
        agents = std::make_unique<HubAgentDirectory>(
            [&postbox](AgentCheckId id, std::optional<AgentIdentity> agent, std::string consent) {
                postbox.post(intent::AgentChecked { id, std::move(agent), std::move(consent) });
            });
        if (std::filesystem::exists(options.data / "agents.json")) {
            if (auto loaded = agents->load_file(options.data / "agents.json"); !loaded)
                log(LogLevel::Error, "agent", "the kept list of agents does not load: " + loaded.error().code);
        }
    }

    // The uplink pushes the outbox to the hub on threads of its own.
    std::unique_ptr<Uplink> uplink;
    if (identity && !store_error) {
        UplinkSettings settings;
        settings.store_path = options.data / "kiosk.db";
        settings.catalogue_root = options.data / "catalogue";
        settings.slots_file = options.data / "slots.json";
        settings.agents_file = options.data / "agents.json";
        settings.software_version = GUICHET_VERSION;
        uplink = std::make_unique<Uplink>(*identity, settings,
            Uplink::Callbacks {
                // The help panel offers a remote mediator while the hub
                // answers: it is redrawn when that changes.
                [&postbox, reachable = std::make_shared<std::atomic<bool>>(false)](UplinkState const& state) {
                    if (reachable->exchange(state.reachable) != state.reachable)
                        postbox.post(intent::HelpLineChanged {});
                },
                // Loaded here, on the uplink's thread; the session takes it
                // when no resident is using the kiosk.
                [&postbox, load_options](std::filesystem::path const& folder) {
                    auto arrived
                        = std::make_shared<Catalogue>(load_catalogue_files(folder, std::nullopt, load_options));
                    if (!arrived->errors.empty()) {
                        log(LogLevel::Error, "catalogue",
                            "the hub's new catalogue does not load here; kept the old one");
                        return;
                    }
                    log_untranslated(*arrived);
                    postbox.post(intent::CatalogueArrived { std::move(arrived) });
                },
                [&board] { return board.report(); },
                [&postbox](std::string const& text) {
                    if (auto parsed = SlotSchedule::parse(text))
                        postbox.post(intent::SlotsArrived { std::make_shared<SlotSchedule>(parsed.release_value()) });
                },
                [&agents](std::string const& text) {
                    if (auto loaded = agents->load(text); !loaded)
                        log(LogLevel::Error, "agent", "the hub's list of agents does not load: " + loaded.error().code);
                },
            });
    }
    // Remote help goes to the hub on the help line's own threads; offered
    // while the uplink's last exchange with the hub succeeded.
    std::unique_ptr<HelpChannel> help_line;
    if (uplink) {
        help_line = std::make_unique<HelpChannel>(
            *identity, [&postbox](HelpNews news) { postbox.post(intent::HelpNewsArrived { std::move(news) }); },
            [&uplink] { return uplink->state().reachable; });
    }
    // Usage figures (anonymous events) go to the store on the journal's
    // thread, and to the hub with the uplink.
    std::unique_ptr<UsageJournal> usage;
    if (identity && !store_error)
        usage = std::make_unique<UsageJournal>(options.data / "kiosk.db");
    OutboxForSession outbox(*store, [&uplink] {
        if (uplink)
            uplink->wake();
    });

    SystemClock system_clock;
    // Scenarios move time by hand, from now: receipts still carry a real date.
    ManualClock manual_clock(options.scenario_start.value_or(system_clock.unix_seconds()));
    Clock const& clock = options.scenario ? static_cast<Clock const&>(manual_clock) : system_clock;
    CardDevices cards(options, clock, postbox, board);
    Session session(catalogue, clock, outbox, printers.value()->printer(), options.session);
    // Not enrolled: the first-boot wizard, on the same screen. Its end
    // starts the kiosk again, which then finds its identity. Enrolled: the
    // technician screens, behind a technician's PIN.
    ui::KioskUi* running_ui = nullptr;
    std::unique_ptr<KioskCommissioner> commissioner;
    {
        CommissionerSettings settings;
        settings.data = options.data;
        settings.hub_ca = options.hub_ca;
        settings.software_version = GUICHET_VERSION;
        settings.checks.data = options.data;
        settings.checks.card = options.card;
        settings.checks.printer = options.printer;
        settings.checks.speech = options.speech;
        commissioner = std::make_unique<KioskCommissioner>(
            settings, [&postbox](Intent intent) { postbox.post(std::move(intent)); },
            [&running_ui, scenario = options.scenario.has_value()] {
                if (running_ui && !scenario)
                    running_ui->quit();
            });
        if (not_enrolled)
            session.start_setup(*commissioner, options.hub_url);
        else
            session.set_commissioner(commissioner.get());
    }
    session.set_card_reader(cards.reader());
    session.set_help_line(help_line.get());
    session.set_agent_directory(agents.get());
    session.set_usage_log(usage.get());
    std::optional<HubTracker> tracker;
    if (uplink) {
        tracker.emplace(*uplink, postbox);
        session.set_request_tracker(&*tracker);
    }
    session.set_out_of_service(store_error.has_value());
    if (auto counts = store->usage_counts())
        session.set_usage_counts(counts.release_value());
    else
        log(LogLevel::Warning, "store", "usage counts not read: " + counts.error().code);

    std::vector<ui::Action> scenario;
    if (options.scenario) {
        std::ifstream in(*options.scenario);
        if (!in)
            return fail("cannot read scenario " + options.scenario->string());
        std::ostringstream text;
        text << in.rdbuf();
        auto actions = ui::parse_scenario(text.str());
        if (!actions)
            return fail(options.scenario->string() + ": " + actions.error().detail);
        scenario = actions.release_value();
    }

    // A language whose table is missing or broken shows French: the
    // resident still gets through, and the log says why.
    for (auto const& problem : load_translation_files(options.texts, options.ui.translations))
        log(LogLevel::Warning, "texts", problem);
    auto created = ui::KioskUi::create(options.ui, session, clock);
    if (!created)
        return fail("cannot start the screen: " + created.error().code + " " + created.error().detail);
    auto& kiosk_ui = *created.value();
    running_ui = &kiosk_ui;
    postbox.attach(&kiosk_ui);
    // The voice, on its own thread; the screen only says what to say.
    std::unique_ptr<speech::SpeechSink> speech_sink;
    if (options.speech == "sdl")
        speech_sink = std::make_unique<speech::SdlAudioSink>();
    else if (options.speech.starts_with("wav:"))
        speech_sink = std::make_unique<speech::WavFolderSink>(options.speech.substr(4));
    std::unique_ptr<speech::EspeakSpeech> voice;
    if (speech_sink) {
        voice = std::make_unique<speech::EspeakSpeech>(*speech_sink);
        kiosk_ui.set_speech(voice.get());
    }
    cards.announce();
    printers.value()->watch();
    kiosk_ui.set_screen_report([&help_line](ScreenState const& screen) {
        if (help_line)
            help_line->report(screen);
    });
    kiosk_ui.set_device_hook([&cards, &printers](std::string const& verb, std::string const& name) {
        if (verb == "printer")
            return printers.value()->act(name);
        return cards.act(verb, name);
    });

    // systemd: ready once the first frame shows, then the watchdog's beats
    // (nothing is sent outside systemd: no NOTIFY_SOCKET).
    auto const watchdog_every = watchdog_interval();
    kiosk_ui.set_heartbeat(
        [ready = false, watchdog = watchdog_every.count() > 0]() mutable {
            if (!ready) {
                ready = true;
                sd_notify(0, "READY=1\nSTATUS=The first frame is on the screen"); // verbatim: for systemd
                log(LogLevel::Info, "kiosk", "ready");
            }
            if (watchdog)
                sd_notify(0, "WATCHDOG=1");
        },
        watchdog_every);

    int status = 0;
    if (options.scenario) {
        status = kiosk_ui.run_scenario(scenario, manual_clock);
    } else if (options.exit_after_first_frame) {
        kiosk_ui.show_first_frame();
    } else if (options.bench_frames == 0) {
        status = kiosk_ui.run();
    }
    // After a scenario, the benchmark measures the screen it ended on.
    if (options.bench_frames > 0 && status == 0)
        std::printf(
            "frame-ms %.3f renderer %s\n", kiosk_ui.measure_frames(options.bench_frames), kiosk_ui.renderer_name());
    // Before the journal closes: a démarche left half done is counted.
    session.stop();
    postbox.attach(nullptr);
    running_ui = nullptr;
    if (commissioner && commissioner->finished() && !options.scenario)
        start_again(argv);
    return status;
}

int main(int argc, char** argv)
{
    return serve(argc, argv);
}
