// `kioskctl printer`: what a technician needs at a kiosk whose receipts do
// not come out. `status` reads the CUPS queue's state as the kiosk sees it
// and says what to do; `test` prints a test receipt through the same code
// as the kiosk, with a fresh random code printed on stdout too, so that the
// paper can be compared with the screen.
#include "commands.hpp"

#include "drivers/print/cups_printer.hpp"

#include "kiosk/core/receipt.hpp"
#include "kiosk/main/system_clock.hpp"

#include <cups/ipp.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

namespace guichet::kioskctl {

namespace {

constexpr char const* printer_usage = R"(Usage:
  kioskctl printer status [--printer QUEUE] [--json]
  kioskctl printer test [--printer QUEUE] [--a4] [--wait SECONDS] [--json]

  printer status  Reads the receipt printer's CUPS queue (printer-state,
                  printer-state-reasons, accepting jobs) and says whether the
                  kiosk can print, and what to do if not. Exit status 0 when
                  receipts can be printed (ready or degraded), 1 when not.
  printer test    Prints a test receipt with a fresh random tracking code,
                  printed on stdout too, then follows the job until CUPS says
                  it completed. Exit status 0 when printed, 1 when not.

Options:
  --printer QUEUE  The CUPS queue (default: CUPS's default destination). The
                   server comes from CUPS_SERVER or client.conf, as for the kiosk.
  --a4             Print the A4 layout instead of the 80 mm roll.
  --wait SECONDS   How long `test` follows the job (default 30).
  --json           One JSON object on stdout instead of lines for a person.
)";

int usage(std::string const& message)
{
    std::fprintf(stderr, "kioskctl: %s\n\n%s", message.c_str(), printer_usage);
    return 2;
}

struct Options {
    print::CupsSettings settings;
    bool json { false };
    int wait_seconds { 30 };
};

nlohmann::json state_json(print::QueueReport const& report, PrinterState const& state)
{
    nlohmann::json problems = nlohmann::json::array();
    for (auto problem : state.problems)
        problems.push_back({ { "problem", to_string(problem) }, { "advice", technician_message(problem) } });
    return {
        { "queue", report.queue },
        { "condition", to_string(state.condition) },
        { "problems", problems },
        { "cups",
            { { "reachable", report.reachable }, { "exists", report.exists }, { "printer_state", report.state },
                { "accepting_jobs", report.accepting }, { "reasons", report.reasons } } },
    };
}

int status(Options const& options)
{
    print::CupsPrinter printer(options.settings);
    auto report = printer.query();
    auto state = printer_state_of(print::problems_of(report));
    if (options.json) {
        std::printf("%s\n", state_json(report, state).dump().c_str());
    } else {
        std::printf("queue: %s\n", report.queue.empty() ? "(none)" : report.queue.c_str());
        std::printf("state: %s\n", describe(state).c_str());
        for (auto problem : state.problems)
            std::printf("  - %.*s\n", int(technician_message(problem).size()), technician_message(problem).data());
    }
    return state.can_print() ? 0 : 1;
}

char const* job_state_name(int state)
{
    switch (state) {
    case IPP_JSTATE_PENDING:
        return "pending";
    case IPP_JSTATE_HELD:
        return "held";
    case IPP_JSTATE_PROCESSING:
        return "processing";
    case IPP_JSTATE_STOPPED:
        return "stopped";
    case IPP_JSTATE_CANCELED:
        return "canceled";
    case IPP_JSTATE_ABORTED:
        return "aborted";
    case IPP_JSTATE_COMPLETED:
        return "completed";
    }
    return state < 0 ? "unreachable" : "unknown";
}

int test(Options const& options)
{
    std::random_device random;
    std::uint64_t serial = ((std::uint64_t(random()) << 32) | random()) % TrackingCode::serial_space;
    std::uint64_t key = (std::uint64_t(random()) << 32) | random();
    auto code = TrackingCode::from_serial(serial, key);
    SystemClock clock;
    ReceiptSettings settings;
    auto receipt = make_receipt(settings, "Test de l'imprimante", "Reçu de test",
        "Ce reçu vérifie l'imprimante de la borne. Il ne correspond à aucune démarche.", code, clock.unix_seconds());

    print::CupsPrinter printer(options.settings);
    auto started = std::chrono::steady_clock::now();
    auto submitted = printer.submit(receipt);
    if (!submitted) {
        auto state = printer.state();
        if (options.json) {
            std::printf("%s\n",
                nlohmann::json { { "code", code.display() }, { "printed", false }, { "error", submitted.error().code },
                    { "detail", submitted.error().detail }, { "condition", describe(state) } }
                    .dump()
                    .c_str());
        } else {
            std::printf("code: %s\n", code.display().c_str());
            std::fprintf(stderr, "kioskctl: not printed: %s: %s\n", submitted.error().code.c_str(),
                submitted.error().detail.c_str());
            for (auto problem : state.problems)
                std::fprintf(
                    stderr, "  - %.*s\n", int(technician_message(problem).size()), technician_message(problem).data());
        }
        return 1;
    }
    if (!options.json)
        std::printf("code: %s\njob: %d on %s (rendered in %.1f ms, accepted in %.1f ms)\n", code.display().c_str(),
            submitted.value().job, submitted.value().queue.c_str(), submitted.value().render_ms,
            submitted.value().submit_ms);
    std::fflush(stdout);

    // Followed like the kiosk follows a receipt, but for a bounded time: a
    // technician wants an answer, and the job stays queued if it is late.
    int state = 0;
    auto deadline = started + std::chrono::seconds(options.wait_seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        state = printer.job_state(submitted.value().job);
        if (state == IPP_JSTATE_COMPLETED || state == IPP_JSTATE_CANCELED || state == IPP_JSTATE_ABORTED)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    double total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    bool printed = state == IPP_JSTATE_COMPLETED;
    if (options.json) {
        std::printf("%s\n",
            nlohmann::json { { "code", code.display() }, { "printed", printed }, { "job", submitted.value().job },
                { "queue", submitted.value().queue }, { "job_state", job_state_name(state) },
                { "render_ms", submitted.value().render_ms }, { "submit_ms", submitted.value().submit_ms },
                { "total_ms", total_ms } }
                .dump()
                .c_str());
    } else {
        std::printf("job state: %s after %.0f ms\n", job_state_name(state), total_ms);
        if (!printed) {
            for (auto problem : printer.state().problems)
                std::printf("  - %.*s\n", int(technician_message(problem).size()), technician_message(problem).data());
        }
    }
    return printed ? 0 : 1;
}

}

int printer_command(std::vector<std::string_view> const& arguments)
{
    if (arguments.empty())
        return usage("printer needs a sub-command: status or test");
    if (arguments[0] == "--help" || arguments[0] == "-h") {
        std::fputs(printer_usage, stdout);
        return 0;
    }
    Options options;
    for (std::size_t i = 1; i < arguments.size(); ++i) {
        auto argument = arguments[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= arguments.size())
                return std::nullopt;
            return std::string(arguments[++i]);
        };
        if (argument == "--help" || argument == "-h") {
            std::fputs(printer_usage, stdout);
            return 0;
        } else if (argument == "--json") {
            options.json = true;
        } else if (argument == "--a4") {
            options.settings.layout = print::PaperLayout::A4;
        } else if (argument == "--printer") {
            auto queue = value();
            if (!queue || queue->empty())
                return usage("--printer needs a queue name");
            options.settings.queue = *queue;
        } else if (argument == "--wait") {
            auto seconds = value();
            try {
                options.wait_seconds = seconds ? std::stoi(*seconds) : -1;
            } catch (...) {
                options.wait_seconds = -1;
            }
            if (options.wait_seconds < 0)
                return usage("--wait needs a number of seconds");
        } else {
            return usage("unknown option " + std::string(argument));
        }
    }
    if (arguments[0] == "status")
        return status(options);
    if (arguments[0] == "test")
        return test(options);
    return usage("unknown printer sub-command " + std::string(arguments[0]));
}

}
