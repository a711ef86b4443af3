#include "sqlite_hub_store.hpp"

#include "batch_writer.hpp"

#include "sync/protocol.hpp"
#include "sync/sqlite.hpp"

#include <sqlite3.h>

#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

namespace guichet::hub {

namespace {

constexpr char const* schema = R"sql(
CREATE TABLE IF NOT EXISTS site (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    slots TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS enrollment_code (
    code_hash TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES site(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    kiosk_id TEXT
);
CREATE TABLE IF NOT EXISTS kiosk (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES site(id),
    public_key TEXT NOT NULL UNIQUE,
    enrolled_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_seen_at INTEGER,
    heartbeat TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS dossier (
    id INTEGER PRIMARY KEY,
    kiosk_id TEXT NOT NULL REFERENCES kiosk(id),
    idempotency_key TEXT NOT NULL,
    tracking_code TEXT NOT NULL,
    demarche_id TEXT NOT NULL,
    confirmed_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    state_changed_at INTEGER NOT NULL,
    exported_at INTEGER,
    sealed TEXT NOT NULL,
    UNIQUE (kiosk_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS dossier_by_code ON dossier(tracking_code);
CREATE INDEX IF NOT EXISTS dossier_not_exported ON dossier(id) WHERE exported_at IS NULL;
CREATE TABLE IF NOT EXISTS mediator (
    login TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    disabled_at INTEGER
);
CREATE TABLE IF NOT EXISTS agent (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    site_id TEXT NOT NULL REFERENCES site(id),
    badge TEXT,
    pin_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    disabled_at INTEGER,
    role TEXT NOT NULL DEFAULT 'desk',
    UNIQUE (site_id, badge)
);
CREATE TABLE IF NOT EXISTS help_audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    help_id TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    mediator_login TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS help_audit_by_help ON help_audit(help_id);
CREATE TABLE IF NOT EXISTS usage_event (
    kiosk_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    visit TEXT NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    demarche TEXT NOT NULL,
    step TEXT NOT NULL,
    position INTEGER NOT NULL,
    elapsed_s INTEGER NOT NULL,
    detail TEXT NOT NULL,
    language TEXT NOT NULL,
    display TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (kiosk_id, event_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS usage_event_by_time ON usage_event(at);
CREATE TABLE IF NOT EXISTS catalogue (
    version INTEGER PRIMARY KEY,
    etag TEXT NOT NULL,
    document TEXT NOT NULL,
    signature TEXT NOT NULL,
    published_at INTEGER NOT NULL
);
)sql";

using sqlite::Statement;
using sqlite::Step;

Result<sqlite::Connection> open_connection(std::filesystem::path const& path)
{
    sqlite3* raw = nullptr;
    int result = sqlite3_open_v2(
        path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    sqlite::Connection connection(raw);
    if (result != SQLITE_OK)
        return sqlite::error_from(result, "open the hub store");
    sqlite3_extended_result_codes(connection.get(), 1);
    sqlite3_busy_timeout(connection.get(), 5000);
    auto mode = GUICHET_TRY(sqlite::query_text(connection.get(), "PRAGMA journal_mode=WAL", "set journal mode"));
    if (mode != "wal")
        return Error::make("store.io", "journal mode is '" + mode + "', expected 'wal'");
    GUICHET_TRY(sqlite::execute(connection.get(), "PRAGMA synchronous=FULL", "set synchronous"));
    GUICHET_TRY(sqlite::execute(connection.get(), "PRAGMA foreign_keys=ON", "enable foreign keys"));
    return connection;
}

RequestState state_of(std::string const& text)
{
    return protocol::request_state_from_wire(text).value_or(RequestState::Received);
}

Site read_site(Statement& row)
{
    return Site { row.text_column(0), row.text_column(1), row.int64_column(2), row.text_column(3) };
}

constexpr char const* site_columns = "id, name, created_at, slots";

Kiosk read_kiosk(Statement& row)
{
    Kiosk kiosk;
    kiosk.id = row.text_column(0);
    kiosk.site_id = row.text_column(1);
    kiosk.public_key = row.text_column(2);
    kiosk.enrolled_at = row.int64_column(3);
    kiosk.revoked_at = row.optional_int64_column(4);
    kiosk.last_seen_at = row.optional_int64_column(5);
    kiosk.heartbeat = row.text_column(6);
    return kiosk;
}

constexpr char const* kiosk_columns = "id, site_id, public_key, enrolled_at, revoked_at, last_seen_at, heartbeat";

Mediator read_mediator(Statement& row)
{
    Mediator mediator;
    mediator.login = row.text_column(0);
    mediator.display_name = row.text_column(1);
    mediator.role = mediator_role_from_wire(row.text_column(2)).value_or(MediatorRole::Mediator);
    mediator.password_hash = row.text_column(3);
    mediator.created_at = row.int64_column(4);
    mediator.disabled_at = row.optional_int64_column(5);
    return mediator;
}

constexpr char const* mediator_columns = "login, display_name, role, password_hash, created_at, disabled_at";

// A badge opens agent mode on its site's kiosks for one agent only.
Result<void> badge_is_free(sqlite::StatementCache& db, std::string const& site_id,
    std::optional<std::string> const& badge, std::string const& agent_id)
{
    if (!badge)
        return {};
    auto select = GUICHET_TRY(db.prepare(
        "SELECT 1 FROM agent WHERE site_id = ?1 AND badge = ?2 AND id <> ?3", "look for the badge's holder"));
    GUICHET_TRY(select.bind(1, std::string_view(site_id)));
    GUICHET_TRY(select.bind(2, std::string_view(*badge)));
    GUICHET_TRY(select.bind(3, std::string_view(agent_id)));
    if (GUICHET_TRY(select.step()) == Step::Row)
        return Error::make("hub.badge_taken", "another agent of the site holds this badge");
    return {};
}

Agent read_agent(Statement& row)
{
    Agent agent;
    agent.id = row.text_column(0);
    agent.display_name = row.text_column(1);
    agent.site_id = row.text_column(2);
    if (!row.is_null(3))
        agent.badge = row.text_column(3);
    agent.pin_hash = row.text_column(4);
    agent.created_at = row.int64_column(5);
    agent.disabled_at = row.optional_int64_column(6);
    agent.technician = row.text_column(7) == "technician";
    return agent;
}

constexpr char const* agent_columns = "id, display_name, site_id, badge, pin_hash, created_at, disabled_at, role";

AuditEntry read_audit(Statement& row)
{
    return AuditEntry { row.int64_column(0), row.int64_column(1), row.text_column(2), row.text_column(3),
        row.text_column(4), row.text_column(5), row.text_column(6) };
}

DossierRecord read_dossier(Statement& row, bool with_payload)
{
    DossierRecord record;
    record.id = row.int64_column(0);
    record.kiosk_id = row.text_column(1);
    record.site_id = row.text_column(2);
    record.idempotency_key = row.text_column(3);
    record.tracking_code = row.text_column(4);
    record.demarche_id = row.text_column(5);
    record.confirmed_at = row.int64_column(6);
    record.received_at = row.int64_column(7);
    record.state = state_of(row.text_column(8));
    record.state_changed_at = row.int64_column(9);
    record.exported_at = row.optional_int64_column(10);
    if (with_payload)
        record.sealed = row.text_column(11);
    return record;
}

constexpr char const* dossier_columns
    = "d.id, d.kiosk_id, k.site_id, d.idempotency_key, d.tracking_code, d.demarche_id, d.confirmed_at, "
      "d.received_at, d.state, d.state_changed_at, d.exported_at, d.sealed "
      "FROM dossier d JOIN kiosk k ON k.id = d.kiosk_id";

class SqliteHubStore final : public HubStore {
public:
    SqliteHubStore(std::filesystem::path path, sqlite::Connection writer)
        : m_path(std::move(path))
        , m_writer_connection(std::move(writer))
        , m_writer_statements(m_writer_connection.get())
        , m_writer([this](std::vector<Task*> batch) { commit_batch(m_writer_statements, batch); })
    {
    }

    // [SECTION] Sites and enrollment

    Result<void> add_site(Site const& site) override
    {
        return write([site](sqlite::StatementCache& db) -> Result<void> {
            auto exists = GUICHET_TRY(db.prepare("SELECT 1 FROM site WHERE id = ?1", "find a site"));
            GUICHET_TRY(exists.bind(1, std::string_view(site.id)));
            if (GUICHET_TRY(exists.step()) == Step::Row)
                return Error::make("hub.site_exists", "a site with this id exists");
            auto insert = GUICHET_TRY(
                db.prepare("INSERT INTO site(id, name, created_at, slots) VALUES (?1, ?2, ?3, ?4)", "add a site"));
            GUICHET_TRY(insert.bind(1, std::string_view(site.id)));
            GUICHET_TRY(insert.bind(2, std::string_view(site.name)));
            GUICHET_TRY(insert.bind(3, site.created_at));
            GUICHET_TRY(insert.bind(4, std::string_view(site.slots)));
            GUICHET_TRY(insert.step());
            return {};
        });
    }

    Result<std::vector<Site>> sites() override
    {
        return read([](sqlite::StatementCache& db) -> Result<std::vector<Site>> {
            auto select = GUICHET_TRY(
                db.prepare(std::string("SELECT ") + site_columns + " FROM site ORDER BY id", "list sites"));
            std::vector<Site> sites;
            while (GUICHET_TRY(select.step()) == Step::Row)
                sites.push_back(read_site(select));
            return sites;
        });
    }

    Result<std::optional<Site>> site(std::string_view id) override
    {
        return read([id](sqlite::StatementCache& db) -> Result<std::optional<Site>> {
            auto select = GUICHET_TRY(
                db.prepare(std::string("SELECT ") + site_columns + " FROM site WHERE id = ?1", "find a site"));
            GUICHET_TRY(select.bind(1, id));
            if (GUICHET_TRY(select.step()) != Step::Row)
                return std::optional<Site> {};
            return std::optional<Site>(read_site(select));
        });
    }

    Result<void> set_site_slots(std::string_view site_id, std::string_view slots) override
    {
        return write(
            [site_id = std::string(site_id), slots = std::string(slots)](sqlite::StatementCache& db) -> Result<void> {
                auto update = GUICHET_TRY(db.prepare("UPDATE site SET slots = ?2 WHERE id = ?1", "set a site's slots"));
                GUICHET_TRY(update.bind(1, std::string_view(site_id)));
                GUICHET_TRY(update.bind(2, std::string_view(slots)));
                GUICHET_TRY(update.step());
                if (sqlite::changes(db.connection()) == 0)
                    return Error::make("hub.unknown_site", "no such site");
                return {};
            });
    }

    Result<void> add_enrollment_code(EnrollmentCode const& code) override
    {
        return write([code](sqlite::StatementCache& db) -> Result<void> {
            auto site = GUICHET_TRY(db.prepare("SELECT 1 FROM site WHERE id = ?1", "find a site"));
            GUICHET_TRY(site.bind(1, std::string_view(code.site_id)));
            if (GUICHET_TRY(site.step()) != Step::Row)
                return Error::make("hub.unknown_site", "no such site");
            auto insert = GUICHET_TRY(db.prepare(
                "INSERT INTO enrollment_code(code_hash, site_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                "add an enrollment code"));
            GUICHET_TRY(insert.bind(1, std::string_view(code.code_hash)));
            GUICHET_TRY(insert.bind(2, std::string_view(code.site_id)));
            GUICHET_TRY(insert.bind(3, code.created_at));
            GUICHET_TRY(insert.bind(4, code.expires_at));
            GUICHET_TRY(insert.step());
            return {};
        });
    }

    Result<Kiosk> enroll(std::string_view code_hash, Kiosk kiosk, std::int64_t now) override
    {
        return write(
            [code_hash = std::string(code_hash), kiosk, now](sqlite::StatementCache& db) mutable -> Result<Kiosk> {
                auto select = GUICHET_TRY(
                    db.prepare("SELECT site_id, expires_at, used_at FROM enrollment_code WHERE code_hash = ?1",
                        "find an enrollment code"));
                GUICHET_TRY(select.bind(1, std::string_view(code_hash)));
                if (GUICHET_TRY(select.step()) != Step::Row)
                    return Error::make("hub.code_unknown", "no such enrollment code");
                if (!select.is_null(2))
                    return Error::make("hub.code_used", "the enrollment code was used");
                if (select.int64_column(1) < now)
                    return Error::make("hub.code_expired", "the enrollment code expired");
                kiosk.site_id = select.text_column(0);
                kiosk.enrolled_at = now;

                auto known = GUICHET_TRY(db.prepare("SELECT 1 FROM kiosk WHERE public_key = ?1", "find a kiosk's key"));
                GUICHET_TRY(known.bind(1, std::string_view(kiosk.public_key)));
                if (GUICHET_TRY(known.step()) == Step::Row)
                    return Error::make("hub.key_enrolled", "this public key is already enrolled");

                auto insert = GUICHET_TRY(db.prepare(
                    "INSERT INTO kiosk(id, site_id, public_key, enrolled_at) VALUES (?1, ?2, ?3, ?4)", "add a kiosk"));
                GUICHET_TRY(insert.bind(1, std::string_view(kiosk.id)));
                GUICHET_TRY(insert.bind(2, std::string_view(kiosk.site_id)));
                GUICHET_TRY(insert.bind(3, std::string_view(kiosk.public_key)));
                GUICHET_TRY(insert.bind(4, now));
                GUICHET_TRY(insert.step());
                auto use = GUICHET_TRY(
                    db.prepare("UPDATE enrollment_code SET used_at = ?2, kiosk_id = ?3 WHERE code_hash = ?1",
                        "use an enrollment code"));
                GUICHET_TRY(use.bind(1, std::string_view(code_hash)));
                GUICHET_TRY(use.bind(2, now));
                GUICHET_TRY(use.bind(3, std::string_view(kiosk.id)));
                GUICHET_TRY(use.step());
                return kiosk;
            });
    }

    // [SECTION] Kiosks

    Result<std::optional<Kiosk>> kiosk(std::string_view id) override
    {
        return read([id](sqlite::StatementCache& db) -> Result<std::optional<Kiosk>> {
            auto select = GUICHET_TRY(
                db.prepare(std::string("SELECT ") + kiosk_columns + " FROM kiosk WHERE id = ?1", "find a kiosk"));
            GUICHET_TRY(select.bind(1, id));
            if (GUICHET_TRY(select.step()) != Step::Row)
                return std::optional<Kiosk> {};
            return std::optional<Kiosk>(read_kiosk(select));
        });
    }

    Result<std::vector<Kiosk>> kiosks() override
    {
        return read([](sqlite::StatementCache& db) -> Result<std::vector<Kiosk>> {
            auto select = GUICHET_TRY(
                db.prepare(std::string("SELECT ") + kiosk_columns + " FROM kiosk ORDER BY site_id, id", "list kiosks"));
            std::vector<Kiosk> kiosks;
            while (GUICHET_TRY(select.step()) == Step::Row)
                kiosks.push_back(read_kiosk(select));
            return kiosks;
        });
    }

    Result<void> revoke(std::string_view kiosk_id, std::int64_t now) override
    {
        return write([kiosk_id = std::string(kiosk_id), now](sqlite::StatementCache& db) -> Result<void> {
            auto update = GUICHET_TRY(
                db.prepare("UPDATE kiosk SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1", "revoke a kiosk"));
            GUICHET_TRY(update.bind(1, std::string_view(kiosk_id)));
            GUICHET_TRY(update.bind(2, now));
            GUICHET_TRY(update.step());
            if (sqlite::changes(db.connection()) == 0)
                return Error::make("hub.unknown_kiosk", "no such kiosk");
            return {};
        });
    }

    Result<void> record_heartbeat(std::string_view kiosk_id, std::string_view heartbeat, std::int64_t now) override
    {
        return write([kiosk_id = std::string(kiosk_id), heartbeat = std::string(heartbeat), now](
                         sqlite::StatementCache& db) -> Result<void> {
            auto update = GUICHET_TRY(
                db.prepare("UPDATE kiosk SET last_seen_at = ?2, heartbeat = ?3 WHERE id = ?1", "record a heartbeat"));
            GUICHET_TRY(update.bind(1, std::string_view(kiosk_id)));
            GUICHET_TRY(update.bind(2, now));
            GUICHET_TRY(update.bind(3, std::string_view(heartbeat)));
            GUICHET_TRY(update.step());
            if (sqlite::changes(db.connection()) == 0)
                return Error::make("hub.unknown_kiosk", "no such kiosk");
            return {};
        });
    }

    Result<void> record_heartbeats(std::vector<HeartbeatRecord> const& heartbeats) override
    {
        return write([&heartbeats](sqlite::StatementCache& db) -> Result<void> {
            for (auto const& beat : heartbeats) {
                auto update = GUICHET_TRY(db.prepare(
                    "UPDATE kiosk SET last_seen_at = ?2, heartbeat = ?3 WHERE id = ?1", "record a heartbeat"));
                GUICHET_TRY(update.bind(1, std::string_view(beat.kiosk_id)));
                GUICHET_TRY(update.bind(2, beat.received_at));
                GUICHET_TRY(update.bind(3, std::string_view(beat.heartbeat)));
                GUICHET_TRY(update.step());
            }
            return {};
        });
    }

    // [SECTION] Dossiers

    Result<Ingested> ingest(IncomingDossier const& dossier, std::int64_t now) override
    {
        return write([&dossier, now](sqlite::StatementCache& db) { return insert_dossier(db, dossier, now); });
    }

    bool reads_are_local() const override { return true; }

    void ingest_async(IncomingDossier dossier, std::int64_t now, IngestDone done) override
    {
        write_async([dossier = std::move(dossier), now](
                        sqlite::StatementCache& db) { return insert_dossier(db, dossier, now); },
            std::move(done));
    }

    static Result<Ingested> insert_dossier(sqlite::StatementCache& db, IncomingDossier const& dossier, std::int64_t now)
    {
        auto insert = GUICHET_TRY(db.prepare(
            "INSERT INTO dossier(kiosk_id, idempotency_key, tracking_code, demarche_id, confirmed_at, "
            "received_at, state, state_changed_at, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'received', ?6, ?7) "
            "ON CONFLICT(kiosk_id, idempotency_key) DO NOTHING",
            "store a dossier"));
        GUICHET_TRY(insert.bind(1, std::string_view(dossier.kiosk_id)));
        GUICHET_TRY(insert.bind(2, std::string_view(dossier.idempotency_key)));
        GUICHET_TRY(insert.bind(3, std::string_view(dossier.tracking_code)));
        GUICHET_TRY(insert.bind(4, std::string_view(dossier.demarche_id)));
        GUICHET_TRY(insert.bind(5, dossier.confirmed_at));
        GUICHET_TRY(insert.bind(6, now));
        GUICHET_TRY(insert.bind(7, std::string_view(dossier.sealed)));
        GUICHET_TRY(insert.step());
        if (sqlite::changes(db.connection()) == 1)
            return Ingested { IngestOutcome::Stored, sqlite3_last_insert_rowid(db.connection()), now };

        auto select = GUICHET_TRY(db.prepare(
            "SELECT id, tracking_code, received_at FROM dossier WHERE kiosk_id = ?1 AND idempotency_key = ?2",
            "find a stored dossier"));
        GUICHET_TRY(select.bind(1, std::string_view(dossier.kiosk_id)));
        GUICHET_TRY(select.bind(2, std::string_view(dossier.idempotency_key)));
        if (GUICHET_TRY(select.step()) != Step::Row)
            return Error::make("store.corrupt", "a conflicting dossier vanished");
        if (select.text_column(1) != dossier.tracking_code)
            return Error::make("hub.key_reused", "an idempotency key came back with another tracking code");
        return Ingested { IngestOutcome::AlreadyStored, select.int64_column(0), select.int64_column(2) };
    }

    Result<std::vector<DossierRecord>> find_by_code(std::string_view tracking_code) override
    {
        return read([tracking_code](sqlite::StatementCache& db) -> Result<std::vector<DossierRecord>> {
            auto select = GUICHET_TRY(
                db.prepare(std::string("SELECT ") + dossier_columns + " WHERE d.tracking_code = ?1 ORDER BY d.id DESC",
                    "find dossiers by code"));
            GUICHET_TRY(select.bind(1, tracking_code));
            std::vector<DossierRecord> records;
            while (GUICHET_TRY(select.step()) == Step::Row)
                records.push_back(read_dossier(select, false));
            return records;
        });
    }

    Result<std::optional<DossierRecord>> dossier(std::int64_t id) override
    {
        return read([id](sqlite::StatementCache& db) -> Result<std::optional<DossierRecord>> {
            auto select = GUICHET_TRY(
                db.prepare(std::string("SELECT ") + dossier_columns + " WHERE d.id = ?1", "read a dossier"));
            GUICHET_TRY(select.bind(1, id));
            if (GUICHET_TRY(select.step()) != Step::Row)
                return std::optional<DossierRecord> {};
            return std::optional<DossierRecord>(read_dossier(select, true));
        });
    }

    Result<std::vector<DossierRecord>> dossiers(DossierFilter const& filter, bool with_payload) override
    {
        return read([&filter, with_payload](sqlite::StatementCache& db) -> Result<std::vector<DossierRecord>> {
            std::string sql = std::string("SELECT ") + dossier_columns + " WHERE d.id > ?1";
            if (filter.site_id)
                sql += " AND k.site_id = ?2";
            if (filter.state)
                sql += " AND d.state = ?3";
            if (filter.not_exported_only)
                sql += " AND d.exported_at IS NULL";
            sql += " ORDER BY d.id LIMIT ?4";
            auto select = GUICHET_TRY(db.prepare(sql, "list dossiers"));
            GUICHET_TRY(select.bind(1, filter.after_id));
            if (filter.site_id)
                GUICHET_TRY(select.bind(2, std::string_view(*filter.site_id)));
            if (filter.state)
                GUICHET_TRY(select.bind(3, protocol::to_wire(*filter.state)));
            GUICHET_TRY(select.bind(4, static_cast<std::int64_t>(filter.limit)));
            std::vector<DossierRecord> records;
            while (GUICHET_TRY(select.step()) == Step::Row)
                records.push_back(read_dossier(select, with_payload));
            return records;
        });
    }

    Result<void> set_state(std::int64_t dossier_id, RequestState state, std::int64_t now) override
    {
        return write([dossier_id, state, now](sqlite::StatementCache& db) -> Result<void> {
            auto update = GUICHET_TRY(db.prepare(
                "UPDATE dossier SET state = ?2, state_changed_at = ?3 WHERE id = ?1", "change a dossier's state"));
            GUICHET_TRY(update.bind(1, dossier_id));
            GUICHET_TRY(update.bind(2, protocol::to_wire(state)));
            GUICHET_TRY(update.bind(3, now));
            GUICHET_TRY(update.step());
            if (sqlite::changes(db.connection()) == 0)
                return Error::make("hub.unknown_dossier", "no such dossier");
            return {};
        });
    }

    Result<void> mark_exported(std::vector<std::int64_t> const& ids, std::int64_t now) override
    {
        return write([&ids, now](sqlite::StatementCache& db) -> Result<void> {
            auto update = GUICHET_TRY(db.prepare(
                "UPDATE dossier SET exported_at = ?2 WHERE id = ?1 AND exported_at IS NULL", "mark exported"));
            for (auto id : ids) {
                GUICHET_TRY(update.bind(1, id));
                GUICHET_TRY(update.bind(2, now));
                GUICHET_TRY(update.step());
                update.reset();
            }
            return {};
        });
    }

    // [SECTION] Catalogue and counts

    Result<std::int64_t> publish_catalogue(CatalogueVersion const& version) override
    {
        return write([&version](sqlite::StatementCache& db) -> Result<std::int64_t> {
            auto insert = GUICHET_TRY(
                db.prepare("INSERT INTO catalogue(version, etag, document, signature, published_at) "
                           "VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM catalogue), ?1, ?2, ?3, ?4)",
                    "publish a catalogue"));
            GUICHET_TRY(insert.bind(1, std::string_view(version.etag)));
            GUICHET_TRY(insert.bind(2, std::string_view(version.document)));
            GUICHET_TRY(insert.bind(3, std::string_view(version.signature)));
            GUICHET_TRY(insert.bind(4, version.published_at));
            GUICHET_TRY(insert.step());
            return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db.connection()));
        });
    }

    Result<std::optional<CatalogueVersion>> latest_catalogue() override
    {
        return read([](sqlite::StatementCache& db) -> Result<std::optional<CatalogueVersion>> {
            auto select = GUICHET_TRY(db.prepare(
                "SELECT version, etag, document, signature, published_at FROM catalogue ORDER BY version DESC LIMIT 1",
                "read the catalogue"));
            if (GUICHET_TRY(select.step()) != Step::Row)
                return std::optional<CatalogueVersion> {};
            return std::optional<CatalogueVersion>(CatalogueVersion { select.int64_column(0), select.text_column(1),
                select.text_column(2), select.text_column(3), select.int64_column(4) });
        });
    }

    Result<std::optional<std::string>> latest_catalogue_etag() override
    {
        return read([](sqlite::StatementCache& db) -> Result<std::optional<std::string>> {
            auto select = GUICHET_TRY(
                db.prepare("SELECT etag FROM catalogue ORDER BY version DESC LIMIT 1", "read the catalogue's version"));
            if (GUICHET_TRY(select.step()) != Step::Row)
                return std::optional<std::string> {};
            return std::optional<std::string>(select.text_column(0));
        });
    }

    Result<HubCounts> counts() override
    {
        return read([](sqlite::StatementCache& db) -> Result<HubCounts> {
            HubCounts counts;
            counts.sites
                = GUICHET_TRY(sqlite::query_int64(db.connection(), "SELECT COUNT(*) FROM site", "count sites"));
            counts.kiosks
                = GUICHET_TRY(sqlite::query_int64(db.connection(), "SELECT COUNT(*) FROM kiosk", "count kiosks"));
            counts.revoked_kiosks = GUICHET_TRY(sqlite::query_int64(
                db.connection(), "SELECT COUNT(*) FROM kiosk WHERE revoked_at IS NOT NULL", "count kiosks"));
            counts.dossiers
                = GUICHET_TRY(sqlite::query_int64(db.connection(), "SELECT COUNT(*) FROM dossier", "count dossiers"));
            counts.dossiers_not_exported = GUICHET_TRY(sqlite::query_int64(
                db.connection(), "SELECT COUNT(*) FROM dossier WHERE exported_at IS NULL", "count dossiers"));
            return counts;
        });
    }

    // [SECTION] Mediators and the help audit log

    Result<void> add_mediator(Mediator const& mediator) override
    {
        return write([mediator](sqlite::StatementCache& db) -> Result<void> {
            auto insert = GUICHET_TRY(db.prepare(std::string("INSERT INTO mediator(") + mediator_columns
                    + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(login) DO NOTHING",
                "add a mediator"));
            GUICHET_TRY(insert.bind(1, std::string_view(mediator.login)));
            GUICHET_TRY(insert.bind(2, std::string_view(mediator.display_name)));
            GUICHET_TRY(insert.bind(3, to_wire(mediator.role)));
            GUICHET_TRY(insert.bind(4, std::string_view(mediator.password_hash)));
            GUICHET_TRY(insert.bind(5, mediator.created_at));
            GUICHET_TRY(insert.bind(6, mediator.disabled_at));
            GUICHET_TRY(insert.step());
            if (sqlite::changes(db.connection()) == 0)
                return Error::make("hub.mediator_exists", "a mediator has this login");
            return {};
        });
    }

    Result<std::optional<Mediator>> mediator(std::string_view login) override
    {
        return read([login](sqlite::StatementCache& db) -> Result<std::optional<Mediator>> {
            auto select = GUICHET_TRY(db.prepare(
                std::string("SELECT ") + mediator_columns + " FROM mediator WHERE login = ?1", "find a mediator"));
            GUICHET_TRY(select.bind(1, login));
            if (GUICHET_TRY(select.step()) != Step::Row)
                return std::optional<Mediator> {};
            return std::optional<Mediator>(read_mediator(select));
        });
    }

    Result<std::vector<Mediator>> mediators() override
    {
        return read([](sqlite::StatementCache& db) -> Result<std::vector<Mediator>> {
            auto select = GUICHET_TRY(db.prepare(
                std::string("SELECT ") + mediator_columns + " FROM mediator ORDER BY login", "list mediators"));
            std::vector<Mediator> list;
            while (GUICHET_TRY(select.step()) == Step::Row)
                list.push_back(read_mediator(select));
            return list;
        });
    }

    Result<void> set_mediator_password(std::string_view login, std::string_view password_hash) override
    {
        return write([login = std::string(login), hash = std::string(password_hash)](
                         sqlite::StatementCache& db) -> Result<void> {
            auto update = GUICHET_TRY(
                db.prepare("UPDATE mediator SET password_hash = ?2 WHERE login = ?1", "set a mediator's password"));
            GUICHET_TRY(update.bind(1, std::string_view(login)));
            GUICHET_TRY(update.bind(2, std::string_view(hash)));
            GUICHET_TRY(update.step());
            if (sqlite::changes(db.connection()) == 0)
                return Error::make("hub.unknown_mediator", "no such mediator");
            return {};
        });
    }

    Result<void> disable_mediator(std::string_view login, std::int64_t now) override
    {
        return write([login = std::string(login), now](sqlite::StatementCache& db) -> Result<void> {
            auto update = GUICHET_TRY(db.prepare(
                "UPDATE mediator SET disabled_at = COALESCE(disabled_at, ?2) WHERE login = ?1", "disable a mediator"));
            GUICHET_TRY(update.bind(1, std::string_view(login)));
            GUICHET_TRY(update.bind(2, now));
            GUICHET_TRY(update.step());
            if (sqlite::changes(db.connection()) == 0)
                return Error::make("hub.unknown_mediator", "no such mediator");
            return {};
        });
    }

    // [SECTION] The desk's agents

    Result<void> add_agent(Agent const& agent) override
    {
        return write([agent](sqlite::StatementCache& db) -> Result<void> {
            auto site = GUICHET_TRY(db.prepare("SELECT 1 FROM site WHERE id = ?1", "find the agent's site"));
            GUICHET_TRY(site.bind(1, std::string_view(agent.site_id)));
            if (GUICHET_TRY(site.step()) != Step::Row)
                return Error::make("hub.unknown_site", "no site " + agent.site_id);
            GUICHET_TRY(badge_is_free(db, agent.site_id, agent.badge, agent.id));
            auto insert = GUICHET_TRY(db.prepare(std::string("INSERT INTO agent(") + agent_columns
                    + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(id) DO NOTHING",
                "add an agent"));
            GUICHET_TRY(insert.bind(1, std::string_view(agent.id)));
            GUICHET_TRY(insert.bind(2, std::string_view(agent.display_name)));
            GUICHET_TRY(insert.bind(3, std::string_view(agent.site_id)));
            GUICHET_TRY(insert.bind(4, agent.badge));
            GUICHET_TRY(insert.bind(5, std::string_view(agent.pin_hash)));
            GUICHET_TRY(insert.bind(6, agent.created_at));
            GUICHET_TRY(insert.bind(7, agent.disabled_at));
            GUICHET_TRY(insert.bind(8, std::string_view(agent.technician ? "technician" : "desk")));
            GUICHET_TRY(insert.step());
            if (sqlite::changes(db.connection()) == 0)
                return Error::make("hub.agent_exists", "an agent has this id");
            return {};
        });
    }

    Result<std::optional<Agent>> agent(std::string_view id) override
    {
        return read([id](sqlite::StatementCache& db) -> Result<std::optional<Agent>> {
            auto select = GUICHET_TRY(
                db.prepare(std::string("SELECT ") + agent_columns + " FROM agent WHERE id = ?1", "find an agent"));
            GUICHET_TRY(select.bind(1, id));
            if (GUICHET_TRY(select.step()) != Step::Row)
                return std::optional<Agent> {};
            return std::optional<Agent>(read_agent(select));
        });
    }

    Result<std::vector<Agent>> agents(std::optional<std::string> const& site_id) override
    {
        return read([site_id](sqlite::StatementCache& db) -> Result<std::vector<Agent>> {
            auto select = GUICHET_TRY(db.prepare(
                std::string("SELECT ") + agent_columns + " FROM agent WHERE ?1 IS NULL OR site_id = ?1 ORDER BY id",
                "list agents"));
            GUICHET_TRY(select.bind(1, site_id));
            std::vector<Agent> list;
            while (GUICHET_TRY(select.step()) == Step::Row)
                list.push_back(read_agent(select));
            return list;
        });
    }

    Result<void> set_agent_pin(std::string_view id, std::string_view pin_hash) override
    {
        return write([id = std::string(id), hash = std::string(pin_hash)](sqlite::StatementCache& db) -> Result<void> {
            auto update = GUICHET_TRY(db.prepare("UPDATE agent SET pin_hash = ?2 WHERE id = ?1", "set an agent's PIN"));
            GUICHET_TRY(update.bind(1, std::string_view(id)));
            GUICHET_TRY(update.bind(2, std::string_view(hash)));
            GUICHET_TRY(update.step());
            if (sqlite::changes(db.connection()) == 0)
                return Error::make("hub.unknown_agent", "no such agent");
            return {};
        });
    }

    Result<void> set_agent_badge(std::string_view id, std::optional<std::string> const& badge) override
    {
        return write([id = std::string(id), badge](sqlite::StatementCache& db) -> Result<void> {
            auto site = GUICHET_TRY(db.prepare("SELECT site_id FROM agent WHERE id = ?1", "find an agent's site"));
            GUICHET_TRY(site.bind(1, std::string_view(id)));
            if (GUICHET_TRY(site.step()) != Step::Row)
                return Error::make("hub.unknown_agent", "no such agent");
            auto site_id = site.text_column(0);
            GUICHET_TRY(badge_is_free(db, site_id, badge, id));
            auto update = GUICHET_TRY(db.prepare("UPDATE agent SET badge = ?2 WHERE id = ?1", "set an agent's badge"));
            GUICHET_TRY(update.bind(1, std::string_view(id)));
            GUICHET_TRY(update.bind(2, badge));
            GUICHET_TRY(update.step());
            return {};
        });
    }

    Result<void> disable_agent(std::string_view id, std::int64_t now) override
    {
        return write([id = std::string(id), now](sqlite::StatementCache& db) -> Result<void> {
            auto update = GUICHET_TRY(
                db.prepare("UPDATE agent SET disabled_at = COALESCE(disabled_at, ?2), badge = NULL WHERE id = ?1",
                    "disable an agent"));
            GUICHET_TRY(update.bind(1, std::string_view(id)));
            GUICHET_TRY(update.bind(2, now));
            GUICHET_TRY(update.step());
            if (sqlite::changes(db.connection()) == 0)
                return Error::make("hub.unknown_agent", "no such agent");
            return {};
        });
    }

    Result<std::int64_t> append_audit(AuditEntry const& entry) override
    {
        return write([entry](sqlite::StatementCache& db) -> Result<std::int64_t> {
            auto insert = GUICHET_TRY(
                db.prepare("INSERT INTO help_audit(at, help_id, kiosk_id, mediator_login, action, detail) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    "append to the help audit log"));
            GUICHET_TRY(insert.bind(1, entry.at));
            GUICHET_TRY(insert.bind(2, std::string_view(entry.help_id)));
            GUICHET_TRY(insert.bind(3, std::string_view(entry.kiosk_id)));
            GUICHET_TRY(insert.bind(4, std::string_view(entry.mediator_login)));
            GUICHET_TRY(insert.bind(5, std::string_view(entry.action)));
            GUICHET_TRY(insert.bind(6, std::string_view(entry.detail.empty() ? "{}" : entry.detail)));
            GUICHET_TRY(insert.step());
            return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db.connection()));
        });
    }

    Result<UsageIngested> ingest_usage(std::vector<UsageRecord> const& records) override
    {
        return write([&records](sqlite::StatementCache& db) -> Result<UsageIngested> {
            auto insert = GUICHET_TRY(db.prepare(
                "INSERT OR IGNORE INTO usage_event(kiosk_id, event_id, site_id, visit, at, kind, demarche, step, "
                "position, elapsed_s, detail, language, display, received_at) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                "store a usage event"));
            UsageIngested ingested;
            for (auto const& record : records) {
                auto const& event = record.event;
                GUICHET_TRY(insert.bind(1, std::string_view(record.kiosk_id)));
                GUICHET_TRY(insert.bind(2, std::string_view(record.event_id)));
                GUICHET_TRY(insert.bind(3, std::string_view(record.site_id)));
                GUICHET_TRY(insert.bind(4, std::string_view(record.visit)));
                GUICHET_TRY(insert.bind(5, event.at));
                GUICHET_TRY(insert.bind(6, to_string(event.kind)));
                GUICHET_TRY(insert.bind(7, std::string_view(event.demarche)));
                GUICHET_TRY(insert.bind(8, std::string_view(event.step)));
                GUICHET_TRY(insert.bind(9, static_cast<std::int64_t>(event.position)));
                GUICHET_TRY(insert.bind(10, event.elapsed_s));
                GUICHET_TRY(insert.bind(11, std::string_view(event.detail)));
                GUICHET_TRY(insert.bind(12, std::string_view(event.language)));
                GUICHET_TRY(insert.bind(13, std::string_view(event.display)));
                GUICHET_TRY(insert.bind(14, record.received_at));
                GUICHET_TRY(insert.step());
                if (sqlite3_changes(db.connection()) > 0)
                    ++ingested.stored;
                else
                    ++ingested.duplicates;
                insert.reset();
            }
            return ingested;
        });
    }

    Result<std::vector<UsageRecord>> usage_events(UsageFilter const& filter) override
    {
        return read([&filter](sqlite::StatementCache& db) -> Result<std::vector<UsageRecord>> {
            auto select = GUICHET_TRY(
                db.prepare("SELECT kiosk_id, event_id, site_id, visit, at, kind, demarche, step, position, elapsed_s, "
                           "detail, language, display, received_at FROM usage_event "
                           "WHERE at >= ?1 AND at < ?2 AND (?3 IS NULL OR site_id = ?3)",
                    "read usage events"));
            GUICHET_TRY(select.bind(1, filter.from));
            GUICHET_TRY(select.bind(2, filter.to));
            if (filter.site_id)
                GUICHET_TRY(select.bind(3, std::string_view(*filter.site_id)));
            else
                GUICHET_TRY(select.bind_null(3));
            std::vector<UsageRecord> records;
            while (GUICHET_TRY(select.step()) == Step::Row) {
                UsageRecord record;
                record.kiosk_id = select.text_column(0);
                record.event_id = select.text_column(1);
                record.site_id = select.text_column(2);
                record.visit = select.text_column(3);
                record.event.at = select.int64_column(4);
                auto kind = usage_kind_from_wire(select.text_column(5));
                if (!kind)
                    continue; // written by a newer hub
                record.event.kind = *kind;
                record.event.demarche = select.text_column(6);
                record.event.step = select.text_column(7);
                record.event.position = static_cast<int>(select.int64_column(8));
                record.event.elapsed_s = select.int64_column(9);
                record.event.detail = select.text_column(10);
                record.event.language = select.text_column(11);
                record.event.display = select.text_column(12);
                record.received_at = select.int64_column(13);
                records.push_back(std::move(record));
            }
            return records;
        });
    }

    Result<std::vector<AuditEntry>> audit(AuditFilter const& filter) override
    {
        return read([&filter](sqlite::StatementCache& db) -> Result<std::vector<AuditEntry>> {
            auto select = GUICHET_TRY(
                db.prepare("SELECT id, at, help_id, kiosk_id, mediator_login, action, detail FROM help_audit "
                           "WHERE id > ?1 AND (?2 IS NULL OR help_id = ?2) AND (?3 IS NULL OR kiosk_id = ?3) "
                           "ORDER BY id LIMIT ?4",
                    "read the help audit log"));
            GUICHET_TRY(select.bind(1, filter.after_id));
            if (filter.help_id)
                GUICHET_TRY(select.bind(2, std::string_view(*filter.help_id)));
            else
                GUICHET_TRY(select.bind_null(2));
            if (filter.kiosk_id)
                GUICHET_TRY(select.bind(3, std::string_view(*filter.kiosk_id)));
            else
                GUICHET_TRY(select.bind_null(3));
            GUICHET_TRY(select.bind(4, static_cast<std::int64_t>(filter.limit)));
            std::vector<AuditEntry> entries;
            while (GUICHET_TRY(select.step()) == Step::Row)
                entries.push_back(read_audit(select));
            return entries;
        });
    }

private:
    // [SECTION] Group commit

    struct Task {
        // Runs inside the batch's transaction, in its own savepoint.
        std::function<Result<void>(sqlite::StatementCache&)> run;
        // Called on the writer thread once the batch committed (or failed),
        // through finish(); it deletes the task.
        std::function<void(Result<void>)> done;
    };

    // Queues the work for the writer and waits until its batch committed.
    // `work` runs on the writer thread while this one waits, so it may hold
    // references to the caller's arguments.
    template<typename Work> auto write(Work work) -> std::invoke_result_t<Work, sqlite::StatementCache&>
    {
        using Outcome = std::invoke_result_t<Work, sqlite::StatementCache&>;
        std::promise<Outcome> answered;
        auto answer = answered.get_future();
        write_async(std::move(work), [&answered](Outcome outcome) { answered.set_value(std::move(outcome)); });
        return answer.get();
    }

    // Queues the work for the writer and returns; `done` gets its outcome
    // on the writer thread once the batch committed.
    template<typename Work, typename Done> void write_async(Work work, Done done)
    {
        using Outcome = std::invoke_result_t<Work, sqlite::StatementCache&>;
        auto outcome = std::make_shared<std::optional<Outcome>>();
        auto* task = new Task;
        task->run = [work = std::move(work), outcome](sqlite::StatementCache& db) mutable -> Result<void> {
            outcome->emplace(work(db));
            if (!(*outcome)->ok())
                return (*outcome)->error();
            return {};
        };
        task->done = [task, outcome, done = std::move(done)](Result<void> committed) mutable {
            // finish() moved this function out of the task before calling
            // it: the task can go now.
            std::unique_ptr<Task> owned(task);
            if (!committed.ok())
                done(committed.release_error());
            else
                done(std::move(**outcome));
        };
        m_writer.submit(*task);
    }

    static Result<void> run_once(sqlite::StatementCache& db, std::string_view sql)
    {
        auto statement = GUICHET_TRY(db.prepare(sql, "hub write"));
        GUICHET_TRY(statement.step());
        return {};
    }

    static void commit_batch(sqlite::StatementCache& db, std::vector<Task*> const& batch)
    {
        std::vector<Result<void>> results;
        results.reserve(batch.size());
        auto transaction = sqlite::Transaction::begin_immediate(db.connection(), "hub write");
        if (!transaction.ok()) {
            for (auto* task : batch)
                finish(*task, transaction.error());
            return;
        }
        for (auto* task : batch) {
            auto savepoint = run_once(db, "SAVEPOINT task");
            if (!savepoint.ok()) {
                results.push_back(savepoint);
                continue;
            }
            auto result = task->run(db);
            if (!result.ok())
                (void)run_once(db, "ROLLBACK TO task");
            (void)run_once(db, "RELEASE task");
            results.push_back(std::move(result));
        }
        auto committed = transaction.value().commit();
        for (std::size_t i = 0; i < batch.size(); ++i)
            finish(*batch[i], committed.ok() ? std::move(results[i]) : Result<void>(committed.error()));
    }

    // Tells the task's owner; the task may be destroyed by it.
    static void finish(Task& task, Result<void> result)
    {
        auto done = std::move(task.done);
        done(std::move(result));
    }

    // [SECTION] Readers

    template<typename Work> auto read(Work work) -> std::invoke_result_t<Work, sqlite::StatementCache&>
    {
        std::unique_ptr<Reader> reader;
        {
            std::lock_guard lock(m_readers_mutex);
            if (!m_readers.empty()) {
                reader = std::move(m_readers.back());
                m_readers.pop_back();
            }
        }
        if (!reader) {
            auto opened = open_connection(m_path);
            if (!opened.ok())
                return opened.release_error();
            reader = std::make_unique<Reader>(opened.release_value());
        }
        auto result = work(reader->statements);
        std::lock_guard lock(m_readers_mutex);
        if (m_readers.size() < max_idle_readers)
            m_readers.push_back(std::move(reader));
        return result;
    }

    // A reading connection with its prepared statements. Kept for the next
    // read, up to max_idle_readers: opening one costs as much as a hundred
    // reads.
    struct Reader {
        explicit Reader(sqlite::Connection opened)
            : connection(std::move(opened))
            , statements(connection.get())
        {
        }
        sqlite::Connection connection;
        sqlite::StatementCache statements; // after: finalized first
    };
    static constexpr std::size_t max_idle_readers = 64;

    std::filesystem::path m_path;
    sqlite::Connection m_writer_connection;
    sqlite::StatementCache m_writer_statements;
    std::mutex m_readers_mutex;
    std::vector<std::unique_ptr<Reader>> m_readers;
    // Last: stopped first, before the connection its batches use.
    BatchWriter<Task> m_writer;
};

}

Result<std::unique_ptr<HubStore>> open_sqlite_hub_store(std::filesystem::path const& path)
{
    if (path.has_parent_path()) {
        std::error_code error;
        std::filesystem::create_directories(path.parent_path(), error);
        if (error)
            return Error::make("store.io", "create the hub store's directory: " + error.message());
    }
    auto connection = GUICHET_TRY(open_connection(path));
    GUICHET_TRY(sqlite::execute(connection.get(), schema, "create the hub schema"));
    // Agents got their role after the first hubs were installed: their
    // store gets the column, every agent a desk agent. Under a write lock,
    // for two hubs starting together on the same file.
    {
        auto transaction = GUICHET_TRY(sqlite::Transaction::begin_immediate(connection.get(), "add the agents' role"));
        auto has_role = GUICHET_TRY(sqlite::query_int64(connection.get(),
            "SELECT count(*) FROM pragma_table_info('agent') WHERE name = 'role'", "look for the agents' role"));
        if (has_role == 0)
            GUICHET_TRY(sqlite::execute(connection.get(),
                "ALTER TABLE agent ADD COLUMN role TEXT NOT NULL DEFAULT 'desk'", "add the agents' role"));
        GUICHET_TRY(transaction.commit());
    }
    return std::unique_ptr<HubStore>(new SqliteHubStore(path, std::move(connection)));
}

}
