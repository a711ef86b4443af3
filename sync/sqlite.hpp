// Thin RAII wrappers over the SQLite C API, private to the sync module: a
// connection, a prepared statement and a transaction guard, and the one place
// where SQLite result codes become the store's error codes.
//
// Only pointers to SQLite types appear here, so code that includes the
// store's header does not need <sqlite3.h>: SQLite stays a private
// dependency of kiosk_sync.
#pragma once

#include "kiosk/core/result.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace guichet::sqlite {

struct ConnectionCloser {
    void operator()(sqlite3* connection) const;
};

// Owns an open connection; closing it finalizes nothing on our behalf, so
// every Statement must be destroyed before its Connection.
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

// Maps a SQLite result code to a store error. `operation` says what we were
// doing ("insert outbox row"); the detail never quotes SQL values, so no
// personal data can reach a log through it.
Error error_from(int result_code, std::string_view operation);

// Runs SQL that takes no parameters (schema scripts, pragmas that return no
// row, transaction control).
Result<void> execute(sqlite3* connection, char const* sql, std::string_view operation);

enum class Step {
    Row,
    Done,
};

class Statement {
public:
    static Result<Statement> prepare(sqlite3* connection, std::string_view sql, std::string_view operation);

    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(Statement const&) = delete;
    Statement& operator=(Statement const&) = delete;
    ~Statement();

    // Parameters are numbered from 1, as in the SQL text (?1, ?2, ...).
    // Text is copied by SQLite, so the caller may wipe its string after.
    Result<void> bind(int index, std::int64_t value);
    Result<void> bind(int index, std::string_view text);
    Result<void> bind_null(int index);
    // Binds the value, or NULL when there is none.
    Result<void> bind(int index, std::optional<std::int64_t> value);
    Result<void> bind(int index, std::optional<std::string> const& text);

    Result<Step> step();
    // Makes the statement ready to run again; bound values stay.
    void reset();

    // Columns are numbered from 0.
    std::int64_t int64_column(int index) const;
    std::string text_column(int index) const;
    bool is_null(int index) const;
    // The column's value, or nothing when it is NULL.
    std::optional<std::int64_t> optional_int64_column(int index) const;

private:
    friend class StatementCache;
    Statement(sqlite3_stmt* statement, std::string_view operation, bool* lent = nullptr);

    sqlite3_stmt* m_statement { nullptr };
    std::string m_operation;
    // Set for a statement lent by a StatementCache: dropping it resets it
    // and hands it back instead of finalizing it.
    bool* m_lent { nullptr };
};

// Statements prepared once for a connection and lent again for the same
// SQL. A server runs the same few statements thousands of times a second:
// parsing them each time took a third of the hub's CPU. A statement asked
// for while its cached copy is still lent is prepared afresh.
class StatementCache {
public:
    // The connection must outlive the cache.
    explicit StatementCache(sqlite3* connection);
    StatementCache(StatementCache const&) = delete;
    StatementCache& operator=(StatementCache const&) = delete;
    // Every lent statement must have been dropped before.
    ~StatementCache();

    sqlite3* connection() const { return m_connection; }
    // Ready to bind and step; reset, with its bindings cleared, when dropped.
    Result<Statement> prepare(std::string_view sql, std::string_view operation);

private:
    struct Entry {
        sqlite3_stmt* statement { nullptr };
        bool lent { false };
    };
    sqlite3* m_connection;
    // unique_ptr: a lent statement points at its entry's flag.
    std::unordered_map<std::string, std::unique_ptr<Entry>> m_entries;
};

// Rows changed by the connection's last INSERT, UPDATE or DELETE.
std::int64_t changes(sqlite3* connection);

// Runs a query expected to return exactly one row and reads its first column.
Result<std::int64_t> query_int64(sqlite3* connection, std::string_view sql, std::string_view operation);
Result<std::string> query_text(sqlite3* connection, std::string_view sql, std::string_view operation);

// A write transaction. BEGIN IMMEDIATE takes the write lock up front, so a
// busy database is reported before any work is done rather than at COMMIT.
// A transaction that is destroyed without a successful commit() is rolled
// back, so every early return leaves the database as it was.
class Transaction {
public:
    static Result<Transaction> begin_immediate(sqlite3* connection, std::string_view operation);

    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(Transaction const&) = delete;
    Transaction& operator=(Transaction const&) = delete;
    ~Transaction();

    Result<void> commit();

private:
    Transaction(sqlite3* connection, std::string_view operation);

    sqlite3* m_connection { nullptr };
    std::string m_operation;
};

}
