// AsyncReceiptPrinter: the screen never waits for paper, every job's outcome
// comes back, jobs print in order, and shutting down never hangs halfway.
#include "drivers/print/receipt_device.hpp"
#include "print_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace guichet::print {
namespace {

using namespace std::chrono_literals;
using testing::sample_receipt;

// Long enough for any healthy machine, short enough that a broken adapter
// fails the test instead of hanging it.
constexpr auto patience = 5s;

// A printer whose jobs end only when the test opens the gate.
class GatedDevice final : public ReceiptDevice {
public:
    explicit GatedDevice(PrintOutcome outcome = PrintOutcome::Printed)
        : m_outcome(outcome)
    {
    }

    PrintOutcome print(Receipt const& receipt) override
    {
        std::unique_lock lock(m_mutex);
        m_started.push_back(receipt.code.text());
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return m_open; });
        m_printed.push_back(receipt.code.text());
        return m_outcome;
    }

    void open()
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }

    bool wait_until_started(std::size_t jobs)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, patience, [&] { return m_started.size() >= jobs; });
    }

    std::vector<std::string> printed()
    {
        std::lock_guard lock(m_mutex);
        return m_printed;
    }

private:
    PrintOutcome m_outcome;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_open { false };
    std::vector<std::string> m_started;
    std::vector<std::string> m_printed;
};

class ThrowingDevice final : public ReceiptDevice {
public:
    PrintOutcome print(Receipt const&) override { throw std::runtime_error("driver bug"); }
};

// Collects what on_finished reports, from the worker thread.
class Outcomes {
public:
    AsyncReceiptPrinter::OnFinished callback()
    {
        return [this](PrintJobId job, PrintOutcome outcome) {
            std::lock_guard lock(m_mutex);
            m_jobs.push_back(job);
            m_outcomes.push_back(outcome);
            m_changed.notify_all();
        };
    }

    std::vector<PrintJobId> jobs()
    {
        std::lock_guard lock(m_mutex);
        return m_jobs;
    }

    bool wait_for(std::size_t count)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, patience, [&] { return m_outcomes.size() >= count; });
    }

    std::vector<PrintOutcome> all()
    {
        std::lock_guard lock(m_mutex);
        return m_outcomes;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<PrintOutcome> m_outcomes;
    std::vector<PrintJobId> m_jobs;
};

TEST(AsyncReceiptPrinter, SubmitReturnsWhileTheDeviceIsStillPrinting)
{
    GatedDevice device;
    Outcomes outcomes;
    AsyncReceiptPrinter printer(device, outcomes.callback());

    auto submitting = std::async(std::launch::async, [&] { printer.submit(sample_receipt(), 1); });
    bool const returned_at_once = submitting.wait_for(patience) == std::future_status::ready;
    ASSERT_TRUE(device.wait_until_started(1));
    EXPECT_TRUE(outcomes.all().empty()) << "the outcome came before the device finished";

    device.open();
    EXPECT_TRUE(returned_at_once) << "submit() waited for the device";
    ASSERT_TRUE(outcomes.wait_for(1));
    EXPECT_EQ(outcomes.all(), std::vector { PrintOutcome::Printed });
}

TEST(AsyncReceiptPrinter, DeliversWhateverTheDeviceReports)
{
    for (PrintOutcome reported : { PrintOutcome::Printed, PrintOutcome::OutOfPaper, PrintOutcome::Jammed,
             PrintOutcome::Offline, PrintOutcome::Failed }) {
        SCOPED_TRACE(std::string(to_string(reported)));
        GatedDevice device(reported);
        device.open();
        Outcomes outcomes;
        AsyncReceiptPrinter printer(device, outcomes.callback());
        printer.submit(sample_receipt(), 1);
        ASSERT_TRUE(outcomes.wait_for(1));
        EXPECT_EQ(outcomes.all(), std::vector { reported });
    }
}

