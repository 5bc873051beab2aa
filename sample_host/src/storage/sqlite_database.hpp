// The host database in one SQLite file (the embedded default): the database interface over the sqlite3
// C API. Errors become database_error with the file and SQLite's own text.
#pragma once

#include "storage/database.hpp"

#include <chrono>
#include <filesystem>

struct sqlite3;

namespace sample_host {

class sqlite_database final : public database {
public:
    // Opens (creating when missing) `file` in WAL mode with foreign keys on and `busy_timeout`, so
    // several processes can use it at once: a writer waits for another rather than failing.
    explicit sqlite_database(std::filesystem::path file,
                             std::chrono::milliseconds busy_timeout = std::chrono::seconds(15));
    ~sqlite_database() override;

    [[nodiscard]] database_engine engine() const noexcept override { return database_engine::sqlite; }
    [[nodiscard]] std::string location() const override { return file_.string(); }
    void execute(std::string_view sql) override;
    [[nodiscard]] int changes() const noexcept override;
    // BEGIN IMMEDIATE takes the write lock at the start, so two processes never both read-then-write
    // and deadlock on the upgrade.
    void begin_write() override;
    void commit() override;
    void rollback() noexcept override;

    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }
    [[nodiscard]] sqlite3* handle() const noexcept { return db_; }

    // Throws database_error for `code` (an SQLite result code) naming the database and `what` was done.
    [[noreturn]] void fail(int code, std::string_view what) const;

protected:
    [[nodiscard]] std::unique_ptr<statement_backend> make_statement(std::string_view sql) override;

private:
    std::filesystem::path file_;
    sqlite3* db_ = nullptr;
};

} // namespace sample_host
