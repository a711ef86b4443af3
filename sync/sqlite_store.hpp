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
// tracking-code serial, which the resident should read the same way.
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

// One dossier waiting in the outbox. `payload` is the dossier's JSON as the
// central services receive it; it holds personal data.
struct OutboxEntry {
    std::int64_t id { 0 };
    std::string tracking_code;
    // Sent with every delivery attempt, so that the hub stores the dossier
    // exactly once however many times the kiosk retries.
    std::string idempotency_key;
    std::string demarche_id;
    std::int64_t created_at { 0 }; // Unix seconds, when save() ran
    std::string payload;
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
    static constexpr std::int64_t schema_version = 3;
    static constexpr std::chrono::milliseconds default_busy_timeout { 2000 };

    // Opens the store, creating the file and its parent directories if
    // needed, and brings the schema up to date. A file that is not a
    // database ("store.corrupt") or comes from newer firmware
    // ("store.too_new") is refused without being written to.
    static Result<std::unique_ptr<SqliteStore>> open(
        std::filesystem::path const& path, std::chrono::milliseconds busy_timeout = default_busy_timeout);

    Result<TrackingCode> save(Dossier const& dossier) override;
    Result<UsageCounts> usage_counts() const override;
    Result<BookedSlots> booked_slots() const override;
    Result<std::optional<RequestStatus>> status(TrackingCode const& code) const override;

    Result<std::size_t> outbox_depth() const;
    // Every waiting dossier, oldest first.
    Result<std::vector<OutboxEntry>> outbox() const;
    // The serial the next save() will use; also the number of dossiers ever
    // saved on this kiosk.
    Result<std::uint64_t> next_serial() const;
    Result<StoreDiagnostics> diagnostics() const;

private:
    explicit SqliteStore(sqlite::Connection connection);

    sqlite::Connection m_connection;
};

}
