// The CUPS printer against a real cupsd (tests/print/cups-stack.sh: a
// private cupsd on a local socket, a raw queue on the project's
// fault-injecting backend). Each fault is made the way it happens: the
// backend reports media-empty or a jam and stops the queue, an operator runs
// cupsdisable or cupsreject. What is checked is what the kiosk must do: see
// the state within 2 s, keep the receipt, print it once the printer is
// back, exactly once.
#include "drivers/print/cups_printer.hpp"
#include "drivers/print/printer_watch.hpp"
#include "drivers/print/receipt_device.hpp"
#include "print_test_support.hpp"
#include "tests/lib/stack_env.hpp"

#include <cups/ipp.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace guichet::print {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using guichet::testing::env_value;
using guichet::testing::quoted;
using guichet::testing::read_text;

std::string output_of(std::string const& command)
{
    int ignored = 0;
    return guichet::testing::output_of(command, ignored);
}

std::string const stack_script = std::string(GUICHET_SOURCE_DIR) + "/tests/print/cups-stack.sh";

fs::path dir;
bool started = false;

int run(std::string const& command)
{
    return std::system((command + " >>" + quoted((dir / "test-commands.log").string()) + " 2>&1").c_str());
}

std::string fault_queue;
fs::path fault_out;

// What the watch reports, with the time each state came.
class Reports {
public:
    void operator()(PrinterState const& state)
    {
        std::lock_guard lock(m_mutex);
        m_states.push_back(state);
        m_changed.notify_all();
    }
    // Waits until the latest state satisfies `wanted`; returns how long it
    // took, or nothing after `patience`.
    template<typename Predicate>
    std::optional<Clock::duration> wait_for(Predicate wanted, Clock::duration patience = 10s)
    {
        auto start = Clock::now();
        std::unique_lock lock(m_mutex);
        if (!m_changed.wait_for(lock, patience, [&] { return !m_states.empty() && wanted(m_states.back()); }))
            return std::nullopt;
        return Clock::now() - start;
    }
    PrinterState latest()
    {
        std::lock_guard lock(m_mutex);
        return m_states.empty() ? PrinterState {} : m_states.back();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<PrinterState> m_states;
};

class Outcomes {
public:
    AsyncReceiptPrinter::OnFinished callback()
    {
        return [this](PrintJobId job, PrintOutcome outcome) {
            std::lock_guard lock(m_mutex);
            m_outcomes.emplace_back(job, outcome);
            m_changed.notify_all();
        };
    }
    bool wait_for(std::size_t count, Clock::duration patience = 20s)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, patience, [&] { return m_outcomes.size() >= count; });
    }
    std::vector<std::pair<PrintJobId, PrintOutcome>> all()
    {
        std::lock_guard lock(m_mutex);
        return m_outcomes;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<std::pair<PrintJobId, PrintOutcome>> m_outcomes;
};

std::vector<fs::path> printed_files()
{
    std::vector<fs::path> files;
    std::error_code ignored;
    for (auto const& entry : fs::directory_iterator(fault_out, ignored))
        files.push_back(entry.path());
    return files;
}

std::string text_of(fs::path const& pdf)
{
    auto text = output_of("pdftotext " + quoted(pdf.string()) + " - 2>/dev/null");
    std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '-'; });
    return text;
}

bool has_problem(PrinterState const& state, PrinterProblem problem)
{
    return std::find(state.problems.begin(), state.problems.end(), problem) != state.problems.end();
}

class CupsStack : public ::testing::Test {
public:
    static void SetUpTestSuite()
    {
        dir = fs::temp_directory_path() / ("guichet-cups-stack-" + std::to_string(::getpid()));
        ::setenv("CUPS_STACK_TIMEOUT", "20", 0);
        fs::create_directories(dir);
        started = run(stack_script + " start " + quoted(dir.string())) == 0;
        if (!started)
            return;
        auto env = read_text(dir / "env");
        // libcups in this process talks to the private cupsd.
        ::setenv("CUPS_SERVER", env_value(env, "CUPS_SERVER").c_str(), 1);
        fault_queue = env_value(env, "CUPS_STACK_FAULT_QUEUE");
        fault_out = env_value(env, "CUPS_STACK_FAULT_OUT");
    }
    static void TearDownTestSuite()
    {
        run(stack_script + " stop " + quoted(dir.string()));
        std::error_code ignored;
        if (!::testing::Test::HasFailure())
            fs::remove_all(dir, ignored);
    }

protected:
    void SetUp() override
    {
        ASSERT_TRUE(started) << "the CUPS stack did not start: see " << dir / "log/error_log";
        // Each test starts from a working, empty queue.
        fault("ok");
        run("cancel -a " + fault_queue);
        run("cupsaccept " + fault_queue);
        run("cupsenable " + fault_queue);
        std::error_code ignored;
        for (auto const& file : printed_files())
            fs::remove(file, ignored);
        // A fault's reasons outlive it until a job prints: print one.
        CupsPrinter printer(settings());
        ASSERT_EQ(printer.print(testing::sample_receipt(1)), PrintOutcome::Printed);
        for (auto const& file : printed_files())
            fs::remove(file, ignored);
        ASSERT_EQ(printer.state().condition, PrinterCondition::Ready) << describe(printer.state());
    }

