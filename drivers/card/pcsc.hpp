// The PC/SC backend, on pcsc-lite: follows readers and cards as they come
// and go, and connects to the card on the chosen reader.
#pragma once

#include "emrtd.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace guichet::card {

// Which reader the kiosk uses: the first whose name contains `pattern`
// (case-insensitive; empty: any). Virtual readers (vsmartcard's "Virtual
// PCD", for tests) are never chosen unless `allow_virtual` is set, which a
// production configuration never does: a resident's card is read from the
// reader in the kiosk, not from a network socket.
struct ReaderPolicy {
    std::string pattern;
    bool allow_virtual { false };
};

bool is_virtual_reader(std::string_view name);
bool reader_allowed(std::string_view name, ReaderPolicy const& policy);
// The reader to use among those present, or nothing.
std::optional<std::string> choose_reader(std::vector<std::string> const& readers, ReaderPolicy const& policy);

// pcsc-lite's readers present now. Error codes: "card.no_service" (pcscd is
// not running), "card.io".
Result<std::vector<std::string>> list_readers();

// A connection to the card in one reader.
class PcscChannel final : public CardChannel {
public:
    // Error codes: "card.no_service", "card.reader_gone" (no such reader),
    // "card.removed" (no card in it), "card.io".
    static Result<std::unique_ptr<PcscChannel>> connect(std::string const& reader);
    ~PcscChannel() override;

    Result<ResponseApdu> transmit(CommandApdu const& command) override;

private:
    PcscChannel() = default;
    std::intptr_t m_context { 0 };
    std::intptr_t m_card { 0 };
    unsigned long m_protocol { 0 };
};

// What the monitor reports, on its own thread.
struct ReaderState {
    std::optional<std::string> reader; // the reader chosen, if one is there
    bool card_present { false };
    bool service { true }; // pcscd answers
    bool operator==(ReaderState const&) const = default;
};

// Follows readers and cards with SCardGetStatusChange, the PnP notification
// reader included, so that a reader plugged in later is found without
// polling. on_change is called on the monitor's thread whenever the state
// changes (and once at start). When pcscd is not running it retries every
// two seconds.
class PcscMonitor {
public:
    PcscMonitor(ReaderPolicy policy, std::function<void(ReaderState const&)> on_change);
    ~PcscMonitor();
    PcscMonitor(PcscMonitor const&) = delete;
    PcscMonitor& operator=(PcscMonitor const&) = delete;

    ReaderState state() const;

private:
    void run();
    void publish(ReaderState state);

    ReaderPolicy m_policy;
    std::function<void(ReaderState const&)> m_on_change;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    ReaderState m_state;
    bool m_published { false };
    std::atomic<bool> m_stopping { false };
    std::atomic<std::intptr_t> m_context { 0 };
    std::thread m_thread;
};

}
