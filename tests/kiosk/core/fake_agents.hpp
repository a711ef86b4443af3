// A stand-in for the AgentDirectory port: two agents, Paul with a badge
// and PIN 123456, Léa with PIN 2468 alone; it records the checks asked and
// gives the answer the real directory (sync/agent_directory, tested with
// Argon2id) would.
#pragma once

#include "kiosk/core/session.hpp"

#include <string>
#include <tuple>
#include <vector>

namespace guichet {

class FakeAgents final : public AgentDirectory {
public:
    std::size_t size() const override { return 2; }
    std::size_t technicians() const override { return technician_count; }
    std::optional<AgentIdentity> badge_holder(std::string_view badge) const override
    {
        if (badge == "04A1B2C3D4E5F6")
            return AgentIdentity { "paul.leroy", "Paul Leroy, agent d'accueil" };
        return std::nullopt;
    }
    void check(std::string agent_id, std::string pin, AgentCheckId id) override
    {
        checks.push_back({ agent_id, pin, id });
    }
    // Recorded as the agent "technician", whose PIN is 97531.
    void check_technician(std::string pin, AgentCheckId id) override { checks.push_back({ "technician", pin, id }); }
    // The answer the real directory would give to the last check.
    intent::AgentChecked answer() const
    {
        auto const& [agent_id, pin, id] = checks.back();
        if (agent_id == "technician")
            return { id,
                pin == "97531" ? std::optional(AgentIdentity { "tech.nord", "Technicien Nord" }) : std::nullopt, {} };
        if (agent_id == "paul.leroy" && pin == "123456")
            return { id, AgentIdentity { "paul.leroy", "Paul Leroy, agent d'accueil" }, "c0ffee" };
        if (agent_id.empty() && pin == "2468")
            return { id, AgentIdentity { "lea.martin", "Léa Martin" }, "beef" };
        return { id, std::nullopt, {} };
    }
    std::vector<std::tuple<std::string, std::string, AgentCheckId>> checks;
    std::size_t technician_count { 1 };
};

// The PIN pad opened, `pin` typed and sent, and the directory's answer.
inline void unlock_agent(Session& session, FakeAgents const& agents, std::string const& pin = "2468")
{
    session.dispatch(intent::OpenAgentGate {});
    for (char digit : pin)
        session.dispatch(intent::AgentPinKey { digit });
    session.dispatch(intent::AgentPinSubmit {});
    session.dispatch(agents.answer());
}

}
