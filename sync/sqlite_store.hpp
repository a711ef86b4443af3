// The kiosk's DossierStore: an outbox of confirmed dossiers in one SQLite
// file, kept until the central services acknowledge them.
//
// The file also holds the two values that make tracking codes unique per
// kiosk: the next serial and the kiosk's code key (see tracking_code.hpp).
// A dossier and the serial it consumed are written in the same transaction,
// so a crash can never hand the same code to two residents, and save()
// returns only after that transaction is on disk (WAL, synchronous=FULL).
//
// Error codes, beyond those of the DossierStore port:
//   "store.too_new"  open(): the file was written by newer firmware (its
//                    schema version is above schema_version); it is left
//                    untouched. Seen after a firmware downgrade.
// save() also reports "store.disk_full" when the kiosk has used every
// tracking-code serial, which the resident should read the same way, and
// "store.not_enrolled" when it has no hub key to seal dossiers to.
//
// A SqliteStore is used from one thread. Several processes may open the
// same file; writers wait up to the busy timeout, then get "store.busy".
#pragma once

#include "kiosk/core/ports.hpp"
#include "sqlite.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace guichet {

// One dossier waiting in the outbox. `sealed` is the dossier's JSON sealed
// to the hub's public key (base64): the kiosk cannot read it back.
struct OutboxEntry {
    std::int64_t id { 0 };
    std::string tracking_code;
    // Sent with every delivery attempt, so that the hub stores the dossier
    // exactly once however many times the kiosk retries.
    std::string idempotency_key;
    std::string demarche_id;
    std::int64_t created_at { 0 }; // Unix seconds, when save() ran
    std::string sealed;
};

// One usage event waiting for the hub: its wire form (usage_event_json).
struct UsageRow {
    std::int64_t id { 0 };
    std::string event_id;
    std::string body;
};

// How the connection is configured, read back from SQLite rather than from
// what we asked for. For the technician's status page and for tests.
struct StoreDiagnostics {
    std::string journal_mode; // "wal"
    std::int64_t synchronous { 0 }; // 2 = FULL
    bool foreign_keys { false };
    bool secure_delete { false };
    std::int64_t schema_version { 0 };
};

class SqliteStore final : public DossierStore {
public:
    // The schema version this code writes; see the migrations in the .cpp.
    static constexpr std::int64_t schema_version = 5;
    static constexpr std::chrono::milliseconds default_busy_timeout { 2000 };

    // Opens the store, creating the file and its parent directories if
    // needed, and brings the schema up to date. A file that is not a
    // database ("store.corrupt") or comes from newer firmware
    // ("store.too_new") is refused without being written to.
    //
    // `seal_to` is the hub's box public key (from the kiosk's identity):
    // every dossier is sealed to it before it is written. Without it (a
    // kiosk not enrolled) save() fails with "store.not_enrolled"; the rest
    // works. Dossiers written unsealed by firmware before schema 4 are
    // sealed when the store is opened with a key.
    static Result<std::unique_ptr<SqliteStore>> open(std::filesystem::path const& path,
        std::vector<std::uint8_t> seal_to, std::chrono::milliseconds busy_timeout = default_busy_timeout);

    Result<TrackingCode> save(Dossier const& dossier) override;
    Result<UsageCounts> usage_counts() const override;
    Result<BookedSlots> booked_slots() const override;
    Result<std::optional<RequestStatus>> status(TrackingCode const& code) const override;
    // Kept in kiosk_state ('desk_day', 'desk_number'), in one transaction.
    Result<int> draw_desk_number(int day) override;
    Result<AgentLock> agent_lock() const override;
    Result<void> set_agent_lock(AgentLock const& lock) override;

    Result<std::size_t> outbox_depth() const;
    // Waiting dossiers, oldest first; at most `limit`, after id `after`.
    Result<std::vector<OutboxEntry>> outbox(std::size_t limit = SIZE_MAX, std::int64_t after = 0) const;
    // The hub holds the dossier: deletes it (secure_delete overwrites it
    // on disk) and records when the kiosk last synced. Deleting one that is
    // already gone is not an error (a second ack after a crash).
    Result<void> acknowledge(std::int64_t id, std::int64_t now);
    // Unix seconds of the last acknowledgement, 0 if none ever.
    Result<std::int64_t> last_sync_at() const;
    // The serial the next save() will use; also the number of dossiers ever
    // saved on this kiosk.
    Result<std::uint64_t> next_serial() const;
    Result<StoreDiagnostics> diagnostics() const;

    // Usage events (kiosk/core/usage.hpp). Written in one transaction; an
    // event id already there is skipped. Past `keep_at_most` waiting, the
    // oldest are deleted and counted (usage_dropped).
    static constexpr std::size_t default_usage_cap = 100'000;
    Result<void> record_usage(std::vector<UsageRow> const& rows, std::size_t keep_at_most = default_usage_cap);
    // Oldest first.
    Result<std::vector<UsageRow>> usage(std::size_t limit) const;
    // The hub holds every event up to this row id.
    Result<void> acknowledge_usage(std::int64_t up_to_id);
    Result<std::size_t> usage_depth() const;
    Result<std::int64_t> usage_dropped() const;

private:
    SqliteStore(sqlite::Connection connection, std::vector<std::uint8_t> seal_to);
    Result<void> seal_legacy_rows();

    sqlite::Connection m_connection;
    std::vector<std::uint8_t> m_seal_to;
};

}
