// Receipt printers as devices, and the adapter that puts one behind the
// core's ReceiptPrinter port. A device blocks until its job ends, which is
// simple to write and to fake; the adapter moves that wait onto a worker
// thread so that the screen never freezes while paper feeds.
#pragma once

#include "receipt_pdf.hpp"

#include "kiosk/core/ports.hpp"
#include "kiosk/core/receipt.hpp"
#include "kiosk/core/result.hpp"

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

namespace guichet::print {

// A printer that blocks until the job ends. Real backends (CUPS, later) and
// the simulator implement it; each maps its own failures onto PrintOutcome.
class ReceiptDevice {
public:
    virtual ~ReceiptDevice() = default;
    virtual PrintOutcome print(Receipt const& receipt) = 0;
};

// The simulator, a product feature for demos and laptop development: each
// receipt becomes a PDF in a folder, named after its tracking code
// ("KXTBPDQM.pdf"); a reprint gets the next free name ("KXTBPDQM-2.pdf").
// The folder is created when missing. Any failure, an unwritable folder
// included, is PrintOutcome::Failed: print() never throws.
class PdfFolderPrinter final : public ReceiptDevice {
public:
    explicit PdfFolderPrinter(std::filesystem::path folder, PaperLayout layout = PaperLayout::Roll80mm);

    PrintOutcome print(Receipt const& receipt) override;

    // The file the last successful print() wrote; empty before the first.
    std::filesystem::path const& last_file() const { return m_last_file; }
    // Why the last print() failed, for the log; empty code after a success.
    Error const& last_error() const { return m_last_error; }

private:
    PrintOutcome write_receipt(Receipt const& receipt);

    std::filesystem::path m_folder;
    PaperLayout m_layout;
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
// The destructor lets the job being printed finish (its on_finished is
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

private:
    void run();

    ReceiptDevice& m_device;
    OnFinished m_on_finished;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::pair<PrintJobId, Receipt>> m_queue;
    bool m_stopping { false };
    // Last, so that it starts once everything it uses is initialised.
    std::thread m_worker;
};

}