TEST(AsyncReceiptPrinter, PrintsJobsInTheOrderSubmitted)
{
    GatedDevice device;
    Outcomes outcomes;
    AsyncReceiptPrinter printer(device, outcomes.callback());

    std::vector<std::string> submitted;
    for (std::uint64_t serial = 1; serial <= 6; ++serial) {
        Receipt receipt = sample_receipt(serial);
        submitted.push_back(receipt.code.text());
        printer.submit(receipt, 100 + serial);
    }
    device.open();

    ASSERT_TRUE(outcomes.wait_for(submitted.size()));
    EXPECT_EQ(device.printed(), submitted);
    // Each outcome names its own job.
    EXPECT_EQ(outcomes.jobs(), (std::vector<PrintJobId> { 101, 102, 103, 104, 105, 106 }));
    EXPECT_EQ(outcomes.all(), std::vector<PrintOutcome>(submitted.size(), PrintOutcome::Printed));
}

TEST(AsyncReceiptPrinter, DestructorFinishesTheJobInProgressAndAbandonsTheQueue)
{
    GatedDevice device;
    Outcomes outcomes;
    auto printer = std::make_unique<AsyncReceiptPrinter>(device, outcomes.callback());
    Receipt const first = sample_receipt(1);
    printer->submit(first, 1);
    printer->submit(sample_receipt(2), 2);
    printer->submit(sample_receipt(3), 3);
    ASSERT_TRUE(device.wait_until_started(1));

    std::promise<void> destroyed;
    std::thread shutting_down([&] {
        printer.reset();
        destroyed.set_value();
    });
    // The destructor must still be waiting for the device. The pause also
    // lets it reach the queue before the gate opens: jobs 2 and 3 are then
    // queued behind a shutdown and must never print.
    auto destruction = destroyed.get_future();
    bool const returned_early = destruction.wait_for(200ms) == std::future_status::ready;
    device.open();
    shutting_down.join();

    EXPECT_FALSE(returned_early) << "the destructor did not wait for the job in progress";
    EXPECT_EQ(device.printed(), std::vector { first.code.text() });
    EXPECT_EQ(outcomes.all(), std::vector { PrintOutcome::Printed });
}

TEST(AsyncReceiptPrinter, DestroyedIdleReturnsAtOnce)
{
    GatedDevice device;
    Outcomes outcomes;
    auto destroying = std::async(std::launch::async, [&] { AsyncReceiptPrinter printer(device, outcomes.callback()); });
    EXPECT_EQ(destroying.wait_for(patience), std::future_status::ready);
    EXPECT_TRUE(outcomes.all().empty());
}

TEST(AsyncReceiptPrinter, ADeviceThatThrowsCountsAsFailedAndTheWorkerCarriesOn)
{
    ThrowingDevice device;
    Outcomes outcomes;
    AsyncReceiptPrinter printer(device, outcomes.callback());
    printer.submit(sample_receipt(1), 1);
    printer.submit(sample_receipt(2), 2);
    ASSERT_TRUE(outcomes.wait_for(2));
    EXPECT_EQ(outcomes.all(), (std::vector { PrintOutcome::Failed, PrintOutcome::Failed }));
}

// Fails until told the paper is back, as a printer with an empty roll.
class EmptyRollDevice final : public ReceiptDevice {
public:
    PrintOutcome print(Receipt const& receipt) override
    {
        std::lock_guard lock(m_mutex);
        if (!m_paper)
            return PrintOutcome::OutOfPaper;
        m_printed.push_back(receipt.code.text());
        return PrintOutcome::Printed;
    }
    void load_paper()
    {
        std::lock_guard lock(m_mutex);
        m_paper = true;
    }
    std::vector<std::string> printed()
    {
        std::lock_guard lock(m_mutex);
        return m_printed;
    }

private:
    std::mutex m_mutex;
    bool m_paper { false };
    std::vector<std::string> m_printed;
};

