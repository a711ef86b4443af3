// The core's CardReader port, on a worker thread: the UI thread asks for a
// read (a document's DG1, or a badge's UID) and goes on drawing; the read's
// stages and its end come back through callbacks, called on the worker,
// which kiosk/main posts to the UI thread as intents. Where the channel
// comes from (a PC/SC reader or the simulated one) is the caller's choice.
#pragma once

#include "badge.hpp"
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
#include <variant>

namespace guichet::card {

class CardService final : public CardReader {
public:
    using Connect = std::function<Result<std::unique_ptr<CardChannel>>()>;
    struct Callbacks {
        std::function<void(CardReadId, ReadStage)> stage;
        // Exactly once per read(). The result's data is personal: the
        // receiver moves it on and the service keeps no copy.
        std::function<void(CardReadId, Result<EmrtdRead>)> finished;
        // Exactly once per read_badge(), when set: the UID in upper-case
        // hex, or empty when no badge answered (why is logged, by code).
        std::function<void(CardReadId, std::string)> badge;
    };

    CardService(Connect connect, std::function<Date()> today, Callbacks callbacks);
    ~CardService() override;
    CardService(CardService const&) = delete;
    CardService& operator=(CardService const&) = delete;

    void read(mrz::AccessKey const& access, CardReadId id) override;
    // Queued behind the reads asked before it, on the same worker: one
    // card, one conversation at a time.
    void read_badge(CardReadId id) override;

private:
    enum class JobKind {
        Document,
        Badge,
    };
    struct Job {
        JobKind kind { JobKind::Document };
        CardReadId id { 0 };
        mrz::AccessKey access; // a document's; empty for a badge
    };

    void run();
    void read_document(Job& job);
    void read_badge_now(CardReadId id);

    Connect m_connect;
    std::function<Date()> m_today;
    Callbacks m_callbacks;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_queue;
    bool m_stopping { false };
    std::thread m_worker;
};

// The simulated reader: holds one specimen or one badge at a time, reports
// insertions and removals like the PC/SC monitor does, and hands out
// channels to the card on it. Removing the card while a read runs makes
// that read's next command fail with card.removed, as pulling a real card
// does.
class SimulatedReader {
public:
    explicit SimulatedReader(std::function<void(ReaderState const&)> on_change);

    // Lays the named specimen on the reader, or with "badge:UID" an agent's
    // badge with that UID (badge_prefix, parse_badge_uid). False, and the
    // reader left as it was, when there is no such specimen or the UID is
    // not 4 to 10 bytes of hex.
    bool insert(std::string_view specimen);
    void insert_mrz(std::string mrz, SimulatedCard::Faults faults = {});
    void insert_badge(Bytes uid);
    void remove();
    // Unplugging the reader itself.
    void set_plugged(bool plugged);
    ReaderState state() const;

    // A channel to the card there now. Error "card.removed" when there is
    // none, "card.reader_gone" when unplugged.
    Result<std::unique_ptr<CardChannel>> connect();

private:
    struct LaidDocument {
        std::string mrz;
        SimulatedCard::Faults faults;
    };
    struct LaidBadge {
        Bytes uid;
    };
    using LaidCard = std::variant<LaidDocument, LaidBadge>;

    void lay(LaidCard card);
    void publish();

    std::function<void(ReaderState const&)> m_on_change;
    mutable std::mutex m_mutex;
    bool m_plugged { true };
    std::optional<LaidCard> m_card;
    std::shared_ptr<std::atomic<std::uint64_t>> m_generation;
};

}
