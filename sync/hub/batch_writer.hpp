// The writer thread of both hub stores (group commit): callers queue tasks
// and wait; the thread takes every task queued at that moment (up to 1024)
// and hands them to the store's commit function as one batch, which runs
// them in one transaction and fulfils each task's promise after COMMIT.
#pragma once

#include "thread_name.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace guichet::hub {

template<typename Task> class BatchWriter {
public:
    using Commit = std::function<void(std::vector<Task*>)>;

    explicit BatchWriter(Commit commit)
        : m_commit(std::move(commit))
        , m_thread([this] {
            name_this_thread("hub-writer");
            loop();
        })
    {
    }

    // Commits what is queued, then stops.
    ~BatchWriter()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_all();
        m_thread.join();
    }

    BatchWriter(BatchWriter const&) = delete;
    BatchWriter& operator=(BatchWriter const&) = delete;

    // The caller keeps `task` alive until its promise is fulfilled.
    void submit(Task& task)
    {
        {
            std::lock_guard lock(m_mutex);
            m_queue.push_back(&task);
        }
        m_wake.notify_one();
    }

private:
    void loop()
    {
        for (;;) {
            std::vector<Task*> batch;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
                if (m_queue.empty())
                    return;
                while (!m_queue.empty() && batch.size() < 1024) {
                    batch.push_back(m_queue.front());
                    m_queue.pop_front();
                }
            }
            m_commit(std::move(batch));
        }
    }

    Commit m_commit;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Task*> m_queue;
    bool m_stopping { false };
    std::thread m_thread;
};

}
