// Helpers shared by the sync tests: a scratch directory, a raw SQLite
// connection to look inside the store's file without going through the
// store, and sample dossiers.
#pragma once

#include "kiosk/core/dossier.hpp"
#include "sync/crypto.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

struct sqlite3;

namespace guichet::testing {

// A fresh directory under the test temp dir, removed with its contents.
class ScratchDirectory {
public:
    ScratchDirectory();
    ~ScratchDirectory();
    ScratchDirectory(ScratchDirectory const&) = delete;
    ScratchDirectory& operator=(ScratchDirectory const&) = delete;

    std::filesystem::path const& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

// A connection that does not configure anything, so what it reads is what
// the file says. Failures are reported through GoogleTest's ADD_FAILURE.
class RawDatabase {
public:
    explicit RawDatabase(std::filesystem::path const& path);
    ~RawDatabase();
    RawDatabase(RawDatabase const&) = delete;
    RawDatabase& operator=(RawDatabase const&) = delete;

    void execute(std::string const& sql);
    std::int64_t query_int64(std::string const& sql);
    std::string query_text(std::string const& sql);

    std::int64_t code_key() { return query_int64("SELECT value FROM kiosk_state WHERE key = 'code_key'"); }

private:
    sqlite3* m_connection { nullptr };
};

// The hub key pair the tests seal dossiers to (drawn once per process), and
// what a test passes to SqliteStore::open as the hub's public key.
crypto::BoxKeyPair const& test_hub_keys();
std::vector<std::uint8_t> test_seal_to();
// Opens an outbox entry's sealed dossier with the test hub's key.
std::string open_entry(std::string const& sealed);

// A dossier like the ones the session saves, with personal answers.
Dossier sample_dossier(std::string const& name = "Camille Durand");

std::string read_file(std::filesystem::path const& path);

}
