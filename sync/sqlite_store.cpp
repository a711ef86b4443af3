// The SQLite outbox: opening and configuring the file, the schema
// migrations, and saving a dossier together with the serial it consumed.
#include "sqlite_store.hpp"

#include "kiosk/core/utf8.hpp"
#include "sync/crypto.hpp"

#include <sqlite3.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <exception>
#include <span>
#include <sys/random.h>
#include <system_error>

namespace guichet {

namespace {

// [SECTION] Randomness

// Straight from the kernel, with no state in our process: a child forked
// after the store was opened draws different keys from its parent, which a
// user-space generator copied by fork() would not.
Result<void> fill_random(std::span<std::uint8_t> bytes)
{
    std::size_t filled = 0;
    while (filled < bytes.size()) {
        ssize_t got = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return Error::make("store.io", "getrandom: " + std::generic_category().message(errno));
        }
        filled += static_cast<std::size_t>(got);
    }
    return {};
}

Result<std::int64_t> random_code_key()
{
    std::array<std::uint8_t, 8> bytes {};
    GUICHET_TRY(fill_random(bytes));
    std::uint64_t key = 0;
    for (auto byte : bytes)
        key = (key << 8) | byte;
    // 63 bits, so that the key is a non-negative SQLite INTEGER.
    return static_cast<std::int64_t>(key >> 1);
}

Result<std::string> random_idempotency_key()
{
    std::array<std::uint8_t, 16> bytes {};
    GUICHET_TRY(fill_random(bytes));
    constexpr std::string_view digits = "0123456789abcdef";
    std::string key;
    key.reserve(bytes.size() * 2);
    for (auto byte : bytes) {
        key.push_back(digits[byte >> 4]);
        key.push_back(digits[byte & 0xF]);
    }
    return key;
}

// [SECTION] Schema migrations

// Migration N takes the schema from version N-1 to N; PRAGMA user_version
// records the last one applied. Each runs in its own transaction with the
// version bump, so a kiosk that loses power mid-upgrade resumes from the last
// complete step. Never edit a migration that has shipped: append a new one.
struct Migration {
    char const* sql;
    // Runs after `sql`, in the same transaction, for what plain SQL cannot
    // do (values drawn from the kernel).
    Result<void> (*seed)(sqlite3* connection);
};

Result<void> seed_kiosk_state(sqlite3* connection)
{
    // The code key is drawn once, when the file is created, and never again:
    // a new key would map future serials onto codes already handed out.
    auto key = GUICHET_TRY(random_code_key());
    auto insert = GUICHET_TRY(sqlite::Statement::prepare(connection,
        "INSERT INTO kiosk_state(key, value) VALUES ('next_serial', 0), ('code_key', ?1)", "seed kiosk state"));
    GUICHET_TRY(insert.bind(1, key));
    GUICHET_TRY(insert.step());
    return {};
}

constexpr std::array<Migration, 5> migrations { {
    { R"sql(
        CREATE TABLE kiosk_state (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            tracking_code TEXT NOT NULL UNIQUE,
            idempotency_key TEXT NOT NULL UNIQUE,
            demarche_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            payload TEXT NOT NULL
        );
    )sql",
        seed_kiosk_state },
    // How many times each démarche was completed on this kiosk, so that the
    // home screen shows the most used first. Anonymous: an id and a count,
    // kept after the dossiers themselves have left.
    { R"sql(
        CREATE TABLE demarche_usage (
            demarche_id TEXT PRIMARY KEY,
            completed INTEGER NOT NULL
        );
    )sql",
        nullptr },
    // Appointment slots taken by dossiers saved here, so that two residents
    // never get the same time from this kiosk (the central services will
    // arbitrate between kiosks).
    { R"sql(
        CREATE TABLE booked_slot (
            slot_id TEXT PRIMARY KEY,
            booked_at INTEGER NOT NULL
        );
    )sql",
        nullptr },
    // Dossiers sealed to the hub's key (sync): nothing personal is readable
    // at rest. Rows written in clear by earlier firmware wait in
    // outbox_unsealed until the store is opened with the hub's key, which
    // seals and moves them (seal_legacy_rows). last_sync records the last
    // acknowledgement, for the heartbeat and the technician.
    { R"sql(
        ALTER TABLE outbox RENAME TO outbox_unsealed;
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            tracking_code TEXT NOT NULL UNIQUE,
            idempotency_key TEXT NOT NULL UNIQUE,
            demarche_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            sealed TEXT NOT NULL
        );
        INSERT INTO kiosk_state(key, value) VALUES ('last_sync_at', 0);
    )sql",
        nullptr },
    // Usage events (kiosk/core/usage.hpp), anonymous, waiting for the hub:
    // the wire form as it will be sent, under the id the hub keys it by.
    { R"sql(
        CREATE TABLE usage_event (
            id INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL
        );
        INSERT INTO kiosk_state(key, value) VALUES ('usage_dropped', 0);
    )sql",
        nullptr },
} };

