// Watches the receipt printer's state on a thread of its own: asks the
// printer every `interval` and reports each change (and the first state, at
// once). A CUPS query takes a few milliseconds on the local socket; every
// 500 ms, a paper roll running out shows on the kiosk within a second.
#pragma once

#include "kiosk/core/printer.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace guichet::print {

class PrinterWatch {
public:
    using Probe = std::function<PrinterState()>;
    // Called on the watch's thread; the caller posts it to the UI thread.
    using OnChange = std::function<void(PrinterState const&)>;

    PrinterWatch(Probe probe, OnChange on_change, std::chrono::milliseconds interval = std::chrono::milliseconds(500));
    ~PrinterWatch();

    PrinterWatch(PrinterWatch const&) = delete;
    PrinterWatch& operator=(PrinterWatch const&) = delete;

    // Asks now rather than at the next interval (after a fault is cleared).
    void poke();

private:
    void run();

    Probe m_probe;
    OnChange m_on_change;
    std::chrono::milliseconds m_interval;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping { false };
    bool m_poked { false };
    std::thread m_thread;
};

}
