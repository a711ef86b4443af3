// What the hub keeps, behind one interface with two implementations: SQLite
// (one file, WAL; the default, for a site or a small fleet) and PostgreSQL
// (a fleet). Both pass the same test suite (HubStoreTest in tests/sync/hub_tests.cpp).
//
// Writes are durable when the call returns. Implementations commit several
// concurrent writers' work in one transaction (group commit), so that
// thousands of kiosks pushing at once cost one disk sync per batch, not one
// each; a write's result is handed back only after its batch committed.
//
// Every method is safe to call from many threads at once. Error codes:
// "store.*" as in the kiosk's store (io, busy, corrupt, disk_full), plus
// the "hub.*" codes named on each method.
#pragma once

#include "kiosk/core/ports.hpp"
#include "kiosk/core/result.hpp"
#include "kiosk/core/usage.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::hub {

struct Site {
    std::string id; // short, chosen by the administrator: "mairie-chalons"
    std::string name; // "Maison France Services de Châlons"
    std::int64_t created_at { 0 };
    // The site's appointment week, in the kiosk's creneaux.json format;
    // empty when the site books no appointment.
    std::string slots;
};

struct EnrollmentCode {
    // SHA-256 of the normalised code: the code itself is shown once and
    // never stored.
    std::string code_hash;
    std::string site_id;
    std::int64_t created_at { 0 };
    std::int64_t expires_at { 0 };
    std::optional<std::int64_t> used_at;
    std::optional<std::string> kiosk_id;
};

struct Kiosk {
    std::string id;
    std::string site_id;
    std::string public_key; // Ed25519, base64
    std::int64_t enrolled_at { 0 };
    std::optional<std::int64_t> revoked_at;
    std::optional<std::int64_t> last_seen_at;
    // The last heartbeat's JSON, as the kiosk sent it (nothing personal).
    std::string heartbeat;
};

// A dossier as a kiosk pushes it. `sealed` is the base64 sealed box; the
// hub stores it as it came and opens it only when an administrator reads it.
struct IncomingDossier {
    std::string kiosk_id;
    std::string idempotency_key;
    std::string tracking_code;
    std::string demarche_id;
    std::int64_t confirmed_at { 0 };
    std::string sealed;
};

enum class IngestOutcome {
    Stored, // new
    AlreadyStored, // the same kiosk sent the same key before: nothing written
};

struct Ingested {
    IngestOutcome outcome { IngestOutcome::Stored };
    std::int64_t dossier_id { 0 };
    std::int64_t received_at { 0 };
};

struct DossierRecord {
    std::int64_t id { 0 };
    std::string kiosk_id;
    std::string site_id;
    std::string idempotency_key;
    std::string tracking_code;
    std::string demarche_id;
    std::int64_t confirmed_at { 0 };
    std::int64_t received_at { 0 };
    RequestState state { RequestState::Received };
    std::int64_t state_changed_at { 0 };
    std::optional<std::int64_t> exported_at;
    std::string sealed;
};

struct DossierFilter {
    std::optional<std::string> site_id;
    std::optional<RequestState> state;
    bool not_exported_only { false };
    // Ids above this one, oldest first: pages through every dossier.
    std::int64_t after_id { 0 };
    std::size_t limit { 1000 };
};

struct CatalogueVersion {
    std::int64_t version { 0 };
    std::string etag; // the document's SHA-256, quoted as HTTP wants it
    std::string document; // the exact bytes that were signed
    std::string signature; // base64 Ed25519
    std::int64_t published_at { 0 };
};

// For /metrics and the fleet page.
struct HubCounts {
    std::int64_t sites { 0 };
    std::int64_t kiosks { 0 };
    std::int64_t revoked_kiosks { 0 };
    std::int64_t dossiers { 0 };
    std::int64_t dossiers_not_exported { 0 };
};

struct HeartbeatRecord {
    std::string kiosk_id;
    std::string heartbeat; // JSON
    std::int64_t received_at { 0 };
};

// A person who helps residents from the mediator console (issue 7).
enum class MediatorRole {
    Mediator, // takes help requests
    Administrator, // the same, and reads the audit log of everyone
};

struct Mediator {
    std::string login; // what they type at the console: "marie.dupont"
    std::string display_name; // what the kiosk's banner says: "Marie"
    MediatorRole role { MediatorRole::Mediator };
    // libsodium's crypto_pwhash_str (Argon2id, its own salt and limits).
    std::string password_hash;
    std::int64_t created_at { 0 };
    std::optional<std::int64_t> disabled_at;
};

