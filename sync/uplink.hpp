// The uplink: the kiosk's side of sync, on threads of its own so that the
// screen never waits for the network.
//
// The same worker sends the usage events the journal wrote (POST /v1/usage,
// at most every usage_period, after the dossiers), each batch deleted once
// the hub has answered for it.
//
// The outbox worker pushes every sealed dossier, oldest first, each with its
// idempotency key, and deletes it once the hub has acknowledged it. A
// failure backs off exponentially with jitter (1 s doubling up to 5 min,
// or longer when the hub says Retry-After), and a new dossier wakes it at
// once. The same worker sends the heartbeat and pulls the catalogue.
//
// The status worker answers "Suivre ma demande" with a short timeout, on its
// own connection, so a resident never waits behind a backlog.
//
// Nothing personal is logged: codes and ids of dossiers never appear, only
// counts and error codes.
#pragma once

#include "kiosk/core/ports.hpp"
#include "kiosk/core/result.hpp"
#include "kiosk/core/tracking_code.hpp"
#include "sync/identity.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace guichet {

struct UplinkSettings {
    std::filesystem::path store_path; // the outbox, <data>/kiosk.db
    // Pulled catalogues: <root>/<sha256>/ each, and <root>/current, a
    // symbolic link to the one in use.
    std::filesystem::path catalogue_root;
    // The site's appointment week from the hub, kept for the next start
    // (<data>/slots.json); empty: slots are not pulled.
    std::filesystem::path slots_file;
    // The site's desk agents from the hub, kept for the next start
    // (<data>/agents.json, 0600); empty: not pulled.
    std::filesystem::path agents_file;
    std::string software_version { "0.1.0" };
    // 0: as the hub says (at enrollment, then in each heartbeat's answer).
    std::chrono::seconds heartbeat_period { 0 };
    std::chrono::seconds catalogue_period { 900 };
    // How often usage events (sync/usage_journal.hpp) are sent, at most.
    std::chrono::milliseconds usage_period { 60000 };
    // False: no heartbeat at all (kioskctl sync push, which knows nothing
    // of the kiosk's devices and must not tell the hub they are gone).
    bool heartbeats { true };
    std::chrono::milliseconds backoff_base { 1000 };
    std::chrono::milliseconds backoff_max { 300000 };
    std::chrono::milliseconds connect_timeout { 5000 };
    std::chrono::milliseconds request_timeout { 15000 };
    std::chrono::milliseconds status_timeout { 5000 };
};

// What the uplink knows of its link to the hub.
struct UplinkState {
    bool reachable { false }; // the last exchange with the hub succeeded
    bool refused { false }; // the hub refuses this kiosk (revoked, unknown)
    std::size_t outbox_depth { 0 };
    std::int64_t last_sync_at { 0 }; // Unix seconds of the last ack, 0: never
    std::string last_error; // an error code, never personal
    std::int64_t clock_offset { 0 }; // seconds to add to ours to get the hub's

    bool operator==(UplinkState const&) const = default;
};

// What the kiosk says of its devices in the heartbeat.
struct PeripheralReport {
    std::string printer; // "ready", "out_of_paper", ...
    std::string card_reader; // "ready", "absent", "none"
};

// The hub's answer to a status query: the state, nothing (unknown code), or
// an error when the hub could not be asked.
using StatusAnswer = Result<std::optional<RequestStatus>>;

class Uplink {
public:
    struct Callbacks {
        // Called on the uplink's thread whenever the state changes.
        std::function<void(UplinkState const&)> on_state;
        // A new catalogue was verified and is now <root>/current.
        std::function<void(std::filesystem::path const& folder)> on_catalogue;
        std::function<PeripheralReport()> peripherals;
        // A new appointment week (creneaux.json format), checked, and
        // already written to slots_file.
        std::function<void(std::string const& schedule)> on_slots;
        // The site's agents changed (GET /v1/agents's body), already
        // written to agents_file.
        std::function<void(std::string const& agents)> on_agents;
    };

    Uplink(KioskIdentity identity, UplinkSettings settings, Callbacks callbacks);
    ~Uplink();
    Uplink(Uplink const&) = delete;
    Uplink& operator=(Uplink const&) = delete;

    // A dossier was saved: push now, whatever the backoff said.
    void wake();
    // Asks the hub; `answer` runs on the status thread.
    void ask_status(TrackingCode const& code, std::function<void(StatusAnswer)> answer);
    UplinkState state() const;

    // The pulled catalogue in use, if any: <root>/current when it exists.
    static std::optional<std::filesystem::path> current_catalogue(std::filesystem::path const& root);

    // The state both workers share; defined in uplink.cpp.
    struct Shared;

private:
    std::shared_ptr<Shared> m_shared;
    std::thread m_worker;
    std::thread m_status_worker;
};

}
