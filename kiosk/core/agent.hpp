// Agent-assisted mode, the core's side: a desk agent unlocks it at the kiosk
// with their badge on the card reader and their PIN, or with the PIN alone
// when they have no badge, and may then finish a démarche on the resident's
// behalf. The dossier then records a mandate modelled on Aidants Connect:
// who acted, for which démarche, for how long, and the resident's consent
// (the hash of the text they were shown, and when they accepted).
//
// Five wrong PINs in a row lock agent mode for 15 minutes. It leaves by
// itself after 2 minutes without a touch, and always with the session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace guichet {

struct AgentIdentity {
    std::string id; // "paul.leroy", as the hub knows them
    std::string name; // "Paul Leroy, agent d'accueil"

    bool operator==(AgentIdentity const&) const = default;
};

using AgentCheckId = std::uint64_t;

// The site's agents as the kiosk knows them (pulled from the hub), and the
// PIN check. Checking is slow on purpose (Argon2id), so check() returns at
// once and the answer comes back as an intent::AgentChecked with the same id.
//
// The site's technicians come in the same list: their PIN (never a badge)
// opens the technician screens (setup.hpp), and only those. A desk agent's
// PIN does not open them, nor a technician's agent mode.
class AgentDirectory {
public:
    virtual ~AgentDirectory() = default;
    // How many desk agents the kiosk knows: none, and agent mode is not
    // offered.
    virtual std::size_t size() const = 0;
    // How many technicians: none, and the technician screens cannot open.
    virtual std::size_t technicians() const = 0;
    // The agent whose badge this is (its UID, upper-case hex), if any.
    virtual std::optional<AgentIdentity> badge_holder(std::string_view badge) const = 0;
    // Checks `pin` for `agent_id` (after their badge), or, `agent_id`
    // empty, for every agent who has no badge.
    // The answer carries the SHA-256 of the consent text the resident will
    // read (agent_consent_text), for the mandate: the core computes no hash.
    virtual void check(std::string agent_id, std::string pin, AgentCheckId id) = 0;
    // Checks `pin` for every technician; answered in the same way, without
    // a consent's hash.
    virtual void check_technician(std::string pin, AgentCheckId id) = 0;
};

// What the dossier records of an agent who finished it for the resident.
struct Mandate {
    AgentIdentity agent;
    std::string demarche_id; // the scope: this démarche only
    std::int64_t started_at { 0 }; // the duration: this session, from here
    std::string consent_sha256; // of the consent text shown, as UTF-8
    std::int64_t consent_at { 0 };

    bool operator==(Mandate const&) const = default;
};

// The consent the resident reads before an agent acts for them.
std::string agent_consent_text(std::string_view agent_name);

}
