// The printer's state machine: what CUPS-level problems add up to, and the
// sentences people read.
#include "kiosk/core/printer.hpp"

#include <gtest/gtest.h>

#include <set>

namespace guichet {
namespace {

using enum PrinterProblem;

struct Classification {
    std::vector<PrinterProblem> seen;
    PrinterCondition condition;
    std::vector<PrinterProblem> problems; // sorted, most serious first
};

TEST(PrinterState, ProblemsAddUpToACondition)
{
    std::vector<Classification> const table = {
        { {}, PrinterCondition::Ready, {} },
        { { PaperLow }, PrinterCondition::Degraded, { PaperLow } },
        { { SupplyLow, PaperLow }, PrinterCondition::Degraded, { PaperLow, SupplyLow } },
        { { OutOfPaper }, PrinterCondition::OutOfService, { OutOfPaper } },
        // A backend that stops on an empty roll also pauses the queue: the
        // paper is what to name, not the pause.
        { { Paused, OutOfPaper }, PrinterCondition::OutOfService, { OutOfPaper, Paused } },
        { { PaperLow, NotAccepting }, PrinterCondition::OutOfService, { NotAccepting, PaperLow } },
        { { Jammed, Jammed, PaperLow }, PrinterCondition::OutOfService, { Jammed, PaperLow } },
        { { Unreachable }, PrinterCondition::OutOfService, { Unreachable } },
        { { Other }, PrinterCondition::OutOfService, { Other } },
    };
    for (auto const& row : table) {
        auto state = printer_state_of(row.seen);
        EXPECT_EQ(state.condition, row.condition) << describe(state);
        EXPECT_EQ(state.problems, row.problems) << describe(state);
        EXPECT_EQ(state.can_print(), row.condition != PrinterCondition::OutOfService);
    }
}

TEST(PrinterState, TheMainProblemIsTheFirstThatStopsPrinting)
{
    EXPECT_EQ(printer_state_of({ PaperLow, Paused, OutOfPaper }).main_problem(), OutOfPaper);
    EXPECT_EQ(printer_state_of({ PaperLow }).main_problem(), PaperLow);
    EXPECT_EQ(describe(printer_state_of({ Paused, OutOfPaper, PaperLow })),
        "out_of_service (out_of_paper, paused, paper_low)");
    EXPECT_EQ(describe(PrinterState {}), "ready");
}

TEST(PrinterState, EveryProblemHasItsOwnTechnicianSentence)
{
    std::set<std::string_view> sentences;
    for (auto problem : { PaperLow, SupplyLow, OutOfPaper, Jammed, CoverOpen, Offline, Paused, NotAccepting, NoQueue,
             Unreachable, NotConfigured, Other }) {
        auto sentence = technician_message(problem);
        EXPECT_FALSE(sentence.empty());
        EXPECT_TRUE(sentences.insert(sentence).second) << sentence;
        EXPECT_EQ(to_string(problem) == "other", problem == Other);
    }
}

TEST(PrinterState, ResidentsAreToldOnlyWhenNothingWillPrint)
{
    EXPECT_TRUE(resident_notice(PrinterState {}).empty());
    EXPECT_TRUE(resident_notice(printer_state_of({ PaperLow })).empty());
    auto notice = resident_notice(printer_state_of({ OutOfPaper }));
    EXPECT_NE(notice.find("code de suivi s'affichera à l'écran"), std::string_view::npos) << notice;
}

}
}