    static void fault(std::string const& mode)
    {
        ASSERT_EQ(run(stack_script + " fault " + quoted(dir.string()) + " " + mode), 0);
    }

    static CupsSettings settings()
    {
        CupsSettings settings;
        settings.queue = fault_queue;
        return settings;
    }
};

TEST_F(CupsStack, PrintsTheReceiptAsOnePdfJobFollowedToCompleted)
{
    CupsPrinter printer(settings());
    auto receipt = testing::sample_receipt(2);
    EXPECT_EQ(printer.print(receipt), PrintOutcome::Printed);
    EXPECT_EQ(printer.job_state(printer.last_job()), IPP_JSTATE_COMPLETED);
    auto files = printed_files();
    ASSERT_EQ(files.size(), 1u);
    EXPECT_NE(text_of(files[0]).find(receipt.code.text()), std::string::npos);
}

TEST_F(CupsStack, AnEmptyRollIsSeenWithin2sAndTheReceiptPrintsOnceWhenPaperIsBack)
{
    CupsPrinter printer(settings());
    Reports reports;
    PrinterWatch watch([&] { return printer.state(); }, std::ref(reports));
    ASSERT_TRUE(reports.wait_for([](auto const& s) { return s.condition == PrinterCondition::Ready; }));

    fault("media-empty");
    Outcomes outcomes;
    AsyncReceiptPrinter async(printer, outcomes.callback());
    auto receipt = testing::sample_receipt(3);
    async.submit(receipt, 31);
    auto seen = reports.wait_for([](auto const& s) { return has_problem(s, PrinterProblem::OutOfPaper); });
    ASSERT_TRUE(seen) << describe(reports.latest());
    EXPECT_LT(*seen, 2s) << "the empty roll took " << std::chrono::duration<double>(*seen).count() << " s to show";
    EXPECT_EQ(reports.latest().condition, PrinterCondition::OutOfService);
    // The job waits in the stopped queue; nothing has printed, and the
    // kiosk has not given up on it.
    std::this_thread::sleep_for(1s);
    EXPECT_TRUE(printed_files().empty());
    EXPECT_TRUE(outcomes.all().empty());
    EXPECT_EQ(async.pending(), 1u);

    // Paper back, the queue re-enabled.
    fault("ok");
    ASSERT_EQ(run("cupsenable " + fault_queue), 0);
    ASSERT_TRUE(outcomes.wait_for(1));
    EXPECT_EQ(outcomes.all(), (std::vector<std::pair<PrintJobId, PrintOutcome>> { { 31, PrintOutcome::Printed } }));
    ASSERT_TRUE(reports.wait_for([](auto const& s) { return s.condition == PrinterCondition::Ready; }))
        << describe(reports.latest());
    std::this_thread::sleep_for(1s);
    auto files = printed_files();
    ASSERT_EQ(files.size(), 1u) << "printed more than once";
    EXPECT_NE(text_of(files[0]).find(receipt.code.text()), std::string::npos);
    EXPECT_TRUE(async.kept().empty());
}

TEST_F(CupsStack, AQueueRefusingJobsKeepsTheReceiptAndSendsItOnceItAccepts)
{
    CupsPrinter printer(settings());
    Reports reports;
    PrinterWatch watch([&] { return printer.state(); }, std::ref(reports));
    ASSERT_EQ(run("cupsreject " + fault_queue), 0);
    auto seen = reports.wait_for([](auto const& s) { return has_problem(s, PrinterProblem::NotAccepting); });
    ASSERT_TRUE(seen) << describe(reports.latest());
    EXPECT_LT(*seen, 2s);

    Outcomes outcomes;
    AsyncReceiptPrinter async(printer, outcomes.callback());
    auto receipt = testing::sample_receipt(4);
    async.submit(receipt, 41);
    std::this_thread::sleep_for(1500ms);
    // CUPS has nothing: the kiosk holds the receipt.
    EXPECT_EQ(output_of("lpstat -o " + fault_queue), "");
    EXPECT_EQ(async.pending(), 1u);
    EXPECT_TRUE(printed_files().empty());

    ASSERT_EQ(run("cupsaccept " + fault_queue), 0);
    ASSERT_TRUE(outcomes.wait_for(1));
    EXPECT_EQ(outcomes.all().front().second, PrintOutcome::Printed);
    std::this_thread::sleep_for(1s);
    auto files = printed_files();
    ASSERT_EQ(files.size(), 1u);
    EXPECT_NE(text_of(files[0]).find(receipt.code.text()), std::string::npos);
}

