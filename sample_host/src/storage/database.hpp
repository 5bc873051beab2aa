// The host database, whatever engine keeps it: prepared statements with positional parameters,
// write transactions, and the error kinds callers act on. SQLite (sqlite_database) and PostgreSQL
// (postgresql_database) implement it; the SQL they accept differs only as sql_dialect says.
#pragma once

#include "runtime/host_error.hpp"
#include "storage/sql_dialect.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

// What went wrong, in terms a caller can act on, whatever the engine.
enum class database_failure : std::uint8_t {
    busy,        // another process held a lock for longer than the wait allows
    constraint,  // a unique, foreign-key or check constraint refused the change
    unreachable, // no connection (server down, refused, authentication)
    other,
};

class database_error final : public host_error {
public:
    database_error(const std::string& message, database_failure kind) : host_error(message), kind_(kind) {}
    [[nodiscard]] database_failure kind() const noexcept { return kind_; }

private:
    database_failure kind_;
};

// One engine's prepared statement; statement is the type callers hold.
class statement_backend {
public:
    virtual ~statement_backend() = default;
    virtual void bind_text(int index, std::string_view text) = 0;
    virtual void bind_integer(int index, std::int64_t value) = 0;
    virtual void bind_blob(int index, std::span<const std::uint8_t> bytes) = 0;
    virtual void bind_null(int index) = 0;
    virtual bool step() = 0;
    virtual void reset() = 0;
    [[nodiscard]] virtual bool is_null(int column) const = 0;
    [[nodiscard]] virtual std::string text(int column) const = 0;
    [[nodiscard]] virtual std::int64_t integer(int column) const = 0;
    [[nodiscard]] virtual std::vector<std::uint8_t> blob(int column) const = 0;
};

// One prepared statement. Parameters are written `?` or `?N` and are 1-based; columns are 0-based.
class statement final {
public:
    statement(std::unique_ptr<statement_backend> backend, std::recursive_mutex& in_use) noexcept
        : backend_(std::move(backend)), in_use_(&in_use)
    {
    }

    statement& bind(int index, std::string_view text);
    statement& bind(int index, std::int64_t value);
    statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
    statement& bind_null(int index);
    // Instants are stored as Unix seconds; an absent one as NULL.
    statement& bind(int index, std::chrono::sys_seconds instant);
    statement& bind(int index, const std::optional<std::chrono::sys_seconds>& instant);

    // Runs one step: true while a row is available, false when done. Throws database_error.
    bool step()
    {
        const std::lock_guard lock(*in_use_);
        return backend_->step();
    }
    // Runs to completion, for statements that return no rows.
    void run();
    // Ready to run again, parameters cleared.
    void reset()
    {
        const std::lock_guard lock(*in_use_);
        backend_->reset();
    }

    [[nodiscard]] bool is_null(int column) const { return backend_->is_null(column); }
    [[nodiscard]] std::string text(int column) const { return backend_->text(column); }
    [[nodiscard]] std::int64_t integer(int column) const { return backend_->integer(column); }
    [[nodiscard]] std::vector<std::uint8_t> blob(int column) const { return backend_->blob(column); }
    [[nodiscard]] std::chrono::sys_seconds instant(int column) const;
    [[nodiscard]] std::optional<std::chrono::sys_seconds> optional_instant(int column) const;

private:
    std::unique_ptr<statement_backend> backend_;
    std::recursive_mutex* in_use_; // the database's: see database::in_use
};

class database {
public:
    virtual ~database() = default;
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    [[nodiscard]] virtual database_engine engine() const noexcept = 0;
    // Where the data lives, for messages: a file, or a PostgreSQL URL without its password.
    [[nodiscard]] virtual std::string location() const = 0;

    // Runs one or more statements without parameters that return no rows.
    virtual void execute(std::string_view sql) = 0;
    [[nodiscard]] statement prepare(std::string_view sql) { return statement(make_statement(sql), in_use_); }
    // Rows changed by the last INSERT, UPDATE or DELETE of this connection.
    [[nodiscard]] virtual int changes() const noexcept = 0;

    // A write transaction, serialised with every other write transaction on the same database (see
    // transaction below). Use the transaction class rather than these.
    virtual void begin_write() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;

    // One connection serves every thread of the process (the console's requests, connectors' credential
    // stores): a write transaction holds this from BEGIN to COMMIT, and each statement step takes it, so
    // no other thread's statement runs inside someone else's transaction.
    [[nodiscard]] std::recursive_mutex& in_use() noexcept { return in_use_; }

protected:
    database() = default;
    [[nodiscard]] virtual std::unique_ptr<statement_backend> make_statement(std::string_view sql) = 0;

private:
    std::recursive_mutex in_use_;
};

// A write transaction, rolled back when destroyed uncommitted. Write transactions exclude each other
// across every process using the database (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped
// advisory lock), so a check made inside one still holds when its writes commit.
class transaction final {
public:
    explicit transaction(database& db) : database_(db), held_(db.in_use()) { database_.begin_write(); }
    ~transaction()
    {
        if (!done_)
            database_.rollback();
    }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;

    void commit()
    {
        database_.commit();
        done_ = true;
    }

private:
    database& database_;
    std::unique_lock<std::recursive_mutex> held_; // released after COMMIT or ROLLBACK
    bool done_ = false;
};

} // namespace sample_host
