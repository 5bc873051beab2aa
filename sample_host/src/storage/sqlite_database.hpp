// A small RAII wrapper over the sqlite3 C API: one connection, prepared statements, transactions.
// Errors become sqlite_error with the database file and SQLite's own text.
#pragma once

#include "runtime/host_error.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace sample_host {

class sqlite_error final : public host_error {
public:
    sqlite_error(const std::string& message, int sqlite_code) : host_error(message), sqlite_code_(sqlite_code) {}
    // The primary SQLite result code (SQLITE_CONSTRAINT, SQLITE_BUSY, ...).
    [[nodiscard]] int sqlite_code() const noexcept { return sqlite_code_; }

private:
    int sqlite_code_;
};

class sqlite_database;

// One prepared statement. Parameters are 1-based, columns 0-based, as in SQLite.
class sqlite_statement final {
public:
    sqlite_statement(sqlite_database& database, std::string_view sql);
    ~sqlite_statement();
    sqlite_statement(const sqlite_statement&) = delete;
    sqlite_statement& operator=(const sqlite_statement&) = delete;

    sqlite_statement& bind(int index, std::string_view text);
    sqlite_statement& bind(int index, std::int64_t value);
    sqlite_statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
    sqlite_statement& bind_null(int index);
    // Instants are stored as Unix seconds; an absent one as NULL.
    sqlite_statement& bind(int index, std::chrono::sys_seconds instant);
    sqlite_statement& bind(int index, const std::optional<std::chrono::sys_seconds>& instant);

    // Runs one step: true while a row is available, false when done. Throws on error.
    bool step();
    // Runs to completion, for statements that return no rows.
    void run();
    void reset();

    [[nodiscard]] bool is_null(int column) const;
    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] std::int64_t integer(int column) const;
    [[nodiscard]] std::vector<std::uint8_t> blob(int column) const;
    // A column of Unix seconds; nullopt for NULL.
    [[nodiscard]] std::chrono::sys_seconds instant(int column) const;
    [[nodiscard]] std::optional<std::chrono::sys_seconds> optional_instant(int column) const;

private:
    sqlite_database& database_;
    sqlite3_stmt* statement_ = nullptr;
};

class sqlite_database final {
public:
    // Opens (creating when missing) `file` in WAL mode with foreign keys on and `busy_timeout`, so
    // several processes can use it at once: a writer waits for another rather than failing.
    explicit sqlite_database(std::filesystem::path file,
                             std::chrono::milliseconds busy_timeout = std::chrono::seconds(15));
    ~sqlite_database();
    sqlite_database(const sqlite_database&) = delete;
    sqlite_database& operator=(const sqlite_database&) = delete;

    // Runs one or more statements that return no rows.
    void execute(std::string_view sql);
    [[nodiscard]] sqlite_statement prepare(std::string_view sql) { return sqlite_statement(*this, sql); }

    [[nodiscard]] std::int64_t last_insert_rowid() const noexcept;
    // Rows changed by the last INSERT, UPDATE or DELETE.
    [[nodiscard]] int changes() const noexcept;
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }
    [[nodiscard]] sqlite3* handle() const noexcept { return db_; }

    // Throws sqlite_error for `code` (an SQLite result code) naming the database and `what` was done.
    [[noreturn]] void fail(int code, std::string_view what) const;

private:
    std::filesystem::path file_;
    sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed uncommitted. IMMEDIATE takes the write lock
// at the start, so two processes never both read-then-write and deadlock on the upgrade.
class sqlite_transaction final {
public:
    explicit sqlite_transaction(sqlite_database& database);
    ~sqlite_transaction();
    sqlite_transaction(const sqlite_transaction&) = delete;
    sqlite_transaction& operator=(const sqlite_transaction&) = delete;

    void commit();

private:
    sqlite_database& database_;
    bool done_ = false;
};

} // namespace sample_host
