// The site's desk agents on the kiosk (kiosk/core/agent.hpp's port): the
// list the uplink pulls from the hub (GET /v1/agents, kept in
// DATA/agents.json, 0600), and the PIN check. Argon2id takes tens of
// milliseconds and 64 MiB a try, so checks run one at a time on a thread of
// their own and answer through a callback (kiosk/main posts an intent).
//
// What the file holds: each agent's id and name, the SHA-256 of their
// badge's UID (never the UID), the Argon2id hash of their PIN, and their
// role ("desk", or "technician"; a list from a hub before roles has none:
// desk agents all).
#pragma once

#include "kiosk/core/agent.hpp"
#include "kiosk/core/result.hpp"

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace guichet {

class HubAgentDirectory final : public AgentDirectory {
public:
    using Answer = std::function<void(AgentCheckId, std::optional<AgentIdentity>, std::string consent_sha256)>;

    explicit HubAgentDirectory(Answer answer);
    ~HubAgentDirectory() override;
    HubAgentDirectory(HubAgentDirectory const&) = delete;
    HubAgentDirectory& operator=(HubAgentDirectory const&) = delete;

    // The hub's answer, {"agents": [...]}: replaces the list. Error
    // "agents.invalid" (and the list kept) when it is not one.
    Result<void> load(std::string_view json);
    Result<void> load_file(std::filesystem::path const& path);
    std::size_t size() const override;
    std::size_t technicians() const override;

    std::optional<AgentIdentity> badge_holder(std::string_view badge) const override;
    void check(std::string agent_id, std::string pin, AgentCheckId id) override;
    void check_technician(std::string pin, AgentCheckId id) override;

private:
    struct Known {
        AgentIdentity identity;
        std::string badge_sha256; // empty: the PIN alone
        std::string pin_hash;
        bool technician { false };
    };
    struct Job {
        std::string agent_id;
        std::string pin;
        AgentCheckId id;
        bool technician { false };
    };
    void queue(Job job);
    void run();

    Answer m_answer;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<Known> m_agents;
    std::deque<Job> m_jobs;
    bool m_stopping { false };
    std::thread m_worker;
};

}
