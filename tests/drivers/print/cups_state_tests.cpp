// What a CUPS queue's IPP state means for the kiosk: printer-state,
// printer-state-reasons and printer-is-accepting-jobs, row by row.
#include "drivers/print/cups_printer.hpp"

#include <gtest/gtest.h>

namespace guichet::print {
namespace {

using enum PrinterProblem;

constexpr int idle = 3, processing = 4, stopped = 5;

struct Row {
    char const* what;
    QueueReport report;
    std::vector<PrinterProblem> problems;
    PrinterCondition condition;
};

QueueReport queue(int state, bool accepting, std::vector<std::string> reasons)
{
    return QueueReport { true, true, "kiosk", state, accepting, std::move(reasons) };
}

TEST(CupsState, ReasonsAndStatesBecomeProblems)
{
    std::vector<Row> const table = {
        { "idle and accepting", queue(idle, true, {}), {}, PrinterCondition::Ready },
        { "printing", queue(processing, true, {}), {}, PrinterCondition::Ready },
        { "cupsd down", QueueReport {}, { Unreachable }, PrinterCondition::OutOfService },
        { "no such queue", QueueReport { true, false, "nope", 0, false, {} }, { NoQueue },
            PrinterCondition::OutOfService },
        { "backend stopped on an empty roll", queue(stopped, true, { "media-empty-error", "paused" }),
            { OutOfPaper, Paused, Paused }, PrinterCondition::OutOfService },
        { "paper low, still printing", queue(processing, true, { "media-low-report" }), { PaperLow },
            PrinterCondition::Degraded },
        { "cupsdisable", queue(stopped, true, { "paused" }), { Paused, Paused }, PrinterCondition::OutOfService },
        { "cupsreject", queue(idle, false, {}), { NotAccepting }, PrinterCondition::OutOfService },
        { "jam", queue(stopped, true, { "media-jam-error" }), { Jammed, Paused }, PrinterCondition::OutOfService },
        { "cover open", queue(processing, true, { "cover-open-error" }), { CoverOpen },
            PrinterCondition::OutOfService },
        { "usb printer unplugged", queue(processing, true, { "offline-report" }), { Offline },
            PrinterCondition::OutOfService },
        { "toner low", queue(idle, true, { "toner-low-warning" }), { SupplyLow }, PrinterCondition::Degraded },
        { "just connecting", queue(processing, true, { "connecting-to-device" }), {}, PrinterCondition::Ready },
        { "an unknown warning is not a fault", queue(idle, true, { "com.example-odd-warning" }), {},
            PrinterCondition::Ready },
        { "an unknown error is", queue(idle, true, { "com.example-odd-error" }), { Other },
            PrinterCondition::OutOfService },
        { "a filter missing", queue(idle, true, { "cups-missing-filter-warning" }), { Other },
            PrinterCondition::OutOfService },
        // A suffix alone says nothing of what is wrong.
        { "bare suffix", queue(idle, true, { "-error" }), {}, PrinterCondition::Ready },
    };
    for (auto const& row : table) {
        SCOPED_TRACE(row.what);
        auto problems = problems_of(row.report);
        EXPECT_EQ(problems, row.problems);
        EXPECT_EQ(printer_state_of(problems).condition, row.condition);
    }
}

TEST(CupsState, AnEmptyRollIsNamedBeforeThePauseItCaused)
{
    auto state = printer_state_of(problems_of(queue(stopped, true, { "media-empty-error", "paused" })));
    EXPECT_EQ(state.main_problem(), OutOfPaper);
    EXPECT_EQ(describe(state), "out_of_service (out_of_paper, paused)");
}

}
}