static_assert(migrations.size() == SqliteStore::schema_version);

Error too_new(std::int64_t version)
{
    return Error::make("store.too_new",
        "schema version " + std::to_string(version) + " is newer than this firmware's "
            + std::to_string(SqliteStore::schema_version));
}

Result<void> migrate(sqlite3* connection)
{
    for (;;) {
        auto version = GUICHET_TRY(sqlite::query_int64(connection, "PRAGMA user_version", "read schema version"));
        if (version > SqliteStore::schema_version)
            return too_new(version);
        if (version == SqliteStore::schema_version)
            return {};

        auto transaction = GUICHET_TRY(sqlite::Transaction::begin_immediate(connection, "migrate schema"));
        // Another process may have migrated while we waited for the lock.
        if (GUICHET_TRY(sqlite::query_int64(connection, "PRAGMA user_version", "read schema version")) != version)
            continue;
        auto const& migration = migrations[static_cast<std::size_t>(version)];
        GUICHET_TRY(sqlite::execute(connection, migration.sql, "migrate schema"));
        if (migration.seed)
            GUICHET_TRY(migration.seed(connection));
        // PRAGMA takes no parameters; the value is our own integer.
        auto bump = "PRAGMA user_version = " + std::to_string(version + 1);
        GUICHET_TRY(sqlite::execute(connection, bump.c_str(), "record schema version"));
        GUICHET_TRY(transaction.commit());
    }
}

// [SECTION] Connection settings

Result<void> configure(sqlite3* connection)
{
    // WAL: a commit appends to the log and syncs it once, and a crash at any
    // point leaves either the whole transaction or none of it. It is the
    // file's persistent mode, so check that SQLite really switched: it
    // quietly keeps the old mode where WAL is unavailable.
    auto mode = GUICHET_TRY(sqlite::query_text(connection, "PRAGMA journal_mode=WAL", "set journal mode"));
    if (mode != "wal")
        return Error::make("store.io", "journal mode is '" + mode + "', expected 'wal'");

    // FULL syncs the log at every commit; NORMAL would let a power cut
    // undo a dossier whose receipt was already printed.
    GUICHET_TRY(sqlite::execute(connection, "PRAGMA synchronous=FULL", "set synchronous"));
    GUICHET_TRY(sqlite::execute(connection, "PRAGMA foreign_keys=ON", "enable foreign keys"));
    // Dossiers acknowledged by the hub are deleted; their personal data must
    // not survive in free pages.
    GUICHET_TRY(sqlite::execute(connection, "PRAGMA secure_delete=ON", "enable secure delete"));

    if (GUICHET_TRY(sqlite::query_int64(connection, "PRAGMA synchronous", "read synchronous")) != 2)
        return Error::make("store.io", "synchronous is not FULL");
    if (GUICHET_TRY(sqlite::query_int64(connection, "PRAGMA secure_delete", "read secure_delete")) != 1)
        return Error::make("store.io", "secure_delete is off");
    return {};
}

