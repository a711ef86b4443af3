// RAII wrappers over the SQLite C API and the mapping of SQLite result codes
// to the store's error codes. See sqlite.hpp.
#include "sqlite.hpp"

#include <sqlite3.h>

#include <utility>

namespace guichet::sqlite {

void ConnectionCloser::operator()(sqlite3* connection) const
{
    // close_v2 never fails on a busy connection: should a statement have
    // escaped its owner, the connection is closed once it is finalized.
    sqlite3_close_v2(connection);
}

Error error_from(int result_code, std::string_view operation)
{
    // The primary code is the low byte; extended codes only refine it
    // (SQLITE_IOERR_FSYNC is an SQLITE_IOERR).
    std::string code;
    switch (result_code & 0xFF) {
    case SQLITE_FULL:
        code = "store.disk_full";
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        code = "store.corrupt";
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = "store.busy";
        break;
    default:
        code = "store.io";
        break;
    }
    // sqlite3_errstr() is the fixed English text of the code. We do not use
    // sqlite3_errmsg(), which may quote parts of a statement.
    std::string detail(operation);
    detail += ": ";
    detail += sqlite3_errstr(result_code);
    detail += " (sqlite ";
    detail += std::to_string(result_code);
    detail += ")";
    return Error::make(std::move(code), std::move(detail));
}

Result<void> execute(sqlite3* connection, char const* sql, std::string_view operation)
{
    int result = sqlite3_exec(connection, sql, nullptr, nullptr, nullptr);
    if (result != SQLITE_OK)
        return error_from(result, operation);
    return {};
}

Statement::Statement(sqlite3_stmt* statement, std::string_view operation, bool* lent)
    : m_statement(statement)
    , m_operation(operation)
    , m_lent(lent)
{
}

Statement::Statement(Statement&& other) noexcept
    : m_statement(std::exchange(other.m_statement, nullptr))
    , m_operation(std::move(other.m_operation))
    , m_lent(std::exchange(other.m_lent, nullptr))
{
}

Statement::~Statement()
{
    if (m_lent) {
        sqlite3_reset(m_statement);
        sqlite3_clear_bindings(m_statement);
        *m_lent = false;
        return;
    }
    sqlite3_finalize(m_statement);
}

StatementCache::StatementCache(sqlite3* connection)
    : m_connection(connection)
{
}

StatementCache::~StatementCache()
{
    for (auto& [sql, entry] : m_entries)
        sqlite3_finalize(entry->statement);
}

Result<Statement> StatementCache::prepare(std::string_view sql, std::string_view operation)
{
    auto found = m_entries.find(std::string(sql));
    if (found != m_entries.end()) {
        if (found->second->lent)
            return Statement::prepare(m_connection, sql, operation);
        found->second->lent = true;
        return Statement(found->second->statement, operation, &found->second->lent);
    }
    sqlite3_stmt* statement = nullptr;
    int result = sqlite3_prepare_v3(
        m_connection, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (result != SQLITE_OK) {
        sqlite3_finalize(statement);
        return error_from(result, operation);
    }
    auto entry = std::make_unique<Entry>();
    entry->statement = statement;
    entry->lent = true;
    auto* lent = &entry->lent;
    m_entries.emplace(std::string(sql), std::move(entry));
    return Statement(statement, operation, lent);
}

Result<Statement> Statement::prepare(sqlite3* connection, std::string_view sql, std::string_view operation)
{
    sqlite3_stmt* statement = nullptr;
    int result = sqlite3_prepare_v2(connection, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    if (result != SQLITE_OK) {
        sqlite3_finalize(statement);
        return error_from(result, operation);
    }
    return Statement(statement, operation);
}

Result<void> Statement::bind(int index, std::int64_t value)
{
    int result = sqlite3_bind_int64(m_statement, index, value);
    if (result != SQLITE_OK)
        return error_from(result, m_operation);
    return {};
}

Result<void> Statement::bind(int index, std::string_view text)
{
    int result = sqlite3_bind_text64(m_statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (result != SQLITE_OK)
        return error_from(result, m_operation);
    return {};
}

Result<void> Statement::bind_null(int index)
{
    int result = sqlite3_bind_null(m_statement, index);
    if (result != SQLITE_OK)
        return error_from(result, m_operation);
    return {};
}

Result<void> Statement::bind(int index, std::optional<std::int64_t> value)
{
    return value ? bind(index, *value) : bind_null(index);
}

Result<void> Statement::bind(int index, std::optional<std::string> const& text)
{
    return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Result<Step> Statement::step()
{
    int result = sqlite3_step(m_statement);
    if (result == SQLITE_ROW)
        return Step::Row;
    if (result == SQLITE_DONE)
        return Step::Done;
    return error_from(result, m_operation);
}

std::int64_t Statement::int64_column(int index) const
{
    return sqlite3_column_int64(m_statement, index);
}

std::string Statement::text_column(int index) const
{
    // Ask for the text before its length: the conversion to text may change
    // the length SQLite reports.
    auto const* text = reinterpret_cast<char const*>(sqlite3_column_text(m_statement, index));
    auto size = static_cast<std::size_t>(sqlite3_column_bytes(m_statement, index));
    return text ? std::string(text, size) : std::string();
}

void Statement::reset()
{
    sqlite3_reset(m_statement);
}

bool Statement::is_null(int index) const
{
    return sqlite3_column_type(m_statement, index) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::optional_int64_column(int index) const
{
    if (is_null(index))
        return std::nullopt;
    return sqlite3_column_int64(m_statement, index);
}

std::int64_t changes(sqlite3* connection)
{
    return sqlite3_changes64(connection);
}

namespace {

template<typename Read>
auto query_one(sqlite3* connection, std::string_view sql, std::string_view operation, Read read)
    -> Result<decltype(read(std::declval<Statement&>()))>
{
    auto statement = GUICHET_TRY(Statement::prepare(connection, sql, operation));
    if (GUICHET_TRY(statement.step()) != Step::Row)
        return Error::make("store.corrupt", std::string(operation) + ": no row");
    return read(statement);
}

}

Result<std::int64_t> query_int64(sqlite3* connection, std::string_view sql, std::string_view operation)
{
    return query_one(connection, sql, operation, [](Statement& row) { return row.int64_column(0); });
}

Result<std::string> query_text(sqlite3* connection, std::string_view sql, std::string_view operation)
{
    return query_one(connection, sql, operation, [](Statement& row) { return row.text_column(0); });
}

Transaction::Transaction(sqlite3* connection, std::string_view operation)
    : m_connection(connection)
    , m_operation(operation)
{
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_connection(std::exchange(other.m_connection, nullptr))
    , m_operation(std::move(other.m_operation))
{
}

Transaction::~Transaction()
{
    // After some errors (SQLITE_FULL, SQLITE_IOERR during COMMIT) SQLite has
    // already rolled back on its own; a second ROLLBACK would only fail.
    if (m_connection && !sqlite3_get_autocommit(m_connection))
        sqlite3_exec(m_connection, "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<Transaction> Transaction::begin_immediate(sqlite3* connection, std::string_view operation)
{
    GUICHET_TRY(execute(connection, "BEGIN IMMEDIATE", operation));
    return Transaction(connection, operation);
}

Result<void> Transaction::commit()
{
    GUICHET_TRY(execute(m_connection, "COMMIT", m_operation));
    m_connection = nullptr;
    return {};
}

}
