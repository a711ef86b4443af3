// The real receipt printer: a CUPS queue, reached with libcups over IPP.
//
// A job is the receipt's PDF (rendered here, see receipt_pdf.hpp), sent with
// the media it needs ("media=Custom.80x143mm" for a roll cut to the
// content). print() then follows the job until CUPS says it completed, and
// that is the only "Printed" there is. While the printer is out of paper,
// jammed, paused or refusing jobs, print() keeps waiting: a job CUPS has
// accepted stays in CUPS's queue and prints when the printer is back, one
// CUPS has refused is sent once the queue accepts again. Either way the
// receipt prints exactly once, and the resident, who is told at once by the
// printer's state (PrinterChanged), does not wait for it.
//
// query() reads the queue's state (printer-state, printer-state-reasons,
// printer-is-accepting-jobs) for the kiosk's printer watch and kioskctl.
#pragma once

#include "receipt_device.hpp"

#include "kiosk/core/printer.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace guichet::print {

// What CUPS says of a queue, before the core classifies it.
struct QueueReport {
    bool reachable { false }; // cupsd answered
    bool exists { false }; // the queue is there
    std::string queue; // its name (the default destination's, when none was configured)
    int state { 0 }; // printer-state: 3 idle, 4 processing, 5 stopped
    bool accepting { false }; // printer-is-accepting-jobs
    std::vector<std::string> reasons; // printer-state-reasons, "none" left out
};

// The problems in a report: "media-empty-error" is OutOfPaper, a stopped
// queue is Paused, an unknown reason is ignored unless it is an "-error".
std::vector<PrinterProblem> problems_of(QueueReport const& report);

struct CupsSettings {
    // The queue to print to; empty for CUPS's default destination.
    std::string queue;
    // The print server: a socket path or host[:port]; empty for CUPS's own
    // choice (CUPS_SERVER, client.conf, the local socket).
    std::string server;
    PaperLayout layout { PaperLayout::Roll80mm };
    // How often a job and a stopped queue are looked at.
    std::chrono::milliseconds poll { 250 };
    // Called on the printing thread when CUPS has accepted a job (the
    // benchmark times it); may be empty.
    std::function<void(int job)> on_accepted;
};

class CupsPrinter final : public ReceiptDevice {
public:
    explicit CupsPrinter(CupsSettings settings);

    PrintOutcome print(Receipt const& receipt) override;
    void interrupt() override;

    QueueReport query() const;
    PrinterState state() const { return printer_state_of(problems_of(query())); }

    // One submission without following it, for kioskctl and the bench: the
    // CUPS job id once CUPS has accepted the document. Error codes:
    // "print.render", "print.unreachable", "print.no_queue",
    // "print.not_accepting", "print.refused".
    struct Submitted {
        int job { 0 };
        std::string queue;
        double render_ms { 0 };
        double submit_ms { 0 };
    };
    Result<Submitted> submit(Receipt const& receipt) const;

    // The CUPS state of a job: 3 pending … 9 completed (ipp_jstate_t); 0
    // when cupsd does not answer or does not know the job.
    int job_state(int job) const;

    // The CUPS job id of the last print() (0 before), for tests.
    int last_job() const { return m_last_job.load(); }

private:
    Result<Submitted> submit_document(RenderedReceipt const& rendered) const;
    bool wait(std::chrono::milliseconds duration) const; // false when interrupted

    CupsSettings m_settings;
    std::atomic<bool> m_interrupted { false };
    std::atomic<int> m_last_job { 0 };
};

}