TEST_F(CupsStack, ADisabledQueueHoldsTheJobUntilEnabled)
{
    CupsPrinter printer(settings());
    Reports reports;
    PrinterWatch watch([&] { return printer.state(); }, std::ref(reports));
    ASSERT_EQ(run("cupsdisable " + fault_queue), 0);
    auto seen = reports.wait_for([](auto const& s) { return has_problem(s, PrinterProblem::Paused); });
    ASSERT_TRUE(seen) << describe(reports.latest());
    EXPECT_LT(*seen, 2s);
    EXPECT_EQ(reports.latest().main_problem(), PrinterProblem::Paused);

    Outcomes outcomes;
    AsyncReceiptPrinter async(printer, outcomes.callback());
    async.submit(testing::sample_receipt(5), 51);
    std::this_thread::sleep_for(1s);
    EXPECT_NE(output_of("lpstat -o " + fault_queue), "") << "the job should wait in CUPS";
    EXPECT_TRUE(printed_files().empty());
    ASSERT_EQ(run("cupsenable " + fault_queue), 0);
    ASSERT_TRUE(outcomes.wait_for(1));
    EXPECT_EQ(outcomes.all().front().second, PrintOutcome::Printed);
    EXPECT_EQ(printed_files().size(), 1u);
}

TEST_F(CupsStack, EachFaultIsNamed)
{
    struct Row {
        char const* mode;
        PrinterProblem problem;
        PrinterCondition condition;
    };
    for (auto const& row : { Row { "jam", PrinterProblem::Jammed, PrinterCondition::OutOfService },
             Row { "offline", PrinterProblem::Offline, PrinterCondition::OutOfService },
             Row { "media-low", PrinterProblem::PaperLow, PrinterCondition::Degraded } }) {
        SCOPED_TRACE(row.mode);
        fault(row.mode);
        CupsPrinter printer(settings());
        Reports reports;
        PrinterWatch watch([&] { return printer.state(); }, std::ref(reports));
        auto submitted = printer.submit(testing::sample_receipt(6));
        ASSERT_TRUE(submitted) << submitted.error().detail;
        auto seen = reports.wait_for([&](auto const& s) { return has_problem(s, row.problem); });
        ASSERT_TRUE(seen) << describe(reports.latest());
        EXPECT_LT(*seen, 2s);
        EXPECT_EQ(reports.latest().condition, row.condition) << describe(reports.latest());
        // Back to a working queue for the next row.
        fault("ok");
        run("cancel -a " + fault_queue);
        run("cupsenable " + fault_queue);
        ASSERT_EQ(printer.print(testing::sample_receipt(7)), PrintOutcome::Printed);
    }
}

TEST_F(CupsStack, AMissingQueueAndAnAbsentServerAreTold)
{
    CupsSettings missing;
    missing.queue = "no-such-queue";
    EXPECT_EQ(CupsPrinter(missing).state().problems, std::vector { PrinterProblem::NoQueue });
    auto submitted = CupsPrinter(missing).submit(testing::sample_receipt(8));
    ASSERT_FALSE(submitted);
    EXPECT_EQ(submitted.error().code, "print.no_queue");

    // A socket nobody listens on.
    auto absent = settings();
    absent.server = (dir / "run/nobody.sock").string();
    CupsPrinter printer(absent);
    auto state = printer.state();
    auto refused = printer.submit(testing::sample_receipt(9));
    EXPECT_EQ(state.problems, std::vector { PrinterProblem::Unreachable });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "print.unreachable");
}

TEST_F(CupsStack, ShuttingDownLeavesAWaitingJobToCups)
{
    fault("media-empty");
    auto printer = std::make_unique<CupsPrinter>(settings());
    Outcomes outcomes;
    auto async = std::make_unique<AsyncReceiptPrinter>(*printer, outcomes.callback());
    async->submit(testing::sample_receipt(10), 101);
    // Wait until CUPS has it.
    auto deadline = Clock::now() + 10s;
    while (printer->last_job() == 0 && Clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    ASSERT_NE(printer->last_job(), 0);
    auto start = Clock::now();
    async.reset();
    EXPECT_LT(Clock::now() - start, 2s) << "shutting down waited for the printer";
    // Still queued in CUPS: it prints when paper is back, kiosk or not.
    fault("ok");
    ASSERT_EQ(run("cupsenable " + fault_queue), 0);
    deadline = Clock::now() + 20s;
    while (printed_files().empty() && Clock::now() < deadline)
        std::this_thread::sleep_for(100ms);
    EXPECT_EQ(printed_files().size(), 1u);
}

}
}
