// kill -9 in the middle of saving, twenty times over the same file.
//
// A child process saves dossiers as fast as it can and reports each code
// save() returned, as the kiosk would print it on a receipt. The parent kills
// it at a random moment, reopens the store and checks what a resident and
// the central services would notice: every printed code is in the outbox,
// no dossier is half-written, and no code was consumed without its dossier.
//
// This covers the process dying, not the power failing: the kernel still
// writes out what the child had handed it. Power loss is what
// synchronous=FULL is for, and it cannot be simulated here.
#include "store_test_support.hpp"
#include "sync/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <random>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace guichet {
namespace {

using testing::open_entry;
using testing::RawDatabase;
using testing::ScratchDirectory;
using testing::test_seal_to;

constexpr int rounds = 20;

std::string checksum(std::string_view text)
{
    // FNV-1a: the same in parent and child, unlike std::hash which is only
    // promised to be stable within one program run.
    std::uint64_t hash = 0xCBF29CE484222325ull;
    for (unsigned char byte : text) {
        hash ^= byte;
        hash *= 0x100000001B3ull;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return hex;
}

// The answer is long enough, sometimes, to spill over several database
// pages, and carries its own checksum: a row torn between pages, or mixed up
// with another, would not match it.
Dossier checksummed_dossier(std::mt19937& random)
{
    static constexpr std::string_view pieces[] = { "a", "b", "z", " ", "é", "ç", "0", "7", "'", "\"" };
    std::uniform_int_distribution<std::size_t> length(1, 3000);
    std::uniform_int_distribution<std::size_t> piece(0, std::size(pieces) - 1);
    std::string text;
    for (auto n = length(random); n > 0; --n)
        text += pieces[piece(random)];

    Dossier dossier;
    dossier.demarche_id = "signalement-voirie";
    dossier.demarche_version = "3";
    dossier.confirmed_at = 1767225600;
    dossier.answers = { { "description", text }, { "empreinte", checksum(text) } };
    return dossier;
}

void fail_child(char const* what, Error const& error, int status)
{
    std::string message = std::string("crash test child: ") + what + ": " + error.code + " " + error.detail + "\n";
    [[maybe_unused]] auto ignored = write(STDERR_FILENO, message.data(), message.size());
    _exit(status);
}

// Runs in the forked child until it is killed. It never returns into
// GoogleTest, and leaves with _exit() so that no destructor of the parent's
// state runs twice.
[[noreturn]] void save_until_killed(std::filesystem::path const& path, int report_fd, unsigned seed)
{
    std::mt19937 random(seed);
    auto store = SqliteStore::open(path, test_seal_to());
    if (!store.ok())
        fail_child("open", store.error(), 10);
    for (;;) {
        auto code = store.value()->save(checksummed_dossier(random));
        if (!code.ok())
            fail_child("save", code.error(), 11);
        // Nine bytes: below PIPE_BUF, so a line is written whole or not at all.
        auto line = code.value().text() + "\n";
        if (write(report_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            _exit(12);
    }
}

std::vector<std::string> read_lines(int fd)
{
    std::string all;
    char buffer[4096];
    for (;;) {
        auto got = read(fd, buffer, sizeof buffer);
        if (got <= 0)
            break;
        all.append(buffer, static_cast<std::size_t>(got));
    }
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto end = all.find('\n'); end != std::string::npos; start = end + 1, end = all.find('\n', start))
        lines.push_back(all.substr(start, end - start));
    return lines;
}

TEST(SqliteStoreCrash, KillNineNeverTearsADossierNorLosesAPrintedCode)
{
    ScratchDirectory scratch;
    auto path = scratch.path() / "outbox.db";
    // Drawn here, before the fork, so that the children seal to the key
    // this process opens with.
    (void)testing::test_hub_keys();
    auto const seed = std::random_device {}();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 random(seed);

    std::set<std::string> printed; // every code a child got back from save()
    std::optional<std::uint64_t> key;
    std::size_t rows_before = 0;

    for (int round = 0; round < rounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        int report[2];
        ASSERT_EQ(pipe(report), 0);
        pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            close(report[0]);
            save_until_killed(path, report[1], seed + static_cast<unsigned>(round));
        }
        close(report[1]);

        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution(5, 60)(random)));
        kill(child, SIGKILL);
        int status = 0;
        ASSERT_EQ(waitpid(child, &status, 0), child);
        auto reported = read_lines(report[0]);
        close(report[0]);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            << "the child stopped on its own, exit status " << WEXITSTATUS(status);

        // Opening replays the write-ahead log the child left behind.
        auto opened = SqliteStore::open(path, test_seal_to());
        ASSERT_TRUE(opened.ok()) << opened.error().code << ": " << opened.error().detail;
        auto& store = opened.value();
        auto entries = store->outbox().release_value();

        // The serial and the row are committed together or not at all.
        ASSERT_EQ(store->next_serial().value(), entries.size());
        {
            RawDatabase raw(path);
            ASSERT_EQ(raw.query_text("PRAGMA integrity_check"), "ok");
            auto current_key = static_cast<std::uint64_t>(raw.code_key());
            if (!key)
                key = current_key;
            ASSERT_EQ(current_key, *key) << "the code key changed after a crash";
        }

        std::set<std::string> stored;
        for (std::size_t serial = 0; serial < entries.size(); ++serial) {
            auto const& entry = entries[serial];
            ASSERT_EQ(entry.tracking_code, TrackingCode::from_serial(serial, *key).text()) << "serial " << serial;
            auto json = nlohmann::json::parse(open_entry(entry.sealed), nullptr, /*allow_exceptions=*/false);
            ASSERT_FALSE(json.is_discarded()) << "row " << entry.id << " is not JSON";
            EXPECT_EQ(json["tracking_code"], entry.tracking_code);
            auto const& answers = json["answers"];
            ASSERT_TRUE(answers.is_object()) << "row " << entry.id;
            EXPECT_EQ(checksum(answers.value("description", "")), answers.value("empreinte", ""))
                << "row " << entry.id << " is torn";
            stored.insert(entry.tracking_code);
        }

        for (auto const& code : reported)
            printed.insert(code);
        for (auto const& code : printed)
            ASSERT_TRUE(stored.count(code)) << "code " << code << " was printed but is not in the outbox";
        // A save may commit and the child die before it prints: at most one
        // such dossier per kill.
        auto new_rows = entries.size() - rows_before;
        EXPECT_LE(new_rows, reported.size() + 1);
        rows_before = entries.size();
    }

    EXPECT_GT(printed.size(), 0u) << "no child ever saved a dossier: the test proved nothing";
    std::printf(
        "[          ] %zu dossiers saved across %d kills, %zu codes printed\n", rows_before, rounds, printed.size());
}

}
}
