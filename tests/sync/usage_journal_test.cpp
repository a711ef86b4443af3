// Usage events on the kiosk: the journal writes them to the store on its own
// thread with random ids, the store keeps them until acknowledged and never
// more than its cap.
#include "store_test_support.hpp"
#include "sync/sqlite_store.hpp"
#include "sync/usage_journal.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/log.hpp"

#include <fstream>
#include <mutex>
#include <set>

using namespace guichet;
using guichet::testing::RawDatabase;
using guichet::testing::ScratchDirectory;

namespace {

UsageEvent event_of(std::uint64_t visit, UsageKind kind, std::string detail = {})
{
    UsageEvent event;
    event.visit = visit;
    event.at = 1'795'348'800;
    event.kind = kind;
    event.demarche = "signalement";
    event.step = "lieu";
    event.position = 2;
    event.elapsed_s = 31;
    event.detail = std::move(detail);
    event.language = "fr";
    event.display = "standard";
    return event;
}

}

TEST(UsageJournal, WritesEachEventWithARandomIdAndOneRandomIdPerVisit)
{
    ScratchDirectory dir;
    auto path = dir.path() / "kiosk.db";
    {
        UsageJournal journal(path);
        journal.record(event_of(1, UsageKind::Started));
        journal.record(event_of(1, UsageKind::Step));
        journal.record(event_of(2, UsageKind::Started));
        journal.record(event_of(2, UsageKind::Abandoned, "idle"));
        journal.flush();
    }
    auto store = SqliteStore::open(path, {});
    ASSERT_TRUE(store.ok()) << store.error().detail;
    auto rows = store.value()->usage(100);
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows.value().size(), 4U);
    std::set<std::string> ids;
    std::vector<std::string> visits;
    for (auto const& row : rows.value()) {
        auto parsed = parse_usage_event(nlohmann::json::parse(row.body));
        ASSERT_TRUE(parsed.ok()) << row.body;
        EXPECT_EQ(parsed.value().id, row.event_id);
        EXPECT_EQ(row.event_id.size(), 32U);
        ids.insert(row.event_id);
        visits.push_back(parsed.value().visit);
    }
    EXPECT_EQ(ids.size(), 4U);
    EXPECT_EQ(visits[0], visits[1]);
    EXPECT_EQ(visits[2], visits[3]);
    EXPECT_NE(visits[0], visits[2]);
    EXPECT_EQ(visits[0].size(), 16U) << "random, not the kiosk's visit counter";
    EXPECT_EQ(nlohmann::json::parse(rows.value()[3].body)["detail"], "idle");
}

TEST(UsageJournal, StoppingWritesWhatIsQueued)
{
    ScratchDirectory dir;
    auto path = dir.path() / "kiosk.db";
    {
        UsageJournal journal(path);
        for (int i = 0; i < 500; ++i)
            journal.record(event_of(1, UsageKind::Step));
    }
    auto store = SqliteStore::open(path, {});
    ASSERT_TRUE(store.ok());
    EXPECT_EQ(store.value()->usage_depth().value(), 500U);
}

TEST(UsageJournal, AStoreThatCannotOpenDropsTheBatchSaysSoOnceAndNeverBlocks)
{
    std::vector<std::string> lines;
    std::mutex mutex;
    set_log_sink([&](LogLevel, std::string_view component, std::string_view message) {
        std::lock_guard lock(mutex);
        lines.push_back(std::string(component) + ": " + std::string(message));
    });
    ScratchDirectory dir;
    auto blocked = dir.path() / "file";
    std::ofstream(blocked) << "not a directory";
    {
        UsageJournal journal(blocked / "kiosk.db");
        journal.record(event_of(1, UsageKind::Started));
        journal.flush();
        journal.record(event_of(1, UsageKind::Step));
        journal.flush();
    }
    set_log_sink({});
    ASSERT_EQ(lines.size(), 1U) << "the same failure is said once";
    EXPECT_EQ(lines[0], "usage: cannot open the store for usage events: store.io");
    EXPECT_TRUE(std::filesystem::is_regular_file(blocked));
}

TEST(SqliteStoreUsage, AcknowledgedEventsGoAndTheCapDropsTheOldestCountingThem)
{
    ScratchDirectory dir;
    auto store = SqliteStore::open(dir.path() / "kiosk.db", {}).release_value();
    std::vector<UsageRow> rows;
    for (int i = 0; i < 10; ++i)
        rows.push_back(UsageRow { 0, "e" + std::to_string(i), R"({"n":)" + std::to_string(i) + "}" });
    ASSERT_TRUE(store->record_usage(rows, 8).ok());
    EXPECT_EQ(store->usage_depth().value(), 8U);
    EXPECT_EQ(store->usage_dropped().value(), 2);
    auto oldest = store->usage(3).value();
    ASSERT_EQ(oldest.size(), 3U);
    EXPECT_EQ(oldest[0].event_id, "e2") << "the oldest went first";

    // The same event again (a batch written twice) is kept once.
    ASSERT_TRUE(store->record_usage({ UsageRow { 0, "e9", "{}" } }).ok());
    EXPECT_EQ(store->usage_depth().value(), 8U);

    ASSERT_TRUE(store->acknowledge_usage(oldest.back().id).ok());
    EXPECT_EQ(store->usage_depth().value(), 5U);
    EXPECT_EQ(store->usage(1).value()[0].event_id, "e5");
}

TEST(SqliteStoreUsage, AKioskUpgradedFromSchemaFourKeepsItsDossiersAndCountsUsage)
{
    ScratchDirectory dir;
    auto path = dir.path() / "kiosk.db";
    {
        auto store = SqliteStore::open(path, guichet::testing::test_seal_to()).release_value();
        ASSERT_TRUE(store->save(guichet::testing::sample_dossier()).ok());
    }
    {
        // As firmware of schema 4 left it.
        RawDatabase raw(path);
        raw.execute("DROP TABLE usage_event; DELETE FROM kiosk_state WHERE key = 'usage_dropped';"
                    " PRAGMA user_version = 4;");
    }
    auto store = SqliteStore::open(path, guichet::testing::test_seal_to());
    ASSERT_TRUE(store.ok()) << store.error().detail;
    EXPECT_EQ(store.value()->outbox_depth().value(), 1U);
    EXPECT_EQ(store.value()->usage_depth().value(), 0U);
    EXPECT_EQ(store.value()->usage_dropped().value(), 0);
    EXPECT_EQ(store.value()->diagnostics().value().schema_version, 5);
}