// An agent of a site's desk, who may unlock agent-assisted mode on the
// site's kiosks (issue 7): with their badge on the card reader and their
// PIN, or with the PIN alone when they have no badge. The kiosks get the
// site's agents (GET /v1/agents) and check PINs themselves.
//
// A technician is an agent of another kind: their PIN (alone, never a
// badge) opens the kiosk's technician screens behind a long press in a
// corner of its welcome screen, and never agent mode; a desk agent's PIN
// does not open the technician screens.
struct Agent {
    std::string id; // "paul.leroy"
    std::string display_name; // what the kiosk and the mandate say: "Paul Leroy, agent d'accueil"
    std::string site_id;
    // The badge's UID, upper-case hex, as `kioskctl card badge` reads it;
    // none: the PIN alone unlocks.
    std::optional<std::string> badge;
    // libsodium's crypto_pwhash_str (Argon2id) of the PIN.
    std::string pin_hash;
    std::int64_t created_at { 0 };
    std::optional<std::int64_t> disabled_at;
    bool technician { false }; // the column `role`: "desk" or "technician"
};

// One line of the help audit log: who did what for which kiosk, when.
// `detail` is JSON and never holds what was typed into a personal field
// (Hub's help desk writes it; docs/sync.md, "Help").
struct AuditEntry {
    std::int64_t id { 0 };
    std::int64_t at { 0 };
    std::string help_id;
    std::string kiosk_id;
    std::string mediator_login; // empty for what the kiosk or the hub did
    std::string action; // "requested", "accepted", "message", "point", "control_requested", ...
    std::string detail; // JSON object, "{}" when there is nothing to add
};

struct AuditFilter {
    std::optional<std::string> help_id;
    std::optional<std::string> kiosk_id;
    // Ids above this one, oldest first.
    std::int64_t after_id { 0 };
    std::size_t limit { 1000 };
};

// One usage event as the hub keeps it (kiosk/core/usage.hpp): anonymous,
// every value from a closed list or a catalogue id. `event.visit` is unused:
// `visit` is the kiosk's random id for the visit.
struct UsageRecord {
    std::string kiosk_id;
    std::string site_id;
    std::string event_id;
    std::string visit;
    std::int64_t received_at { 0 };
    UsageEvent event;
};

struct UsageIngested {
    std::int64_t stored { 0 };
    std::int64_t duplicates { 0 }; // the same (kiosk, event id) was already here
};

// Events whose `at` is in [from, to), of one site or all, in no order.
struct UsageFilter {
    std::optional<std::string> site_id;
    std::int64_t from { 0 };
    std::int64_t to { INT64_MAX };
};

class HubStore {
public:
    virtual ~HubStore() = default;

    // "hub.site_exists"
    virtual Result<void> add_site(Site const& site) = 0;
    virtual Result<std::vector<Site>> sites() = 0;
    virtual Result<std::optional<Site>> site(std::string_view id) = 0;
    // "hub.unknown_site"
    virtual Result<void> set_site_slots(std::string_view site_id, std::string_view slots) = 0;

    // "hub.unknown_site"
    virtual Result<void> add_enrollment_code(EnrollmentCode const& code) = 0;
    // Consumes the code and records the kiosk in one transaction, so that a
    // code enrolls one kiosk however many try at once. `kiosk.site_id` is
    // taken from the code. "hub.code_unknown", "hub.code_used",
    // "hub.code_expired", "hub.key_enrolled" (this public key already is).
    virtual Result<Kiosk> enroll(std::string_view code_hash, Kiosk kiosk, std::int64_t now) = 0;

    virtual Result<std::optional<Kiosk>> kiosk(std::string_view id) = 0;
    virtual Result<std::vector<Kiosk>> kiosks() = 0;
    // "hub.unknown_kiosk"
    virtual Result<void> revoke(std::string_view kiosk_id, std::int64_t now) = 0;
    virtual Result<void> record_heartbeat(std::string_view kiosk_id, std::string_view heartbeat, std::int64_t now) = 0;
    // Many heartbeats in one transaction (Hub::flush_heartbeats); a kiosk
    // that does not exist is skipped.
    virtual Result<void> record_heartbeats(std::vector<HeartbeatRecord> const& heartbeats) = 0;

