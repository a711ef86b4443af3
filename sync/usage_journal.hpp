// The kiosk's UsageLog: usage events (kiosk/core/usage.hpp) written to the
// store's usage_event table on a thread of its own, so that a touch never
// waits for the disk. The uplink sends them to the hub (POST /v1/usage) and
// deletes them once acknowledged; the hub keys them by their id, so an event
// sent twice (an ack lost, a crash before the delete) is counted once.
//
// Each event gets a random id here, and each visit a random id: the events
// of one visit can be put together, and nothing else can be derived from
// them (no counter, no clock, no kiosk in the id).
//
// What can be lost: events recorded in the last instant before a kill -9
// or a power cut (written within milliseconds, in batches), and the oldest
// ones when more than the store's cap wait for a hub gone for months
// (counted, kiosk_state 'usage_dropped'). A write that fails (a full disk) is
// logged with its error code and the batch is dropped: statistics never
// stand in the way of a dossier.
#pragma once

#include "kiosk/core/usage.hpp"

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace guichet {

class UsageJournal final : public UsageLog {
public:
    // `store_path`: the kiosk's SQLite file (<data>/kiosk.db).
    explicit UsageJournal(std::filesystem::path store_path);
    ~UsageJournal() override; // writes what is queued, then stops
    UsageJournal(UsageJournal const&) = delete;
    UsageJournal& operator=(UsageJournal const&) = delete;

    void record(UsageEvent const& event) override;
    // Blocks until every event recorded so far is written (or dropped);
    // for tests and for a clean stop.
    void flush();

private:
    void run();

    std::filesystem::path m_store_path;
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::condition_variable m_done;
    std::vector<UsageEvent> m_queue;
    std::uint64_t m_queued { 0 };
    std::uint64_t m_finished { 0 };
    bool m_stopping { false };
    std::thread m_thread;
};

}
