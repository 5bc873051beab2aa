// The host database on a PostgreSQL server, shared by every host of a fleet: the database interface
// over libpq. Errors become database_error with the server (never its password) and PostgreSQL's text.
#pragma once

#include "storage/database.hpp"

#include <mutex>
#include <string>

struct pg_conn;
struct pg_result;

namespace sample_host {

class postgresql_database final : public database {
public:
    // Connects to `url` (a libpq connection URI, postgresql://...); `display` is the same without its
    // password, for messages. Throws database_error (unreachable) naming the server and the remedy.
    postgresql_database(const std::string& url, std::string display);
    ~postgresql_database() override;

    [[nodiscard]] database_engine engine() const noexcept override { return database_engine::postgresql; }
    [[nodiscard]] std::string location() const override { return display_; }
    void execute(std::string_view sql) override;
    [[nodiscard]] int changes() const noexcept override;
    // BEGIN, then a transaction-scoped advisory lock that every host's write transactions take: they
    // run one at a time, as SQLite's BEGIN IMMEDIATE makes them (waiting at most lock_timeout, 15 s).
    void begin_write() override;
    void commit() override;
    void rollback() noexcept override;

    // Runs `sql` with `values` (nullptr: NULL; `binary` ones as bytes), under the connection's lock.
    // Returns the result, which the caller frees with PQclear. Throws database_error.
    [[nodiscard]] pg_result* run(const std::string& sql, int count, const unsigned* types, const char* const* values,
                                 const int* lengths, const int* formats);

    // Throws database_error for a failed `result` (freed here) or connection, naming `what` was done.
    [[noreturn]] void fail(pg_result* result, std::string_view what) const;

protected:
    [[nodiscard]] std::unique_ptr<statement_backend> make_statement(std::string_view sql) override;

private:
    // Reconnects when the server dropped the connection, unless a transaction was open (its work is lost
    // and the caller must hear so).
    void reconnect_if_lost();

    std::string display_;
    pg_conn* connection_ = nullptr;
    mutable std::recursive_mutex mutex_; // libpq connections are not thread-safe; host services are
    int changes_ = 0;
    bool in_transaction_ = false;
};

} // namespace sample_host