    // Stores the dossier once: the same (kiosk, idempotency key) again
    // answers AlreadyStored with the first copy's id. "hub.key_reused": the
    // key came back with a different tracking code (a kiosk bug).
    virtual Result<Ingested> ingest(IncomingDossier const& dossier, std::int64_t now) = 0;
    // The same, answering `done` once the dossier is durable (or refused),
    // possibly on another thread, so that the caller need not wait: SQLite
    // answers from its group-commit writer. `done` must not block. By
    // default, ingest() then `done` on the caller's thread.
    using IngestDone = std::function<void(Result<Ingested>)>;
    // True when a read is served in this process from a local file without
    // ever waiting for the writer (SQLite in WAL mode): the server may then
    // authenticate a push on its I/O thread. False for a database server,
    // where a read is a round trip.
    virtual bool reads_are_local() const { return false; }
    virtual void ingest_async(IncomingDossier dossier, std::int64_t now, IngestDone done)
    {
        done(ingest(dossier, now));
    }
    // Every dossier with this tracking code (codes are unique per kiosk
    // only), newest first, without the sealed payload.
    virtual Result<std::vector<DossierRecord>> find_by_code(std::string_view tracking_code) = 0;
    virtual Result<std::optional<DossierRecord>> dossier(std::int64_t id) = 0;
    // Without the sealed payload unless `with_payload`.
    virtual Result<std::vector<DossierRecord>> dossiers(DossierFilter const& filter, bool with_payload = false) = 0;
    // "hub.unknown_dossier"
    virtual Result<void> set_state(std::int64_t dossier_id, RequestState state, std::int64_t now) = 0;
    virtual Result<void> mark_exported(std::vector<std::int64_t> const& ids, std::int64_t now) = 0;

    // Returns the new version's number (1, 2, ...).
    virtual Result<std::int64_t> publish_catalogue(CatalogueVersion const& version) = 0;
    virtual Result<std::optional<CatalogueVersion>> latest_catalogue() = 0;
    // The latest version's ETag alone, without reading its document (every
    // heartbeat's answer names it).
    virtual Result<std::optional<std::string>> latest_catalogue_etag() = 0;

    virtual Result<HubCounts> counts() = 0;

    // [SECTION] Mediators and the help audit log

    // "hub.mediator_exists"
    virtual Result<void> add_mediator(Mediator const& mediator) = 0;
    virtual Result<std::optional<Mediator>> mediator(std::string_view login) = 0;
    virtual Result<std::vector<Mediator>> mediators() = 0;
    // "hub.unknown_mediator"
    virtual Result<void> set_mediator_password(std::string_view login, std::string_view password_hash) = 0;
    // Disabled mediators cannot log in; their past lines in the audit log
    // stay. "hub.unknown_mediator"
    virtual Result<void> disable_mediator(std::string_view login, std::int64_t now) = 0;

    // [SECTION] The desk's agents

    // "hub.agent_exists"; "hub.unknown_site"; "hub.badge_taken" when another
    // agent of the site holds that badge.
    virtual Result<void> add_agent(Agent const& agent) = 0;
    virtual Result<std::optional<Agent>> agent(std::string_view id) = 0;
    // Every agent, disabled ones included, by id; of one site when given.
    virtual Result<std::vector<Agent>> agents(std::optional<std::string> const& site_id) = 0;
    // "hub.unknown_agent"
    virtual Result<void> set_agent_pin(std::string_view id, std::string_view pin_hash) = 0;
    // "hub.unknown_agent", "hub.badge_taken"
    virtual Result<void> set_agent_badge(std::string_view id, std::optional<std::string> const& badge) = 0;
    // Kiosks forget a disabled agent at their next pull; their badge is
    // taken back, free for another agent. "hub.unknown_agent"
    virtual Result<void> disable_agent(std::string_view id, std::int64_t now) = 0;

    // [SECTION] Usage figures

    // Stores each event once per (kiosk, event id), in one transaction.
    virtual Result<UsageIngested> ingest_usage(std::vector<UsageRecord> const& records) = 0;
    virtual Result<std::vector<UsageRecord>> usage_events(UsageFilter const& filter) = 0;

    // Returns the entry's id. Durable when it returns, like every write.
    virtual Result<std::int64_t> append_audit(AuditEntry const& entry) = 0;
    virtual Result<std::vector<AuditEntry>> audit(AuditFilter const& filter) = 0;
};

std::string_view to_wire(MediatorRole role);
std::optional<MediatorRole> mediator_role_from_wire(std::string_view text);

// "sqlite:PATH", a plain path (SQLite), or "postgresql://..." /
// "postgres://...". "hub.bad_store_url" for anything else.
Result<std::unique_ptr<HubStore>> open_hub_store(std::string const& url);

}
