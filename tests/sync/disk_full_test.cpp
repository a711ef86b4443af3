// A full disk, at every point of a save: the resident gets "store.disk_full",
// and the dossiers already saved, the serial and the file stay intact.
#include "fault_injecting_vfs.hpp"
#include "store_test_support.hpp"
#include "sync/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace guichet {
namespace {

using testing::FaultInjectingVfs;
using testing::RawDatabase;
using testing::sample_dossier;
using testing::ScratchDirectory;
using testing::test_seal_to;

std::vector<std::string> codes_in(SqliteStore const& store)
{
    std::vector<std::string> codes;
    for (auto const& entry : store.outbox().release_value())
        codes.push_back(entry.tracking_code);
    return codes;
}

TEST(SqliteStoreDiskFull, ASaveCutShortAtAnyWriteLeavesEarlierDossiersIntact)
{
    ScratchDirectory scratch;
    auto path = scratch.path() / "outbox.db";
    FaultInjectingVfs vfs;
    {
        auto store = SqliteStore::open(path, test_seal_to()).release_value();
        for (int i = 0; i < 5; ++i)
            ASSERT_TRUE(store->save(sample_dossier()).ok());
        auto const saved_codes = codes_in(*store);

        // Fill the disk after 0, 1, 2, ... writes into the next save: the
        // first budgets fail it before its log frames are written, later
        // ones in the middle of them, until one is large enough for the
        // whole commit.
        std::string const secret = "Dominique Secret-Résident";
        int failed_saves = 0;
        bool completed = false;
        for (int budget = 0; budget < 100 && !completed; ++budget) {
            vfs.fill_disk_after(budget);
            auto saved = store->save(sample_dossier(secret));
            vfs.free_disk();
            if (saved.ok()) {
                completed = true;
                break;
            }
            ++failed_saves;
            EXPECT_EQ(saved.error().code, "store.disk_full") << "budget " << budget << ": " << saved.error().detail;
            EXPECT_EQ(saved.error().detail.find(secret), std::string::npos) << "personal data in an error detail";
            // Nothing half-written: no new row, and the serial not consumed.
            EXPECT_EQ(store->next_serial().value(), 5u) << "budget " << budget;
            EXPECT_EQ(codes_in(*store), saved_codes) << "budget " << budget;
        }
        ASSERT_TRUE(completed) << "no save ever completed";
        EXPECT_GE(failed_saves, 2) << "the sweep did not cut a commit in the middle";
        EXPECT_GT(vfs.failed_writes(), 0);

        // Once space is back, the next save takes the serial the failed ones
        // did not consume.
        EXPECT_EQ(store->next_serial().value(), 6u);
        EXPECT_EQ(store->outbox_depth().value(), 6u);
        auto key = static_cast<std::uint64_t>(RawDatabase(path).code_key());
        EXPECT_EQ(store->outbox().value().back().tracking_code, TrackingCode::from_serial(5, key).text());
    }

    // What a restart sees: the log replays to the same six dossiers.
    auto reopened = SqliteStore::open(path, test_seal_to());
    ASSERT_TRUE(reopened.ok()) << reopened.error().detail;
    EXPECT_EQ(reopened.value()->next_serial().value(), 6u);
    EXPECT_EQ(reopened.value()->outbox_depth().value(), 6u);
    EXPECT_EQ(RawDatabase(path).query_text("PRAGMA integrity_check"), "ok");
}

TEST(SqliteStoreDiskFull, CreatingTheStoreOnAFullDiskFailsCleanlyAndCanBeRetried)
{
    ScratchDirectory scratch;
    auto path = scratch.path() / "outbox.db";
    FaultInjectingVfs vfs;

    vfs.fill_disk_after(0);
    auto store = SqliteStore::open(path, test_seal_to());
    vfs.free_disk();
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, "store.disk_full") << store.error().detail;

    auto retried = SqliteStore::open(path, test_seal_to());
    ASSERT_TRUE(retried.ok()) << retried.error().detail;
    EXPECT_EQ(retried.value()->diagnostics().value().schema_version, SqliteStore::schema_version);
    EXPECT_EQ(retried.value()->next_serial().value(), 0u);
    EXPECT_TRUE(retried.value()->save(sample_dossier()).ok());
}

}
}