Result<std::int64_t> read_state(sqlite3* connection, char const* key, std::string_view operation)
{
    auto select = GUICHET_TRY(
        sqlite::Statement::prepare(connection, "SELECT value FROM kiosk_state WHERE key = ?1", operation));
    GUICHET_TRY(select.bind(1, std::string_view(key)));
    if (GUICHET_TRY(select.step()) != sqlite::Step::Row)
        return Error::make("store.corrupt", std::string(operation) + ": kiosk_state has no " + key);
    return select.int64_column(0);
}

// Overwrites a copy of the dossier's JSON when it goes out of scope.
struct WipeOnExit {
    std::string& text;
    ~WipeOnExit() { wipe(text); }
};

}

// [SECTION] SqliteStore

SqliteStore::SqliteStore(sqlite::Connection connection, std::vector<std::uint8_t> seal_to)
    : m_connection(std::move(connection))
    , m_seal_to(std::move(seal_to))
{
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(
    std::filesystem::path const& path, std::vector<std::uint8_t> seal_to, std::chrono::milliseconds busy_timeout)
{
    GUICHET_TRY(crypto::initialise());
    if (!seal_to.empty() && seal_to.size() != crypto::box_public_key_size)
        return Error::make("store.not_enrolled", "the hub's key is not a sealing key");
    if (path.has_parent_path()) {
        std::error_code error;
        std::filesystem::create_directories(path.parent_path(), error);
        if (error)
            return Error::make("store.io", "create the store's directory: " + error.message());
    }

    sqlite3* raw = nullptr;
    int result = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    // SQLite allocates a handle even when opening fails; it must be closed.
    sqlite::Connection connection(raw);
    if (result != SQLITE_OK)
        return sqlite::error_from(result, "open the store");
    sqlite3_extended_result_codes(connection.get(), 1);
    sqlite3_busy_timeout(connection.get(), static_cast<int>(busy_timeout.count()));

    // Read before writing anything: switching to WAL writes to the file, and
    // a file that is not a database (SQLITE_NOTADB) or comes from newer
    // firmware must be left exactly as it is, for the technician.
    auto version = GUICHET_TRY(sqlite::query_int64(connection.get(), "PRAGMA user_version", "read schema version"));
    if (version > schema_version)
        return too_new(version);

    GUICHET_TRY(configure(connection.get()));
    GUICHET_TRY(migrate(connection.get()));
    auto store = std::unique_ptr<SqliteStore>(new SqliteStore(std::move(connection), std::move(seal_to)));
    if (!store->m_seal_to.empty())
        GUICHET_TRY(store->seal_legacy_rows());
    return store;
}

Result<void> SqliteStore::seal_legacy_rows()
{
    auto* connection = m_connection.get();
    if (GUICHET_TRY(sqlite::query_int64(connection, "SELECT COUNT(*) FROM outbox_unsealed", "count unsealed rows"))
        == 0)
        return {};
    auto transaction = GUICHET_TRY(sqlite::Transaction::begin_immediate(connection, "seal earlier dossiers"));
    auto select = GUICHET_TRY(sqlite::Statement::prepare(connection,
        "SELECT tracking_code, idempotency_key, demarche_id, created_at, payload FROM outbox_unsealed ORDER BY id",
        "read unsealed rows"));
    auto insert = GUICHET_TRY(sqlite::Statement::prepare(connection,
        "INSERT INTO outbox(tracking_code, idempotency_key, demarche_id, created_at, sealed) VALUES (?1, ?2, ?3, ?4, "
        "?5)",
        "seal an earlier dossier"));
    while (GUICHET_TRY(select.step()) == sqlite::Step::Row) {
        auto payload = select.text_column(4);
        WipeOnExit wipe_payload { payload };
        auto sealed = GUICHET_TRY(crypto::seal(payload, m_seal_to));
        GUICHET_TRY(insert.bind(1, std::string_view(select.text_column(0))));
        GUICHET_TRY(insert.bind(2, std::string_view(select.text_column(1))));
        GUICHET_TRY(insert.bind(3, std::string_view(select.text_column(2))));
        GUICHET_TRY(insert.bind(4, select.int64_column(3)));
        GUICHET_TRY(insert.bind(5, std::string_view(crypto::to_base64(sealed))));
        GUICHET_TRY(insert.step());
        insert.reset();
    }
    GUICHET_TRY(sqlite::execute(connection, "DELETE FROM outbox_unsealed", "delete unsealed rows"));
    return transaction.commit();
}

Result<TrackingCode> SqliteStore::save(Dossier const& dossier)
{
    auto* connection = m_connection.get();
    // The serial is read, used and incremented under one write lock, in the
    // transaction that inserts the dossier: either both land or neither does.
    auto transaction = GUICHET_TRY(sqlite::Transaction::begin_immediate(connection, "save dossier"));
    auto serial = GUICHET_TRY(read_state(connection, "next_serial", "read next serial"));
    auto key = GUICHET_TRY(read_state(connection, "code_key", "read code key"));
    if (serial < 0 || key < 0)
        return Error::make("store.corrupt", "kiosk_state holds a negative serial or key");
    // from_serial() would wrap and repeat codes. The resident should read
    // this as a full kiosk, which it is.
    if (static_cast<std::uint64_t>(serial) >= TrackingCode::serial_space)
        return Error::make("store.disk_full", "every tracking-code serial has been used");

    if (m_seal_to.empty())
        return Error::make("store.not_enrolled", "the kiosk has no hub key to seal dossiers to");
    auto code = TrackingCode::from_serial(static_cast<std::uint64_t>(serial), static_cast<std::uint64_t>(key));
    std::string payload;
    WipeOnExit wipe_payload { payload };
    try {
        payload = dossier.to_json(code.text());
    } catch (std::exception const&) {
        // nlohmann::json throws on invalid UTF-8; the core validates input,
        // so this is a bug, but no exception leaves the module.
        return Error::make("store.io", "the dossier could not be serialised");
    }
    // Sealed before it touches the file: the clear text exists only in
    // this function's memory, and is wiped on the way out.
    auto sealed = GUICHET_TRY(crypto::seal(payload, m_seal_to));
    auto idempotency_key = GUICHET_TRY(random_idempotency_key());
    auto const now = std::chrono::system_clock::now().time_since_epoch();
    auto const created_at = std::chrono::duration_cast<std::chrono::seconds>(now).count();

    auto insert = GUICHET_TRY(sqlite::Statement::prepare(connection,
        "INSERT INTO outbox(tracking_code, idempotency_key, demarche_id, created_at, sealed) "
        "VALUES (?1, ?2, ?3, ?4, ?5)",
        "insert outbox row"));
    GUICHET_TRY(insert.bind(1, std::string_view(code.text())));
    GUICHET_TRY(insert.bind(2, std::string_view(idempotency_key)));
    GUICHET_TRY(insert.bind(3, std::string_view(dossier.demarche_id)));
    GUICHET_TRY(insert.bind(4, static_cast<std::int64_t>(created_at)));
    GUICHET_TRY(insert.bind(5, std::string_view(crypto::to_base64(sealed))));
    GUICHET_TRY(insert.step());

    for (auto const& slot : dossier.booked_slots) {
        auto taken = GUICHET_TRY(
            sqlite::Statement::prepare(connection, "SELECT 1 FROM booked_slot WHERE slot_id = ?1", "check a slot"));
        GUICHET_TRY(taken.bind(1, std::string_view(slot)));
        if (GUICHET_TRY(taken.step()) == sqlite::Step::Row)
            return Error::make("store.slot_taken", "an appointment slot is already booked");
        auto book = GUICHET_TRY(sqlite::Statement::prepare(
            connection, "INSERT INTO booked_slot(slot_id, booked_at) VALUES (?1, ?2)", "book a slot"));
        GUICHET_TRY(book.bind(1, std::string_view(slot)));
        GUICHET_TRY(book.bind(2, static_cast<std::int64_t>(created_at)));
        GUICHET_TRY(book.step());
    }

    auto count = GUICHET_TRY(sqlite::Statement::prepare(connection,
        "INSERT INTO demarche_usage(demarche_id, completed) VALUES (?1, 1) "
        "ON CONFLICT(demarche_id) DO UPDATE SET completed = completed + 1",
        "count demarche usage"));
    GUICHET_TRY(count.bind(1, std::string_view(dossier.demarche_id)));
    GUICHET_TRY(count.step());

    auto advance = GUICHET_TRY(sqlite::Statement::prepare(
        connection, "UPDATE kiosk_state SET value = ?1 WHERE key = 'next_serial'", "advance next serial"));
    GUICHET_TRY(advance.bind(1, serial + 1));
    GUICHET_TRY(advance.step());

    GUICHET_TRY(transaction.commit());
    return code;
}

Result<std::size_t> SqliteStore::outbox_depth() const
{
    auto count = GUICHET_TRY(sqlite::query_int64(m_connection.get(),
        "SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM outbox_unsealed)", "count outbox"));
    return static_cast<std::size_t>(count);
}

Result<std::vector<OutboxEntry>> SqliteStore::outbox(std::size_t limit, std::int64_t after) const
{
    auto select = GUICHET_TRY(sqlite::Statement::prepare(m_connection.get(),
        "SELECT id, tracking_code, idempotency_key, demarche_id, created_at, sealed FROM outbox "
        "WHERE id > ?1 ORDER BY id LIMIT ?2",
        "read outbox"));
    GUICHET_TRY(select.bind(1, after));
    GUICHET_TRY(select.bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX))));
    std::vector<OutboxEntry> entries;
    while (GUICHET_TRY(select.step()) == sqlite::Step::Row) {
        entries.push_back(OutboxEntry {
            select.int64_column(0),
            select.text_column(1),
            select.text_column(2),
            select.text_column(3),
            select.int64_column(4),
            select.text_column(5),
        });
    }
    return entries;
}

