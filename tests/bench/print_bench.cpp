// Benchmarks of the receipt, printed as figures (never asserted). The
// issue's aims: the PDF rendered in under 30 ms, and the job accepted by
// CUPS under 150 ms after the resident's confirmation tap.
//
//   1. the receipt's PDF rendered in memory, 80 mm roll and A4;
//   2. against a real cupsd (tests/print/cups-stack.sh, started in a
//      temporary directory): what the confirmation tap sets off, in the
//      order the session runs it: the dossier written to a real SQLite
//      outbox (WAL, synchronous=FULL: an fsync), the receipt made, handed
//      to the printer's worker, rendered, and sent to CUPS until CUPS
//      accepts the job; then, separately, until CUPS says it completed
//      (on the raw fault queue, whose backend copies the file, and on the
//      cups-pdf queue, whose filters run Ghostscript). Skipped, with the
//      reason, when the stack cannot start (it needs root and the packages
//      of scripts/install-deps.sh).
//
//   print_bench SOURCE_DIR
#include "drivers/print/cups_printer.hpp"
#include "drivers/print/receipt_device.hpp"
#include "drivers/print/receipt_pdf.hpp"
#include "sync/crypto.hpp"
#include "sync/sqlite_store.hpp"
#include "tests/bench/spread.hpp"
#include "tests/lib/stack_env.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

using namespace guichet;
using guichet::bench::spread_of;
using guichet::testing::env_value;
using guichet::testing::quoted;
using guichet::testing::read_text;

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double millis(Clock::duration duration)
{
    return std::chrono::duration<double, std::milli>(duration).count();
}

void print_spread(char const* what, std::vector<double> const& values, char const* aim)
{
    auto spread = spread_of(values);
    std::printf(
        "%-58s median %7.2f ms  p95 %7.2f ms  (n=%zu)%s\n", what, spread.median, spread.p95, values.size(), aim);
}

Receipt sample_receipt(std::uint64_t serial)
{
    return make_receipt(ReceiptSettings {}, "Signaler un problème sur la voie publique",
        "Votre signalement est enregistré",
        "Les services de la ville vont regarder votre signalement. Avec ce code, vous pouvez suivre votre demande "
        "à l'accueil ou sur internet.",
        TrackingCode::from_serial(serial, 0x5eed), 1795337102);
}

void bench_render()
{
    for (auto layout : { print::PaperLayout::Roll80mm, print::PaperLayout::A4 }) {
        std::vector<double> times;
        for (int i = 0; i < 200; ++i) {
            auto start = Clock::now();
            auto rendered = print::render_receipt_pdf(sample_receipt(i + 1), layout);
            times.push_back(millis(Clock::now() - start));
            if (!rendered) {
                std::printf("render failed: %s\n", rendered.error().detail.c_str());
                return;
            }
        }
        print_spread(layout == print::PaperLayout::A4 ? "receipt PDF rendered, A4" : "receipt PDF rendered, 80 mm roll",
            times, "   aim < 30 ms");
    }
}

// Stamps when CUPS accepted each job and when the worker reported its end.
class Stamps {
public:
    void accepted()
    {
        std::lock_guard lock(m_mutex);
        m_accepted = Clock::now();
        m_changed.notify_all();
    }
    void finished(PrintOutcome outcome)
    {
        std::lock_guard lock(m_mutex);
        m_finished = Clock::now();
        m_outcome = outcome;
        m_changed.notify_all();
    }
    void reset()
    {
        std::lock_guard lock(m_mutex);
        m_accepted.reset();
        m_finished.reset();
    }
    bool wait_finished()
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, std::chrono::seconds(30), [this] { return m_finished.has_value(); });
    }
    std::optional<Clock::time_point> m_accepted;
    std::optional<Clock::time_point> m_finished;
    PrintOutcome m_outcome { PrintOutcome::Failed };

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
};

void bench_queue(std::string const& queue, fs::path const& work, int rounds)
{
    Stamps stamps;
    print::CupsSettings settings;
    settings.queue = queue;
    settings.poll = std::chrono::milliseconds(20);
    settings.on_accepted = [&](int) { stamps.accepted(); };
    print::CupsPrinter printer(settings);
    print::AsyncReceiptPrinter async(printer, [&](PrintJobId, PrintOutcome outcome) { stamps.finished(outcome); });
    auto opened = SqliteStore::open(
        work / (queue + ".db"), (void(crypto::initialise()), crypto::generate_box_keys().public_key));
    if (!opened) {
        std::printf("outbox not opened: %s\n", opened.error().detail.c_str());
        return;
    }
    auto store = opened.release_value();

    std::vector<double> saved, accepted, completed;
    for (int i = 0; i < rounds; ++i) {
        stamps.reset();
        Dossier dossier { "signalement", "1", 1795337102, "fr",
            nlohmann::ordered_json { { "categorie", "eclairage" }, { "lieu", "12 rue de la Paix" } }, {}, {}, {} };
        // The confirmation tap: what Session::handle(Confirm) runs.
        auto tap = Clock::now();
        auto code = store->save(dossier);
        if (!code) {
            std::printf("dossier not saved: %s\n", code.error().detail.c_str());
            return;
        }
        auto written = Clock::now();
        async.submit(make_receipt(ReceiptSettings {}, "Signaler un problème sur la voie publique",
                         "Votre signalement est enregistré", "Les services de la ville vont regarder.", code.value(),
                         1795337102),
            PrintJobId(i + 1));
        if (!stamps.wait_finished() || stamps.m_outcome != PrintOutcome::Printed || !stamps.m_accepted) {
            std::printf("%s: job %d did not print\n", queue.c_str(), i + 1);
            return;
        }
        saved.push_back(millis(written - tap));
        accepted.push_back(millis(*stamps.m_accepted - tap));
        completed.push_back(millis(*stamps.m_finished - tap));
    }
    std::printf("queue %s:\n", queue.c_str());
    print_spread("  tap -> dossier in the outbox (fsync)", saved, "");
    print_spread("  tap -> job accepted by CUPS", accepted, "   aim < 150 ms");
    print_spread("  tap -> job completed (polled every 20 ms)", completed, "");
}

}

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: print_bench SOURCE_DIR\n");
        return 2;
    }
    fs::path source = argv[1];
    bench_render();

    auto work = fs::temp_directory_path() / ("guichet-print-bench-" + std::to_string(::getpid()));
    fs::create_directories(work);
    auto script = (source / "tests/print/cups-stack.sh").string();
    std::string start = script + " start " + quoted((work / "cups").string()) + " >"
        + quoted((work / "stack.log").string()) + " 2>&1";
    if (std::system(start.c_str()) != 0) {
        std::printf("CUPS figures skipped: the stack did not start (see %s)\n", (work / "stack.log").c_str());
        return 0;
    }
    auto env = read_text(work / "cups/env");
    ::setenv("CUPS_SERVER", env_value(env, "CUPS_SERVER").c_str(), 1);
    bench_queue(env_value(env, "CUPS_STACK_FAULT_QUEUE"), work, 30);
    bench_queue(env_value(env, "CUPS_STACK_PDF_QUEUE"), work, 10);
    std::system((script + " stop " + quoted((work / "cups").string()) + " >/dev/null 2>&1").c_str());
    std::error_code ignored;
    fs::remove_all(work, ignored);
    return 0;
}
