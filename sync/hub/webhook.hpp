// Pushes dossiers to the back office as they arrive: every dossier not yet
// exported is POSTed, opened, as JSON lines (batches of up to 100) to a
// configured URL; a batch counts as exported only once the back office
// answered 2xx. A failure is retried with exponential backoff (5 s doubling
// to 5 min), so a back office that was down receives everything, once it is
// back, in order. "Once" is at-least-once: a back office that stored a
// batch but whose answer was lost gets it again, and should deduplicate on
// the dossier's `id` (docs/sync.md).
#pragma once

#include "hub.hpp"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

namespace guichet::hub {

struct WebhookSettings {
    std::string url; // "https://back-office.example.fr/guichet/dossiers"
    // Sent as "Authorization: Bearer ..." when not empty.
    std::string bearer_token;
    // The CA for an https URL; empty: the system's CAs.
    std::filesystem::path ca_file;
    std::chrono::milliseconds period { 10000 };
    std::chrono::milliseconds backoff_base { 5000 };
    std::chrono::milliseconds backoff_max { 300000 };
};

class WebhookExporter {
public:
    WebhookExporter(Hub& hub, WebhookSettings settings);
    ~WebhookExporter();
    WebhookExporter(WebhookExporter const&) = delete;
    WebhookExporter& operator=(WebhookExporter const&) = delete;

    // Dossiers arrived: export without waiting for the period.
    void wake();
    // Batches the back office has taken since the start.
    std::uint64_t delivered() const;

private:
    void run();
    Result<void> deliver(std::string const& lines);

    Hub& m_hub;
    WebhookSettings m_settings;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping { false };
    bool m_woken { false };
    std::uint64_t m_delivered { 0 };
    std::thread m_thread;
};

}