Result<void> SqliteStore::acknowledge(std::int64_t id, std::int64_t now)
{
    auto* connection = m_connection.get();
    auto transaction = GUICHET_TRY(sqlite::Transaction::begin_immediate(connection, "acknowledge a dossier"));
    auto remove = GUICHET_TRY(
        sqlite::Statement::prepare(connection, "DELETE FROM outbox WHERE id = ?1", "delete a sent dossier"));
    GUICHET_TRY(remove.bind(1, id));
    GUICHET_TRY(remove.step());
    auto record = GUICHET_TRY(sqlite::Statement::prepare(
        connection, "UPDATE kiosk_state SET value = ?1 WHERE key = 'last_sync_at'", "record the last sync"));
    GUICHET_TRY(record.bind(1, now));
    GUICHET_TRY(record.step());
    return transaction.commit();
}

Result<std::int64_t> SqliteStore::last_sync_at() const
{
    return read_state(m_connection.get(), "last_sync_at", "read the last sync");
}

Result<std::optional<RequestStatus>> SqliteStore::status(TrackingCode const& code) const
{
    auto select = GUICHET_TRY(sqlite::Statement::prepare(m_connection.get(),
        "SELECT demarche_id, created_at FROM outbox WHERE tracking_code = ?1 "
        "UNION ALL SELECT demarche_id, created_at FROM outbox_unsealed WHERE tracking_code = ?1",
        "look up a request"));
    GUICHET_TRY(select.bind(1, std::string_view(code.text())));
    if (GUICHET_TRY(select.step()) != sqlite::Step::Row)
        return std::optional<RequestStatus> {};
    return std::optional<RequestStatus>(
        RequestStatus { select.text_column(0), select.int64_column(1), RequestState::WaitingToLeave });
}

