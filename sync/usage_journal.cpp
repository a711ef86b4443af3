#include "usage_journal.hpp"

#include "kiosk/core/log.hpp"
#include "sync/crypto.hpp"
#include "sync/sqlite_store.hpp"

#include <nlohmann/json.hpp>

#include <memory>

namespace guichet {

UsageJournal::UsageJournal(std::filesystem::path store_path)
    : m_store_path(std::move(store_path))
{
    m_thread = std::thread([this] { run(); });
}

UsageJournal::~UsageJournal()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_ready.notify_all();
    m_thread.join();
}

void UsageJournal::record(UsageEvent const& event)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(event);
        ++m_queued;
    }
    m_ready.notify_one();
}

void UsageJournal::flush()
{
    std::unique_lock lock(m_mutex);
    auto target = m_queued;
    m_done.wait(lock, [&] { return m_finished >= target; });
}

void UsageJournal::run()
{
    std::unique_ptr<SqliteStore> store;
    // The visit the kiosk's session numbers, and the random id it gets on
    // the wire; a new number, a new id.
    std::uint64_t visit_number = 0;
    std::string visit_id;
    std::string last_error;
    for (;;) {
        std::vector<UsageEvent> batch;
        {
            std::unique_lock lock(m_mutex);
            m_ready.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty() && m_stopping)
                return;
            batch.swap(m_queue);
        }
        std::vector<UsageRow> rows;
        rows.reserve(batch.size());
        for (auto const& event : batch) {
            if (visit_id.empty() || event.visit != visit_number) {
                visit_number = event.visit;
                visit_id = crypto::random_hex(8);
            }
            auto id = crypto::random_hex(16);
            rows.push_back(UsageRow { 0, id, usage_event_json(event, id, visit_id).dump() });
        }
        if (!store) {
            // Without the hub's key: usage is not sealed, and the store
            // needs the key only to save dossiers.
            auto opened = SqliteStore::open(m_store_path, {});
            if (opened.ok())
                store = opened.release_value();
            else if (opened.error().code != last_error)
                log(LogLevel::Error, "usage", "cannot open the store for usage events: " + opened.error().code);
            if (!opened.ok())
                last_error = opened.error().code;
        }
        if (store) {
            auto written = store->record_usage(rows);
            if (!written.ok()) {
                if (written.error().code != last_error)
                    log(LogLevel::Error, "usage",
                        std::to_string(rows.size()) + " usage event(s) not kept: " + written.error().code);
                last_error = written.error().code;
            } else {
                last_error.clear();
            }
        }
        {
            std::lock_guard lock(m_mutex);
            m_finished += batch.size();
        }
        m_done.notify_all();
    }
}

}
