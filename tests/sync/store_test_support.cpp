#include "store_test_support.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace guichet::testing {

ScratchDirectory::ScratchDirectory()
{
    std::string pattern = (std::filesystem::path(::testing::TempDir()) / "guichet-sync-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        ADD_FAILURE() << "mkdtemp failed";
    m_path = pattern;
}

ScratchDirectory::~ScratchDirectory()
{
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

RawDatabase::RawDatabase(std::filesystem::path const& path)
{
    if (sqlite3_open_v2(path.c_str(), &m_connection, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(m_connection);
    sqlite3_busy_timeout(m_connection, 2000);
}

RawDatabase::~RawDatabase()
{
    sqlite3_close_v2(m_connection);
}

void RawDatabase::execute(std::string const& sql)
{
    if (sqlite3_exec(m_connection, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(m_connection);
}

std::int64_t RawDatabase::query_int64(std::string const& sql)
{
    sqlite3_stmt* statement = nullptr;
    std::int64_t value = -1;
    if (sqlite3_prepare_v2(m_connection, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK
        && sqlite3_step(statement) == SQLITE_ROW)
        value = sqlite3_column_int64(statement, 0);
    else
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(m_connection);
    sqlite3_finalize(statement);
    return value;
}

std::string RawDatabase::query_text(std::string const& sql)
{
    sqlite3_stmt* statement = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(m_connection, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK
        && sqlite3_step(statement) == SQLITE_ROW)
        value = reinterpret_cast<char const*>(sqlite3_column_text(statement, 0));
    else
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(m_connection);
    sqlite3_finalize(statement);
    return value;
}

Dossier sample_dossier(std::string const& name)
{
    Dossier dossier;
    dossier.demarche_id = "signalement-voirie";
    dossier.demarche_version = "3";
    dossier.confirmed_at = 1767225600;
    dossier.answers = {
        { "nom", name },
        { "adresse", "12 rue de l'Église, 35000 Rennes" },
        { "description", "Nid-de-poule devant l'école, profond d'environ 10 cm." },
    };
    return dossier;
}

std::string read_file(std::filesystem::path const& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
}

crypto::BoxKeyPair const& test_hub_keys()
{
    static crypto::BoxKeyPair const keys = [] {
        (void)crypto::initialise();
        return crypto::generate_box_keys();
    }();
    return keys;
}

std::vector<std::uint8_t> test_seal_to()
{
    return test_hub_keys().public_key;
}

std::string open_entry(std::string const& sealed)
{
    auto box = crypto::from_base64(sealed);
    if (!box.ok()) {
        ADD_FAILURE() << "the sealed dossier is not base64";
        return {};
    }
    auto opened = crypto::open_sealed(box.value(), test_hub_keys());
    if (!opened.ok()) {
        ADD_FAILURE() << "the sealed dossier does not open with the hub's key";
        return {};
    }
    return opened.release_value();
}

}
