#include "agent_directory.hpp"

#include "crypto.hpp"
#include "private_file.hpp"

#include "kiosk/core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace guichet {

HubAgentDirectory::HubAgentDirectory(Answer answer)
    : m_answer(std::move(answer))
    , m_worker([this] { run(); })
{
}

HubAgentDirectory::~HubAgentDirectory()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        for (auto& job : m_jobs)
            wipe(job.pin);
    }
    m_wake.notify_all();
    m_worker.join();
}

Result<void> HubAgentDirectory::load(std::string_view json)
{
    auto parsed = nlohmann::json::parse(json, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("agents") || !parsed["agents"].is_array())
        return Error::make("agents.invalid", "not {\"agents\": [...]}");
    std::vector<Known> agents;
    for (auto const& item : parsed["agents"]) {
        if (!item.is_object() || !item.value("id", nlohmann::json()).is_string()
            || !item.value("name", nlohmann::json()).is_string()
            || !item.value("pin_hash", nlohmann::json()).is_string())
            return Error::make("agents.invalid", "an agent lacks its id, name or PIN hash");
        auto badge = item.value("badge_sha256", nlohmann::json());
        if (!badge.is_null() && !badge.is_string())
            return Error::make("agents.invalid", "a badge_sha256 is not a string");
        // No role: a hub from before roles, whose agents are all at the
        // desk. A role this kiosk does not know grants nothing here.
        auto role = item.value("role", nlohmann::json("desk"));
        if (!role.is_string())
            return Error::make("agents.invalid", "a role is not a string");
        if (role != "desk" && role != "technician")
            continue;
        bool technician = role == "technician";
        agents.push_back(Known { { item["id"].get<std::string>(), item["name"].get<std::string>() },
            badge.is_string() && !technician ? badge.get<std::string>() : std::string(),
            item["pin_hash"].get<std::string>(), technician });
    }
    std::lock_guard lock(m_mutex);
    m_agents = std::move(agents);
    return {};
}

Result<void> HubAgentDirectory::load_file(std::filesystem::path const& path)
{
    auto text = GUICHET_TRY(read_private_file(path));
    return load(text);
}

std::size_t HubAgentDirectory::size() const
{
    std::lock_guard lock(m_mutex);
    return static_cast<std::size_t>(
        std::count_if(m_agents.begin(), m_agents.end(), [](Known const& agent) { return !agent.technician; }));
}

std::size_t HubAgentDirectory::technicians() const
{
    std::lock_guard lock(m_mutex);
    return static_cast<std::size_t>(
        std::count_if(m_agents.begin(), m_agents.end(), [](Known const& agent) { return agent.technician; }));
}

std::optional<AgentIdentity> HubAgentDirectory::badge_holder(std::string_view badge) const
{
    auto digest = crypto::sha256_hex(badge);
    std::lock_guard lock(m_mutex);
    for (auto const& agent : m_agents) {
        if (!agent.technician && !agent.badge_sha256.empty() && agent.badge_sha256 == digest)
            return agent.identity;
    }
    return std::nullopt;
}

void HubAgentDirectory::check(std::string agent_id, std::string pin, AgentCheckId id)
{
    queue(Job { std::move(agent_id), std::move(pin), id, false });
    wipe(pin); // moved from, a short string keeps its bytes
}

void HubAgentDirectory::check_technician(std::string pin, AgentCheckId id)
{
    queue(Job { {}, std::move(pin), id, true });
    wipe(pin);
}

void HubAgentDirectory::queue(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
    }
    wipe(job.pin);
    m_wake.notify_one();
}

void HubAgentDirectory::run()
{
    for (;;) {
        Job job;
        std::vector<Known> candidates;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
            if (m_stopping)
                return;
            job = std::move(m_jobs.front());
            wipe(m_jobs.front().pin);
            m_jobs.pop_front();
            // After a badge, that agent's PIN only; without one, the PIN of
            // any agent who has no badge. A technician's, for the technician
            // screens only.
            for (auto const& agent : m_agents) {
                if (agent.technician != job.technician)
                    continue;
                if (job.technician
                    || (job.agent_id.empty() ? agent.badge_sha256.empty() : agent.identity.id == job.agent_id))
                    candidates.push_back(agent);
            }
        }
        std::optional<AgentIdentity> found;
        for (auto const& agent : candidates) {
            if (crypto::verify_password(agent.pin_hash, job.pin)) {
                found = agent.identity;
                break;
            }
        }
        wipe(job.pin);
        std::string consent;
        if (found && !job.technician)
            consent = crypto::sha256_hex(agent_consent_text(found->name));
        m_answer(job.id, std::move(found), std::move(consent));
    }
}

}
