// Receipt printers as devices, and the adapter that puts one behind the
// core's ReceiptPrinter port. A device blocks until its job ends, which is
// simple to write and to fake; the adapter moves that wait onto a worker
// thread so that the screen never freezes while paper feeds.
#pragma once

#include "receipt_pdf.hpp"

#include "kiosk/core/ports.hpp"
#include "kiosk/core/printer.hpp"
#include "kiosk/core/receipt.hpp"
#include "kiosk/core/result.hpp"

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace guichet::print {

// A printer that blocks until the job ends. The CUPS backend and the
// simulator implement it; each maps its own failures onto PrintOutcome.
class ReceiptDevice {
public:
    virtual ~ReceiptDevice() = default;
    virtual PrintOutcome print(Receipt const& receipt) = 0;
    // Makes a print() under way on another thread return soon (as Failed),
    // for a kiosk shutting down. A device whose print() cannot wait long
    // has nothing to do.
    virtual void interrupt() { }
};

// The simulator, a product feature for demos and laptop development: each
// receipt becomes a PDF in a folder, named after its tracking code
// ("KXTBPDQM.pdf"); a reprint gets the next free name ("KXTBPDQM-2.pdf").
// The folder is created when missing. Any failure, an unwritable folder
// included, is PrintOutcome::Failed: print() never throws.
//
// It can also pretend to be out of paper, jammed or offline (the demo's
// keys, scenarios' `printer` action): while such a problem is set, print()
// waits, as a CUPS queue keeps its jobs, and the receipt comes out once the
// problem is cleared. cancel() plays a person cancelling the waiting job
// on its queue (`cancel` on CUPS): it ends as Failed, and the kiosk keeps
// it for an agent to reprint.
class PdfFolderPrinter final : public ReceiptDevice {
public:
    explicit PdfFolderPrinter(std::filesystem::path folder, PaperLayout layout = PaperLayout::Roll80mm);

    PrintOutcome print(Receipt const& receipt) override;
    void interrupt() override;

    // The simulated problems; empty for a working printer.
    void set_problems(std::vector<PrinterProblem> problems);
    PrinterState state() const;
    // Ends the print() waiting for the printer, if one is; false if none.
    bool cancel();

    // The file the last successful print() wrote; empty before the first.
    std::filesystem::path const& last_file() const { return m_last_file; }
    // Why the last print() failed, for the log; empty code after a success.
    Error const& last_error() const { return m_last_error; }

private:
    PrintOutcome write_receipt(Receipt const& receipt);

    std::filesystem::path m_folder;
    PaperLayout m_layout;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    PrinterState m_state;
    bool m_interrupted { false };
    bool m_waiting { false };
    bool m_cancelled { false };
    std::filesystem::path m_last_file;
    Error m_last_error;
};

// Adapts a blocking device to the core's non-blocking ReceiptPrinter port.
// submit() queues a copy of the receipt and returns at once; a worker thread
// prints the jobs one at a time, in the order submitted, and calls
// on_finished(job, outcome) on that worker thread as each ends: the caller posts
// it back to the UI thread. on_finished must not throw nor destroy the
// adapter. A device that throws counts as PrintOutcome::Failed.
//
// A receipt that did not print is kept in memory (the last `keep` of them,
// never a desk ticket: its number is of no use later), for the desk to
// reprint it: agent mode lists them and calls reprint().
//
// The destructor interrupts the job being printed (its on_finished is
// called) and abandons the jobs still queued, without calling on_finished
// for them: a kiosk shutting down has nobody left to tell. It returns once
// the worker thread has ended.
class AsyncReceiptPrinter final : public ReceiptPrinter {
public:
    using OnFinished = std::function<void(PrintJobId, PrintOutcome)>;
    AsyncReceiptPrinter(ReceiptDevice& device, OnFinished on_finished);
    ~AsyncReceiptPrinter() override;

    AsyncReceiptPrinter(AsyncReceiptPrinter const&) = delete;
    AsyncReceiptPrinter& operator=(AsyncReceiptPrinter const&) = delete;

    void submit(Receipt const& receipt, PrintJobId job) override;

    // The receipts that did not print, oldest first.
    std::vector<KeptReceipt> kept() const override;
    // Queues a kept receipt again (and forgets it: it is kept again if it
    // fails again). False when no such receipt is kept.
    bool reprint(PrintJobId job) override;
    // Jobs submitted and not yet ended, the one printing included.
    std::size_t pending() const;

    static constexpr std::size_t keep = 20;

private:
    void run();

    ReceiptDevice& m_device;
    OnFinished m_on_finished;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::pair<PrintJobId, Receipt>> m_queue;
    struct Kept {
        PrintJobId job;
        Receipt receipt;
        PrintOutcome outcome;
    };
    std::deque<Kept> m_kept;
    bool m_printing { false };
    bool m_stopping { false };
    // Last, so that it starts once everything it uses is initialised.
    std::thread m_worker;
};

}