TEST(AsyncReceiptPrinter, AReceiptThatDidNotPrintIsKeptForTheDeskToReprint)
{
    EmptyRollDevice device;
    Outcomes outcomes;
    AsyncReceiptPrinter printer(device, outcomes.callback());
    auto const first = sample_receipt(1);
    printer.submit(first, 7);
    ASSERT_TRUE(outcomes.wait_for(1));
    EXPECT_EQ(printer.pending(), 0u);
    auto kept = printer.kept();
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0].job, 7u);
    EXPECT_EQ(kept[0].code_end, first.code.text().substr(4)) << "the end of the code only";
    EXPECT_EQ(kept[0].demarche_title, first.demarche_title);
    EXPECT_EQ(kept[0].confirmed_at, first.confirmed_at);
    EXPECT_EQ(kept[0].outcome, PrintOutcome::OutOfPaper);

    EXPECT_FALSE(printer.reprint(8));
    device.load_paper();
    EXPECT_TRUE(printer.reprint(7));
    ASSERT_TRUE(outcomes.wait_for(2));
    EXPECT_EQ(outcomes.all(), (std::vector { PrintOutcome::OutOfPaper, PrintOutcome::Printed }));
    EXPECT_EQ(device.printed(), std::vector { first.code.text() });
    EXPECT_TRUE(printer.kept().empty());
    // Printed once: a second reprint of the same job finds nothing.
    EXPECT_FALSE(printer.reprint(7));
}

TEST(AsyncReceiptPrinter, ADeskTicketThatDidNotPrintIsNotKept)
{
    EmptyRollDevice device;
    Outcomes outcomes;
    AsyncReceiptPrinter printer(device, outcomes.callback());
    printer.submit(make_desk_ticket(ReceiptSettings {}, "A 017", 1'700'000'000), 3);
    ASSERT_TRUE(outcomes.wait_for(1));
    EXPECT_EQ(outcomes.all(), std::vector { PrintOutcome::OutOfPaper });
    EXPECT_TRUE(printer.kept().empty()) << "a desk number is of no use later";
}

TEST(AsyncReceiptPrinter, KeepsOnlyTheLatestReceipts)
{
    EmptyRollDevice device;
    Outcomes outcomes;
    AsyncReceiptPrinter printer(device, outcomes.callback());
    std::size_t const submitted = AsyncReceiptPrinter::keep + 3;
    for (std::size_t i = 1; i <= submitted; ++i)
        printer.submit(sample_receipt(i), i);
    ASSERT_TRUE(outcomes.wait_for(submitted));
    auto kept = printer.kept();
    ASSERT_EQ(kept.size(), AsyncReceiptPrinter::keep);
    EXPECT_EQ(kept.front().job, 4u);
    EXPECT_EQ(kept.back().job, submitted);
}

// Waits for paper that never comes, until interrupted.
class StuckDevice final : public ReceiptDevice {
public:
    PrintOutcome print(Receipt const&) override
    {
        std::unique_lock lock(m_mutex);
        m_started = true;
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return m_interrupted; });
        return PrintOutcome::Failed;
    }
    void interrupt() override
    {
        std::lock_guard lock(m_mutex);
        m_interrupted = true;
        m_changed.notify_all();
    }
    bool wait_until_started()
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, patience, [this] { return m_started; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_started { false };
    bool m_interrupted { false };
};

TEST(AsyncReceiptPrinter, ShuttingDownInterruptsAJobWaitingForThePrinter)
{
    StuckDevice device;
    Outcomes outcomes;
    auto printer = std::make_unique<AsyncReceiptPrinter>(device, outcomes.callback());
    printer->submit(sample_receipt(1), 1);
    ASSERT_TRUE(device.wait_until_started());
    EXPECT_EQ(printer->pending(), 1u);
    auto destroying = std::async(std::launch::async, [&] { printer.reset(); });
    EXPECT_EQ(destroying.wait_for(patience), std::future_status::ready);
    EXPECT_EQ(outcomes.all(), std::vector { PrintOutcome::Failed });
}

}
}
