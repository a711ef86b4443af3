#include "printer_watch.hpp"

#include <optional>

namespace guichet::print {

PrinterWatch::PrinterWatch(Probe probe, OnChange on_change, std::chrono::milliseconds interval)
    : m_probe(std::move(probe))
    , m_on_change(std::move(on_change))
    , m_interval(interval)
    , m_thread([this] { run(); })
{
}

PrinterWatch::~PrinterWatch()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void PrinterWatch::poke()
{
    {
        std::lock_guard lock(m_mutex);
        m_poked = true;
    }
    m_wake.notify_one();
}

void PrinterWatch::run()
{
    std::optional<PrinterState> last;
    for (;;) {
        PrinterState state;
        // A probe that throws is a printer we cannot read: out of service,
        // and the watch goes on.
        try {
            state = m_probe();
        } catch (...) {
            state = printer_state_of({ PrinterProblem::Other });
        }
        if (state != last) {
            last = state;
            m_on_change(state);
        }
        std::unique_lock lock(m_mutex);
        m_wake.wait_for(lock, m_interval, [this] { return m_stopping || m_poked; });
        if (m_stopping)
            return;
        m_poked = false;
    }
}

}
