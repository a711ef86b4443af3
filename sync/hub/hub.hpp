// The hub's behaviour, apart from HTTP: enrollment, authenticating a
// kiosk's signed request, taking dossiers in, answering a request's status,
// heartbeats, slots and catalogues. The HTTP server (server.hpp) and the
// administrators' CLI (main.cpp) both call this, so that the two never
// disagree.
//
// Errors carry codes the server maps to HTTP statuses (server.cpp,
// send_error; every route's codes are in docs/sync-api.yaml):
//   "auth.missing", "auth.bad_signature", "auth.unknown_kiosk" → 401
//   "auth.clock_skew" → 401, with the hub's time
//   "auth.revoked" → 403
//   "request.invalid" → 400
//   "hub.code_unknown", "hub.code_used", "hub.code_expired",
//   "hub.key_enrolled" → 403
//   "hub.unknown_site", "hub.unknown_kiosk", "hub.unknown_dossier" → 404
//   "hub.site_exists", "hub.key_reused" → 409
//   "store.*" → 503 with Retry-After
#pragma once

#include "hub_keys.hpp"
#include "hub_store.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace guichet::hub {

using Json = nlohmann::json;

struct HubSettings {
    // Told to kiosks at enrollment and in every heartbeat answer.
    int heartbeat_seconds { 60 };
    // How long an enrollment code stays usable.
    std::int64_t enrollment_code_lifetime { 7 * 24 * 3600 };
    std::string software_version { "0.1.0" };
    // Called after a push stored a new dossier (the webhook exporter
    // wakes on it). Must not block.
    std::function<void()> on_stored;
};

// What a signed request carries, read from its headers.
struct SignedRequest {
    std::string method;
    std::string target; // path and query, as sent
    std::string kiosk_id;
    std::string date; // Unix seconds, as text
    std::string mac; // base64
    std::string const* body { nullptr };
};

// A time for administrators: `format` as strftime's, in UTC.
std::string utc_text(std::int64_t unix_seconds, char const* format = "%Y-%m-%d %H:%M:%S UTC");
// The same in the hub's time zone: the process's (TZ, else the system's;
// `kiosk-hub serve --time-zone` sets it). Days of usage figures and open
// data are the town's days, not UTC's.
std::string local_text(std::int64_t unix_seconds, char const* format);
// The hub's time zone's name ("Europe/Paris"), as far as it can be told;
// "UTC" when none is set.
std::string time_zone_name();
// Text made safe inside HTML, between tags and in quoted attributes (the
// fleet and usage pages: site names are typed by administrators).
std::string html_escape(std::string_view text);

class Hub {
public:
    using Now = std::function<std::int64_t()>;
    Hub(HubStore& store, HubKeys const& keys, HubSettings settings, Now now);
    // Writes the heartbeats still held (flush_heartbeats).
    ~Hub();

    std::int64_t now() const { return m_now(); }
    // In constant time.
    bool admin_token_matches(std::string_view token) const;
    void set_on_stored(std::function<void()> on_stored) { m_settings.on_stored = std::move(on_stored); }
    HubSettings const& settings() const { return m_settings; }
    HubStore& store() { return m_store; }

    // [SECTION] Administration

    // Returns the code to give the technician ("K7QP-3HXM-WN4R"); only its
    // hash is kept.
    Result<std::string> create_enrollment_code(std::string const& site_id);
    // Checks the folder with the kiosk's loader and refuses it on the first
    // error ("catalogue.invalid", with every error in the detail), then
    // signs and stores it. Returns the version number.
    Result<std::int64_t> publish_catalogue(std::filesystem::path const& folder);
    // The opened dossier (its JSON), for an administrator.
    Result<std::string> open_dossier(DossierRecord const& record) const;
    // Exports dossiers not yet exported, opened, as JSON lines; marks each
    // batch once `deliver` said it was taken (and never before).
    Result<std::size_t> export_dossiers(std::function<Result<void>(std::string const&)> const& deliver);
    // Up to `limit` dossiers not yet exported, opened, as JSON lines,
    // without marking them (the back office acknowledges their ids).
    Result<std::string> export_batch(std::size_t limit);

    // [SECTION] The kiosks' API

    Result<Json> enroll(Json const& request);
    Result<Kiosk> authenticate(SignedRequest const& request);
    // Returns the answer and whether this push stored the dossier (false:
    // it was already here).
    Result<std::pair<Json, bool>> push_dossier(Kiosk const& kiosk, Json const& request);
    // The same, answering `done` once the dossier is durable, maybe on the
    // store's writer thread (HubStore::ingest_async): the server's workers
    // need not wait for the commit. `done` must not block.
    using PushDone = std::function<void(Result<std::pair<Json, bool>>)>;
    void push_dossier_async(Kiosk const& kiosk, Json const& request, PushDone done);
    // The state of a request by its code; nothing when unknown.
    Result<std::optional<Json>> request_status(std::string const& code);
    // Heartbeats are held in memory and written together once a second, in
    // one transaction: a commit each cost the hub about a millisecond of
    // CPU per heartbeat. A crash loses at most the last second of them, and
    // each kiosk says it all again a minute later.
    Result<Json> heartbeat(Kiosk const& kiosk, Json const& heartbeat);
    // Writes the heartbeats held now (also done once a second).
    Result<void> flush_heartbeats();
    // Every kiosk with its last heartbeat, those held in memory included:
    // what the fleet's readers (fleet page, /metrics, the kiosks' list) use.
    Result<std::vector<Kiosk>> kiosks();
    Result<Json> slots(Kiosk const& kiosk);
    // A batch of usage events (POST /v1/usage): each checked against the
    // closed lists (parse_usage_event), the acceptable ones stored once per
    // (kiosk, event id). Answers {"stored", "duplicates", "refused"}.
    Result<Json> push_usage(Kiosk const& kiosk, Json const& request);

    // Counters for /metrics.
    struct Counters {
        std::atomic<std::uint64_t> dossiers_stored { 0 };
        std::atomic<std::uint64_t> dossiers_duplicate { 0 };
        std::atomic<std::uint64_t> heartbeats { 0 };
        std::atomic<std::uint64_t> auth_failures { 0 };
        std::atomic<std::uint64_t> enrollments { 0 };
        std::atomic<std::uint64_t> usage_events { 0 };
        std::atomic<std::uint64_t> usage_refused { 0 };
    };
    Counters& counters() { return m_counters; }

private:
    HubStore& m_store;
    HubKeys const& m_keys;
    HubSettings m_settings;
    Now m_now;
    Counters m_counters;

    // Each kiosk's request key, by its public key (base64): an X25519
    // agreement costs ~100 µs, a MAC ~2 µs. Keyed by the public key, not
    // the id, so that the store stays the one word on who a kiosk is and
    // whether it is revoked. Never written anywhere.
    Result<crypto::SecretKey> request_key(std::string const& public_key);
    std::shared_mutex m_request_keys_mutex;
    std::unordered_map<std::string, crypto::SecretKey> m_request_keys;

    std::mutex m_heartbeats_mutex;
    std::condition_variable m_heartbeats_wake;
    std::map<std::string, HeartbeatRecord, std::less<>> m_heartbeats;
    bool m_stopping { false };
    // Started with the first heartbeat; the CLI never needs it.
    std::thread m_heartbeat_writer;
};

}
