// The worker thread between the core's ReceiptPrinter port and a blocking
// ReceiptDevice.
#include "receipt_device.hpp"

#include <algorithm>
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
    m_device.interrupt();
    m_worker.join();
    for (auto& kept : m_kept)
        kept.receipt.wipe();
}

std::vector<KeptReceipt> AsyncReceiptPrinter::kept() const
{
    std::lock_guard lock(m_mutex);
    std::vector<KeptReceipt> kept;
    kept.reserve(m_kept.size());
    for (auto const& [job, receipt, outcome] : m_kept) {
        auto const& code = receipt.code.text();
        kept.push_back({ job, receipt.demarche_title, receipt.confirmed_at, code.substr(code.size() - 4), outcome });
    }
    return kept;
}

bool AsyncReceiptPrinter::reprint(PrintJobId job)
{
    {
        std::lock_guard lock(m_mutex);
        auto found = std::find_if(m_kept.begin(), m_kept.end(), [&](auto const& kept) { return kept.job == job; });
        if (found == m_kept.end())
            return false;
        m_queue.emplace_back(found->job, std::move(found->receipt));
        m_kept.erase(found);
    }
    m_wake.notify_one();
    return true;
}

std::size_t AsyncReceiptPrinter::pending() const
{
    std::lock_guard lock(m_mutex);
    return m_queue.size() + (m_printing ? 1 : 0);
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
            m_printing = true;
        }
        PrintOutcome outcome = PrintOutcome::Failed;
        // An exception escaping a thread ends the process; a printer driver
        // that throws must cost one receipt, not the kiosk.
        try {
            outcome = m_device.print(job->second);
        } catch (...) {
            outcome = PrintOutcome::Failed;
        }
        {
            std::lock_guard lock(m_mutex);
            m_printing = false;
            if (outcome != PrintOutcome::Printed && job->second.desk_number.empty()) {
                if (m_kept.size() == keep) {
                    m_kept.front().receipt.wipe();
                    m_kept.pop_front();
                }
                m_kept.push_back({ job->first, job->second, outcome });
            }
        }
        job->second.wipe();
        if (m_on_finished)
            m_on_finished(job->first, outcome);
    }
}

}
