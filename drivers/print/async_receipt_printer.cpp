// The worker thread between the core's ReceiptPrinter port and a blocking
// ReceiptDevice.
#include "receipt_device.hpp"

#include <optional>
#include <utility>

namespace guichet::print {

AsyncReceiptPrinter::AsyncReceiptPrinter(ReceiptDevice& device, OnFinished on_finished)
    : m_device(device)
    , m_on_finished(std::move(on_finished))
    , m_worker([this] { run(); })
{
}

AsyncReceiptPrinter::~AsyncReceiptPrinter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_queue.clear();
    }
    m_wake.notify_one();
    m_worker.join();
}

void AsyncReceiptPrinter::submit(Receipt const& receipt, PrintJobId job)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.emplace_back(job, receipt);
    }
    m_wake.notify_one();
}

void AsyncReceiptPrinter::run()
{
    for (;;) {
        // Receipt has no empty state (a TrackingCode is always valid).
        std::optional<std::pair<PrintJobId, Receipt>> job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping)
                return;
            job.emplace(std::move(m_queue.front()));
            m_queue.pop_front();
        }
        PrintOutcome outcome = PrintOutcome::Failed;
        // An exception escaping a thread ends the process; a printer driver
        // that throws must cost one receipt, not the kiosk.
        try {
            outcome = m_device.print(job->second);
        } catch (...) {
            outcome = PrintOutcome::Failed;
        }
        if (m_on_finished)
            m_on_finished(job->first, outcome);
    }
}

}
