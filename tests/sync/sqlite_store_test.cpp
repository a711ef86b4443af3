// SqliteStore: the file it creates, how it is configured, what save() writes,
// and which files it refuses to open.
#include "store_test_support.hpp"
#include "sync/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <set>

namespace guichet {
namespace {

using testing::open_entry;
using testing::RawDatabase;
using testing::sample_dossier;
using testing::ScratchDirectory;
using testing::test_seal_to;

std::int64_t now_seconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TEST(SqliteStore, OpenCreatesDirectoriesAndSchema)
{
    ScratchDirectory scratch;
    auto path = scratch.path() / "var" / "guichet" / "outbox.db";

    auto store = SqliteStore::open(path, test_seal_to());
    ASSERT_TRUE(store.ok()) << store.error().code << ": " << store.error().detail;
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_EQ(store.value()->next_serial().value(), 0u);
    EXPECT_EQ(store.value()->outbox_depth().value(), 0u);

    RawDatabase raw(path);
    EXPECT_EQ(raw.query_int64("PRAGMA user_version"), SqliteStore::schema_version);
    EXPECT_EQ(raw.query_int64("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'outbox'"), 1);
    EXPECT_EQ(raw.query_int64("SELECT value FROM kiosk_state WHERE key = 'next_serial'"), 0);
    EXPECT_GE(raw.code_key(), 0);
    // The journal mode is a property of the file, not only of the store's
    // connection: any process opening it later also gets WAL.
    EXPECT_EQ(raw.query_text("PRAGMA journal_mode"), "wal");
}

TEST(SqliteStore, ConnectionIsConfiguredForDurability)
{
    ScratchDirectory scratch;
    auto store = SqliteStore::open(scratch.path() / "outbox.db", test_seal_to());
    ASSERT_TRUE(store.ok()) << store.error().detail;

    auto diagnostics = store.value()->diagnostics();
    ASSERT_TRUE(diagnostics.ok()) << diagnostics.error().detail;
    EXPECT_EQ(diagnostics.value().journal_mode, "wal");
    EXPECT_EQ(diagnostics.value().synchronous, 2) << "synchronous must be FULL";
    EXPECT_TRUE(diagnostics.value().secure_delete);
    EXPECT_TRUE(diagnostics.value().foreign_keys);
    EXPECT_EQ(diagnostics.value().schema_version, SqliteStore::schema_version);
}

TEST(SqliteStore, EachKioskDrawsItsOwnCodeKey)
{
    ScratchDirectory scratch;
    ASSERT_TRUE(SqliteStore::open(scratch.path() / "a.db", test_seal_to()).ok());
    ASSERT_TRUE(SqliteStore::open(scratch.path() / "b.db", test_seal_to()).ok());
    EXPECT_NE(RawDatabase(scratch.path() / "a.db").code_key(), RawDatabase(scratch.path() / "b.db").code_key());
}

TEST(SqliteStore, TheAgentPinLockSurvivesARestart)
{
    ScratchDirectory scratch;
    auto path = scratch.path() / "outbox.db";
    {
        auto store = SqliteStore::open(path, test_seal_to());
        ASSERT_TRUE(store.ok()) << store.error().detail;
        EXPECT_EQ(store.value()->agent_lock().value(), AgentLock {}) << "none at first";
        ASSERT_TRUE(store.value()->set_agent_lock({ 3, 0 }).ok());
        ASSERT_TRUE(store.value()->set_agent_lock({ 0, 1'795'350'000 }).ok());
    }
    auto store = SqliteStore::open(path, test_seal_to());
    ASSERT_TRUE(store.ok()) << store.error().detail;
    EXPECT_EQ(store.value()->agent_lock().value(), (AgentLock { 0, 1'795'350'000 }));
}

TEST(SqliteStore, DeskNumbersFollowEachOtherWithinADayAndSurviveARestart)
{
    ScratchDirectory scratch;
    auto path = scratch.path() / "outbox.db";
    {
        auto store = SqliteStore::open(path, test_seal_to());
        ASSERT_TRUE(store.ok()) << store.error().detail;
        EXPECT_EQ(store.value()->draw_desk_number(20261122).value(), 1);
        EXPECT_EQ(store.value()->draw_desk_number(20261122).value(), 2);
    }
    auto store = SqliteStore::open(path, test_seal_to());
    ASSERT_TRUE(store.ok()) << store.error().detail;
    EXPECT_EQ(store.value()->draw_desk_number(20261122).value(), 3) << "a restart never gives a number twice";
    EXPECT_EQ(store.value()->draw_desk_number(20261123).value(), 1) << "a new day starts again at 1";

    RawDatabase(path).execute("UPDATE kiosk_state SET value = 999 WHERE key = 'desk_number'");
    EXPECT_EQ(store.value()->draw_desk_number(20261123).value(), 1) << "after 999, round again";
    EXPECT_EQ(store.value()->draw_desk_number(20261123).value(), 2);
}

TEST(SqliteStore, SaveReturnsAParsableCodeAndStoresTheDossierJson)
{
    ScratchDirectory scratch;
    auto store = SqliteStore::open(scratch.path() / "outbox.db", test_seal_to()).release_value();
    auto dossier = sample_dossier();

    auto before = now_seconds();
    auto saved = store->save(dossier);
    auto after = now_seconds();
    ASSERT_TRUE(saved.ok()) << saved.error().detail;

    auto const& code = saved.value();
    auto parsed = TrackingCode::parse(code.text());
    ASSERT_TRUE(parsed.has_value()) << code.text();
    EXPECT_EQ(*parsed, code);
    EXPECT_EQ(TrackingCode::parse(code.display()), code);

    auto outbox = store->outbox().release_value();
    ASSERT_EQ(outbox.size(), 1u);
    auto const& row = outbox[0];
    EXPECT_EQ(row.tracking_code, code.text());
    EXPECT_EQ(open_entry(row.sealed), dossier.to_json(code.text()));
    EXPECT_EQ(row.demarche_id, "signalement-voirie");
    EXPECT_GE(row.created_at, before);
    EXPECT_LE(row.created_at, after);
    EXPECT_EQ(row.idempotency_key.size(), 32u);
    EXPECT_EQ(row.idempotency_key.find_first_not_of("0123456789abcdef"), std::string::npos) << row.idempotency_key;
    EXPECT_EQ(store->next_serial().value(), 1u);
}

TEST(SqliteStore, CodesFollowSerialsThroughTheKioskKey)
{
    ScratchDirectory scratch;
    auto path = scratch.path() / "outbox.db";
    auto store = SqliteStore::open(path, test_seal_to()).release_value();
    auto key = static_cast<std::uint64_t>(RawDatabase(path).code_key());

    for (std::uint64_t serial = 0; serial < 5; ++serial) {
        EXPECT_EQ(store->next_serial().value(), serial);
        auto code = store->save(sample_dossier());
        ASSERT_TRUE(code.ok()) << code.error().detail;
        EXPECT_EQ(code.value(), TrackingCode::from_serial(serial, key));
    }
    EXPECT_EQ(store->next_serial().value(), 5u);
}

TEST(SqliteStore, AThousandSavesGiveAThousandDistinctCodes)
{
    ScratchDirectory scratch;
    auto store = SqliteStore::open(scratch.path() / "outbox.db", test_seal_to()).release_value();

    std::set<std::string> codes;
    for (int i = 0; i < 1000; ++i) {
        auto code = store->save(sample_dossier("Résident " + std::to_string(i)));
        ASSERT_TRUE(code.ok()) << "save " << i << ": " << code.error().detail;
        codes.insert(code.value().text());
    }
    EXPECT_EQ(codes.size(), 1000u);
    EXPECT_EQ(store->next_serial().value(), 1000u);
    EXPECT_EQ(store->outbox_depth().value(), 1000u);

    std::set<std::string> idempotency_keys;
    for (auto const& entry : store->outbox().release_value())
        idempotency_keys.insert(entry.idempotency_key);
    EXPECT_EQ(idempotency_keys.size(), 1000u);
}

TEST(SqliteStore, UsingUpEverySerialReadsAsAFullKioskAndReleasesTheLock)
{
    ScratchDirectory scratch;
    auto path = scratch.path() / "outbox.db";
    auto store = SqliteStore::open(path, test_seal_to()).release_value();
    auto const last = TrackingCode::serial_space - 1;
    RawDatabase(path).execute("UPDATE kiosk_state SET value = " + std::to_string(last) + " WHERE key = 'next_serial'");

    auto code = store->save(sample_dossier());
    ASSERT_TRUE(code.ok()) << code.error().detail;
    EXPECT_EQ(code.value(), TrackingCode::from_serial(last, static_cast<std::uint64_t>(RawDatabase(path).code_key())));

    // A further code would repeat the first one.
    auto refused = store->save(sample_dossier());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "store.disk_full") << refused.error().detail;
    EXPECT_EQ(store->next_serial().value(), TrackingCode::serial_space);
    EXPECT_EQ(store->outbox_depth().value(), 1u);

    // The refused save ran inside a write transaction; it must not keep the
    // lock, or the sync process could never remove delivered dossiers.
    RawDatabase other(path);
    other.execute("BEGIN IMMEDIATE");
    other.execute("ROLLBACK");
}

TEST(SqliteStore, ReopeningKeepsDossiersSerialAndKey)
{
    ScratchDirectory scratch;
    auto path = scratch.path() / "outbox.db";
    std::vector<std::string> codes;
    {
        auto store = SqliteStore::open(path, test_seal_to()).release_value();
        for (int i = 0; i < 3; ++i)
            codes.push_back(store->save(sample_dossier()).value().text());
    }
    auto key = RawDatabase(path).code_key();

    auto reopened = SqliteStore::open(path, test_seal_to());
    ASSERT_TRUE(reopened.ok()) << reopened.error().detail;
    auto& store = reopened.value();
    EXPECT_EQ(store->next_serial().value(), 3u);
    auto outbox = store->outbox().release_value();
    ASSERT_EQ(outbox.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i)
        EXPECT_EQ(outbox[i].tracking_code, codes[i]);

    EXPECT_EQ(RawDatabase(path).code_key(), key) << "the code key must never be drawn again";
    auto next = store->save(sample_dossier());
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(next.value(), TrackingCode::from_serial(3, static_cast<std::uint64_t>(key)));
}

TEST(SqliteStore, RefusesAFileFromNewerFirmwareWithoutTouchingIt)
{
    ScratchDirectory scratch;
    auto path = scratch.path() / "outbox.db";
    ASSERT_TRUE(SqliteStore::open(path, test_seal_to()).value()->save(sample_dossier()).ok());
    auto const newer = SqliteStore::schema_version + 1;
    RawDatabase(path).execute("PRAGMA user_version = " + std::to_string(newer));

    auto store = SqliteStore::open(path, test_seal_to());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, "store.too_new");
    EXPECT_NE(store.error().detail.find(std::to_string(newer)), std::string::npos) << store.error().detail;

    RawDatabase raw(path);
    EXPECT_EQ(raw.query_int64("PRAGMA user_version"), newer);
    EXPECT_EQ(raw.query_int64("SELECT COUNT(*) FROM outbox"), 1);
}

TEST(SqliteStore, RefusesAFileThatIsNotADatabaseWithoutOverwritingIt)
{
    ScratchDirectory scratch;
    for (std::size_t size : { 5, 100, 4096, 10000 }) {
        auto path = scratch.path() / ("not-a-db-" + std::to_string(size));
        std::string contents;
        while (contents.size() < size)
            contents += "Rapport d'activité, ceci n'est pas une base SQLite. ";
        contents.resize(size);
        std::ofstream(path, std::ios::binary) << contents;

        auto store = SqliteStore::open(path, test_seal_to());
        ASSERT_FALSE(store.ok()) << "a " << size << "-byte text file was opened as a store";
        EXPECT_EQ(store.error().code, "store.corrupt") << store.error().detail;
        EXPECT_EQ(testing::read_file(path), contents) << "the file was written to";
        EXPECT_FALSE(std::filesystem::exists(path.string() + "-wal"));
    }
}

TEST(SqliteStore, ReportsAPathItCannotOpenAsIo)
{
    ScratchDirectory scratch;
    auto store = SqliteStore::open(scratch.path(), test_seal_to());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, "store.io") << store.error().detail;
}

TEST(SqliteStore, ReportsBusyWhenAnotherWriterHoldsTheLockAndRecovers)
{
    ScratchDirectory scratch;
    auto path = scratch.path() / "outbox.db";
    auto store = SqliteStore::open(path, test_seal_to(), std::chrono::milliseconds(50)).release_value();

    {
        RawDatabase other(path);
        other.execute("BEGIN IMMEDIATE");
        auto saved = store->save(sample_dossier());
        ASSERT_FALSE(saved.ok());
        EXPECT_EQ(saved.error().code, "store.busy") << saved.error().detail;
        EXPECT_EQ(store->next_serial().value(), 0u);
        other.execute("ROLLBACK");
    }
    auto saved = store->save(sample_dossier());
    ASSERT_TRUE(saved.ok()) << saved.error().detail;
    EXPECT_EQ(store->next_serial().value(), 1u);
    EXPECT_EQ(store->outbox_depth().value(), 1u);
}

TEST(SqliteStore, CountsCompletedDemarchesAcrossRestartsWithoutKeepingDossiers)
{
    ScratchDirectory scratch;
    {
        auto store = SqliteStore::open(scratch.path() / "outbox.db", test_seal_to()).release_value();
        EXPECT_TRUE(store->usage_counts().value().empty());
        auto street = sample_dossier();
        auto birth = sample_dossier();
        birth.demarche_id = "acte-de-naissance";
        ASSERT_TRUE(store->save(street).ok());
        ASSERT_TRUE(store->save(birth).ok());
        ASSERT_TRUE(store->save(street).ok());
    }
    auto store = SqliteStore::open(scratch.path() / "outbox.db", test_seal_to()).release_value();
    auto counts = store->usage_counts().release_value();
    EXPECT_EQ(counts, (UsageCounts { { "acte-de-naissance", 1 }, { "signalement-voirie", 2 } }));
    // Only ids and numbers: nothing a resident typed.
    RawDatabase raw(scratch.path() / "outbox.db");
    EXPECT_EQ(raw.query_int64("SELECT COUNT(*) FROM demarche_usage WHERE demarche_id LIKE '%Rennes%'"), 0);
}

TEST(SqliteStore, ARequestIsFoundByItsCodeWithNothingPersonal)
{
    ScratchDirectory scratch;
    auto store = SqliteStore::open(scratch.path() / "outbox.db", test_seal_to()).release_value();
    auto code = store->save(sample_dossier()).release_value();
    auto found = store->status(code).release_value();
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->demarche_id, "signalement-voirie");
    EXPECT_GT(found->confirmed_at, 0);
    EXPECT_EQ(found->state, RequestState::WaitingToLeave);
    auto other = TrackingCode::from_serial(12345, 99);
    EXPECT_FALSE(store->status(other).release_value().has_value());
}

TEST(SqliteStore, AnAppointmentSlotIsBookedOnceAndKeptAcrossRestarts)
{
    ScratchDirectory scratch;
    {
        auto store = SqliteStore::open(scratch.path() / "outbox.db", test_seal_to()).release_value();
        auto first = sample_dossier();
        first.booked_slots = { "titres-2026-11-25T09:20" };
        ASSERT_TRUE(store->save(first).ok());
        auto second = sample_dossier("Autre");
        second.booked_slots = { "titres-2026-11-25T09:20" };
        auto refused = store->save(second);
        ASSERT_FALSE(refused.ok());
        EXPECT_EQ(refused.error().code, "store.slot_taken");
        // Refused whole: no second dossier, no serial used.
        EXPECT_EQ(store->outbox_depth().value(), 1u);
        EXPECT_EQ(store->next_serial().value(), 1u);
    }
    auto store = SqliteStore::open(scratch.path() / "outbox.db", test_seal_to()).release_value();
    EXPECT_EQ(store->booked_slots().value(), (BookedSlots { "titres-2026-11-25T09:20" }));
}

}
}