Result<BookedSlots> SqliteStore::booked_slots() const
{
    auto select = GUICHET_TRY(
        sqlite::Statement::prepare(m_connection.get(), "SELECT slot_id FROM booked_slot", "read booked slots"));
    BookedSlots slots;
    while (GUICHET_TRY(select.step()) == sqlite::Step::Row)
        slots.insert(select.text_column(0));
    return slots;
}

Result<UsageCounts> SqliteStore::usage_counts() const
{
    auto select = GUICHET_TRY(sqlite::Statement::prepare(
        m_connection.get(), "SELECT demarche_id, completed FROM demarche_usage", "read demarche usage"));
    UsageCounts counts;
    while (GUICHET_TRY(select.step()) == sqlite::Step::Row)
        counts[select.text_column(0)] = select.int64_column(1);
    return counts;
}

Result<int> SqliteStore::draw_desk_number(int day)
{
    constexpr int last_number = 999;
    auto* connection = m_connection.get();
    auto transaction = GUICHET_TRY(sqlite::Transaction::begin_immediate(connection, "draw a desk number"));
    std::int64_t last = 0;
    {
        auto select = GUICHET_TRY(sqlite::Statement::prepare(connection,
            "SELECT (SELECT value FROM kiosk_state WHERE key = 'desk_day'),"
            " (SELECT value FROM kiosk_state WHERE key = 'desk_number')",
            "read the desk queue"));
        if (GUICHET_TRY(select.step()) != sqlite::Step::Row)
            return Error::make("store.corrupt", "read the desk queue: no row");
        if (select.optional_int64_column(0) == day)
            last = select.optional_int64_column(1).value_or(0);
    }
    int const number = last >= 1 && last < last_number ? static_cast<int>(last) + 1 : 1;
    auto write = GUICHET_TRY(sqlite::Statement::prepare(connection,
        "INSERT INTO kiosk_state(key, value) VALUES ('desk_day', ?1), ('desk_number', ?2)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        "write the desk queue"));
    GUICHET_TRY(write.bind(1, static_cast<std::int64_t>(day)));
    GUICHET_TRY(write.bind(2, static_cast<std::int64_t>(number)));
    GUICHET_TRY(write.step());
    GUICHET_TRY(transaction.commit());
    return number;
}

Result<AgentLock> SqliteStore::agent_lock() const
{
    auto select = GUICHET_TRY(sqlite::Statement::prepare(m_connection.get(),
        "SELECT (SELECT value FROM kiosk_state WHERE key = 'agent_wrong_pins'),"
        " (SELECT value FROM kiosk_state WHERE key = 'agent_locked_until')",
        "read the agent PIN lock"));
    if (GUICHET_TRY(select.step()) != sqlite::Step::Row)
        return Error::make("store.corrupt", "read the agent PIN lock: no row");
    AgentLock lock;
    lock.wrong_pins = static_cast<int>(std::clamp<std::int64_t>(select.optional_int64_column(0).value_or(0), 0, 1000));
    lock.locked_until = select.optional_int64_column(1).value_or(0);
    return lock;
}

Result<void> SqliteStore::set_agent_lock(AgentLock const& lock)
{
    auto write = GUICHET_TRY(sqlite::Statement::prepare(m_connection.get(),
        "INSERT INTO kiosk_state(key, value) VALUES ('agent_wrong_pins', ?1), ('agent_locked_until', ?2)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        "write the agent PIN lock"));
    GUICHET_TRY(write.bind(1, static_cast<std::int64_t>(lock.wrong_pins)));
    GUICHET_TRY(write.bind(2, lock.locked_until));
    GUICHET_TRY(write.step());
    return {};
}

Result<std::uint64_t> SqliteStore::next_serial() const
{
    auto serial = GUICHET_TRY(read_state(m_connection.get(), "next_serial", "read next serial"));
    if (serial < 0)
        return Error::make("store.corrupt", "kiosk_state holds a negative serial");
    return static_cast<std::uint64_t>(serial);
}

Result<StoreDiagnostics> SqliteStore::diagnostics() const
{
    auto* connection = m_connection.get();
    StoreDiagnostics diagnostics;
    diagnostics.journal_mode = GUICHET_TRY(sqlite::query_text(connection, "PRAGMA journal_mode", "read journal mode"));
    diagnostics.synchronous = GUICHET_TRY(sqlite::query_int64(connection, "PRAGMA synchronous", "read synchronous"));
    diagnostics.foreign_keys
        = GUICHET_TRY(sqlite::query_int64(connection, "PRAGMA foreign_keys", "read foreign_keys")) == 1;
    diagnostics.secure_delete
        = GUICHET_TRY(sqlite::query_int64(connection, "PRAGMA secure_delete", "read secure_delete")) == 1;
    diagnostics.schema_version
        = GUICHET_TRY(sqlite::query_int64(connection, "PRAGMA user_version", "read schema version"));
    return diagnostics;
}

// [SECTION] Usage events

Result<void> SqliteStore::record_usage(std::vector<UsageRow> const& rows, std::size_t keep_at_most)
{
    if (rows.empty())
        return {};
    auto* connection = m_connection.get();
    auto transaction = GUICHET_TRY(sqlite::Transaction::begin_immediate(connection, "record usage"));
    auto insert = GUICHET_TRY(sqlite::Statement::prepare(
        connection, "INSERT OR IGNORE INTO usage_event(event_id, body) VALUES (?1, ?2)", "insert a usage event"));
    for (auto const& row : rows) {
        GUICHET_TRY(insert.bind(1, std::string_view(row.event_id)));
        GUICHET_TRY(insert.bind(2, std::string_view(row.body)));
        GUICHET_TRY(insert.step());
        insert.reset();
    }
    // A hub out of reach for months must not fill the disk the dossiers
    // need: past the cap, the oldest events go, and are counted.
    auto count = GUICHET_TRY(sqlite::query_int64(connection, "SELECT COUNT(*) FROM usage_event", "count usage"));
    auto excess = count - static_cast<std::int64_t>(std::min<std::size_t>(keep_at_most, INT64_MAX));
    if (excess > 0) {
        auto drop = GUICHET_TRY(sqlite::Statement::prepare(connection,
            "DELETE FROM usage_event WHERE id IN (SELECT id FROM usage_event ORDER BY id LIMIT ?1)",
            "drop the oldest usage events"));
        GUICHET_TRY(drop.bind(1, excess));
        GUICHET_TRY(drop.step());
        auto counted = GUICHET_TRY(sqlite::Statement::prepare(connection,
            "UPDATE kiosk_state SET value = value + ?1 WHERE key = 'usage_dropped'", "count dropped usage events"));
        GUICHET_TRY(counted.bind(1, excess));
        GUICHET_TRY(counted.step());
    }
    return transaction.commit();
}

Result<std::vector<UsageRow>> SqliteStore::usage(std::size_t limit) const
{
    auto select = GUICHET_TRY(sqlite::Statement::prepare(
        m_connection.get(), "SELECT id, event_id, body FROM usage_event ORDER BY id LIMIT ?1", "read usage events"));
    GUICHET_TRY(select.bind(1, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX))));
    std::vector<UsageRow> rows;
    while (GUICHET_TRY(select.step()) == sqlite::Step::Row)
        rows.push_back(UsageRow { select.int64_column(0), select.text_column(1), select.text_column(2) });
    return rows;
}

Result<void> SqliteStore::acknowledge_usage(std::int64_t up_to_id)
{
    auto remove = GUICHET_TRY(sqlite::Statement::prepare(
        m_connection.get(), "DELETE FROM usage_event WHERE id <= ?1", "delete sent usage events"));
    GUICHET_TRY(remove.bind(1, up_to_id));
    GUICHET_TRY(remove.step());
    return {};
}

Result<std::size_t> SqliteStore::usage_depth() const
{
    return static_cast<std::size_t>(
        GUICHET_TRY(sqlite::query_int64(m_connection.get(), "SELECT COUNT(*) FROM usage_event", "count usage")));
}

Result<std::int64_t> SqliteStore::usage_dropped() const
{
    return read_state(m_connection.get(), "usage_dropped", "read dropped usage events");
}

}
