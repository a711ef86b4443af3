// The core's CardReader port, on a worker thread: the UI thread asks for a
// read and goes on drawing; the read's stages and its end come back through
// callbacks, called on the worker, which kiosk/main posts to the UI thread
// as intents. Where the channel comes from (a PC/SC reader or the simulated
// one) is the caller's choice.
#pragma once

#include "emrtd.hpp"
#include "pcsc.hpp"
#include "simulated_card.hpp"
#include "specimens.hpp"

#include "kiosk/core/card.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace guichet::card {

class CardService final : public CardReader {
public:
    using Connect = std::function<Result<std::unique_ptr<CardChannel>>()>;
    struct Callbacks {
        std::function<void(CardReadId, ReadStage)> stage;
        // Exactly once per read(). The result's data is personal: the
        // receiver moves it on and the service keeps no copy.
        std::function<void(CardReadId, Result<EmrtdRead>)> finished;
    };

    CardService(Connect connect, std::function<Date()> today, Callbacks callbacks);
    ~CardService() override;
    CardService(CardService const&) = delete;
    CardService& operator=(CardService const&) = delete;

    void read(mrz::AccessKey const& access, CardReadId id) override;

private:
    void run();

    Connect m_connect;
    std::function<Date()> m_today;
    Callbacks m_callbacks;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::pair<CardReadId, mrz::AccessKey>> m_queue;
    bool m_stopping { false };
    std::thread m_worker;
};

// The simulated reader: holds one specimen at a time, reports insertions
// and removals like the PC/SC monitor does, and hands out channels to the
// card on it. Removing the card while a read runs makes that read's next
// command fail with card.removed, as pulling a real card does.
class SimulatedReader {
public:
    explicit SimulatedReader(std::function<void(ReaderState const&)> on_change);

    // Lays the named specimen on the reader; false when there is none.
    bool insert(std::string_view specimen);
    void insert_mrz(std::string mrz, SimulatedCard::Faults faults = {});
    void remove();
    // Unplugging the reader itself.
    void set_plugged(bool plugged);
    ReaderState state() const;

    // A channel to the card there now. Error "card.removed" when there is
    // none, "card.reader_gone" when unplugged.
    Result<std::unique_ptr<CardChannel>> connect();

private:
    void publish();

    std::function<void(ReaderState const&)> m_on_change;
    mutable std::mutex m_mutex;
    bool m_plugged { true };
    std::optional<std::pair<std::string, SimulatedCard::Faults>> m_card;
    std::shared_ptr<std::atomic<std::uint64_t>> m_generation;
};

}
