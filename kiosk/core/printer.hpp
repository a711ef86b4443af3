// The receipt printer's state, as the core sees it: which problems a printer
// can report, how they add up to ready / degraded / out of service, and the
// sentences residents and technicians read. The driver (drivers/print)
// turns what CUPS says (printer-state, printer-state-reasons, accepting
// jobs) into a set of PrinterProblem; everything after that is decided here.
//
//   Ready ◀──────────▶ Degraded (paper low, toner low: receipts still print)
//     ▲ ╲                 ▲
//     │  ╲                │
//     ▼   ▶ OutOfService ◀┘ (no paper, jam, cover open, offline, paused,
//                            refusing jobs, no such queue, no server)
//
// Every change comes as one intent::PrinterChanged with the whole new state,
// so the machine has no memory of its own: the state is what was last
// reported. A kiosk with no printer configured reports OutOfService with
// PrinterProblem::NotConfigured once, at start.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

enum class PrinterProblem : std::uint8_t {
    // Degrading: receipts still print, a technician should come.
    PaperLow,
    SupplyLow, // toner, ink, ribbon
    // Stopping: no receipt prints until someone acts.
    OutOfPaper,
    Jammed,
    CoverOpen,
    Offline, // the printer does not answer its spooler
    Paused, // stopped by an administrator (cupsdisable) or after a fault
    NotAccepting, // the queue refuses new jobs (cupsreject)
    NoQueue, // the configured queue does not exist
    Unreachable, // the print server (cupsd) does not answer
    NotConfigured, // this kiosk has no printer
    Other, // a reason we do not know that the printer calls an error
};

enum class PrinterCondition : std::uint8_t {
    Ready,
    Degraded,
    OutOfService,
};

std::string_view to_string(PrinterProblem problem);
std::string_view to_string(PrinterCondition condition);

// Whether a problem stops printing (OutOfPaper) or only warns (PaperLow).
bool stops_printing(PrinterProblem problem);

struct PrinterState {
    PrinterCondition condition { PrinterCondition::Ready };
    // Most serious first; empty when Ready.
    std::vector<PrinterProblem> problems;

    bool can_print() const { return condition != PrinterCondition::OutOfService; }
    // The problem to name when only one is said: the first stopping one,
    // else the first.
    PrinterProblem main_problem() const;

    friend bool operator==(PrinterState const&, PrinterState const&) = default;
};

// Sorts, deduplicates and classifies what a driver saw.
PrinterState printer_state_of(std::vector<PrinterProblem> problems);

// What a technician reads (kioskctl printer status, the log): what is wrong
// and what to do. French, like every sentence a person on site reads.
std::string_view technician_message(PrinterProblem problem);

// One line for the log and kioskctl: "out_of_service (out_of_paper, paused)".
std::string describe(PrinterState const& state);

// What the home screen says while receipts cannot be printed; empty when
// they can.
std::string_view resident_notice(PrinterState const& state);

}
