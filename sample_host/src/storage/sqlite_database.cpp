// The database interface over SQLite: one file, WAL, busy timeout, BEGIN IMMEDIATE for writers.
#include "storage/sqlite_database.hpp"

#include <connector_support/guarded.hpp>

#include <sqlite3.h>

#include <utility>

namespace sample_host {
namespace {

std::string remedy_for(int primary_code)
{
    switch (primary_code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "another sample_host kept the database locked for too long: retry when it has finished";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return "the file is damaged or is not a sample_host database: move it aside (the host creates a new, "
               "empty one) or restore it from a backup";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
        return "check that the data folder exists and is writable by you, or choose another with --data";
    case SQLITE_FULL: return "free some disk space and retry";
    default: return {};
    }
}

database_failure failure_of(int primary_code)
{
    switch (primary_code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return database_failure::busy;
    case SQLITE_CONSTRAINT: return database_failure::constraint;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM: return database_failure::unreachable;
    default: return database_failure::other;
    }
}

[[noreturn]] void throw_error(const std::string& message, int code)
{
    throw database_error(message, failure_of(code & 0xff));
}

class sqlite_statement final : public statement_backend {
public:
    sqlite_statement(sqlite_database& database, std::string_view sql);
    ~sqlite_statement() override;
    sqlite_statement(const sqlite_statement&) = delete;
    sqlite_statement& operator=(const sqlite_statement&) = delete;

    void bind_text(int index, std::string_view text) override;
    void bind_integer(int index, std::int64_t value) override;
    void bind_blob(int index, std::span<const std::uint8_t> bytes) override;
    void bind_null(int index) override;
    bool step() override;
    void reset() override;
    [[nodiscard]] bool is_null(int column) const override;
    [[nodiscard]] std::string text(int column) const override;
    [[nodiscard]] std::int64_t integer(int column) const override;
    [[nodiscard]] std::vector<std::uint8_t> blob(int column) const override;

private:
    sqlite_database& database_;
    sqlite3_stmt* statement_ = nullptr;
};

} // namespace

// --- sqlite_database ---------------------------------------------------------------------------

sqlite_database::sqlite_database(std::filesystem::path file, std::chrono::milliseconds busy_timeout)
    : file_(std::move(file))
{
    // FULLMUTEX: host services may be called from the connector's threads; SQLite serialises them.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
    const int rc = ::sqlite3_open_v2(file_.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string why = db_ != nullptr ? ::sqlite3_errmsg(db_) : ::sqlite3_errstr(rc);
        ::sqlite3_close(db_);
        db_ = nullptr;
        std::string message = "cannot open the database " + file_.string() + ": " + why;
        if (std::string remedy = remedy_for(rc & 0xff); !remedy.empty())
            message += ": " + remedy;
        throw_error(message, rc);
    }
    ::sqlite3_extended_result_codes(db_, 1);
    ::sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout.count()));
    try {
        // journal_mode returns a row, so it is read rather than executed. A database another process
        // already switched to WAL simply answers "wal". A file that is not a database fails here.
        {
            auto wal = prepare("PRAGMA journal_mode=WAL");
            wal.step();
        }
        execute("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
    } catch (...) {
        // The destructor does not run for a constructor that throws: close here.
        ::sqlite3_close_v2(db_);
        db_ = nullptr;
        throw;
    }
}

sqlite_database::~sqlite_database()
{
    ::sqlite3_close_v2(db_);
}

void sqlite_database::execute(std::string_view sql)
{
    std::string text(sql);
    char* error = nullptr;
    const int rc = ::sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string why = error != nullptr ? error : ::sqlite3_errstr(rc);
        ::sqlite3_free(error);
        std::string message = "database " + file_.string() + ": " + why;
        if (std::string remedy = remedy_for(rc & 0xff); !remedy.empty())
            message += ": " + remedy;
        throw_error(message, rc);
    }
}

std::unique_ptr<statement_backend> sqlite_database::make_statement(std::string_view sql)
{
    return std::make_unique<sqlite_statement>(*this, sql);
}

int sqlite_database::changes() const noexcept
{
    return ::sqlite3_changes(db_);
}

void sqlite_database::fail(int code, std::string_view what) const
{
    std::string message = "database " + file_.string() + ": " + std::string(what) +
                          " failed: " + ::sqlite3_errmsg(db_) + " (SQLite code " + std::to_string(code) + ")";
    if (std::string remedy = remedy_for(code & 0xff); !remedy.empty())
        message += ": " + remedy;
    throw_error(message, code);
}

// --- sqlite_statement --------------------------------------------------------------------------

sqlite_statement::sqlite_statement(sqlite_database& database, std::string_view sql) : database_(database)
{
    const int rc =
        ::sqlite3_prepare_v2(database_.handle(), sql.data(), static_cast<int>(sql.size()), &statement_, nullptr);
    if (rc != SQLITE_OK)
        database_.fail(rc, "preparing a statement");
}

sqlite_statement::~sqlite_statement()
{
    ::sqlite3_finalize(statement_);
}

void sqlite_statement::bind_text(int index, std::string_view text)
{
    const int rc = ::sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK)
        database_.fail(rc, "binding a parameter");
}

void sqlite_statement::bind_integer(int index, std::int64_t value)
{
    const int rc = ::sqlite3_bind_int64(statement_, index, value);
    if (rc != SQLITE_OK)
        database_.fail(rc, "binding a parameter");
}

void sqlite_statement::bind_blob(int index, std::span<const std::uint8_t> bytes)
{
    // An empty span has no data pointer; SQLite would store NULL, so bind a zero-length blob instead.
    const int rc = bytes.empty()
                       ? ::sqlite3_bind_zeroblob(statement_, index, 0)
                       : ::sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK)
        database_.fail(rc, "binding a parameter");
}

void sqlite_statement::bind_null(int index)
{
    const int rc = ::sqlite3_bind_null(statement_, index);
    if (rc != SQLITE_OK)
        database_.fail(rc, "binding a parameter");
}

bool sqlite_statement::step()
{
    const int rc = ::sqlite3_step(statement_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    database_.fail(rc, "running a statement");
}

void sqlite_statement::reset()
{
    ::sqlite3_reset(statement_);
    ::sqlite3_clear_bindings(statement_);
}

bool sqlite_statement::is_null(int column) const
{
    return ::sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::string sqlite_statement::text(int column) const
{
    const auto* data = ::sqlite3_column_text(statement_, column);
    const int size = ::sqlite3_column_bytes(statement_, column);
    if (data == nullptr)
        return {};
    return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::int64_t sqlite_statement::integer(int column) const
{
    return ::sqlite3_column_int64(statement_, column);
}

std::vector<std::uint8_t> sqlite_statement::blob(int column) const
{
    const auto* data = static_cast<const std::uint8_t*>(::sqlite3_column_blob(statement_, column));
    const int size = ::sqlite3_column_bytes(statement_, column);
    if (data == nullptr || size <= 0)
        return {};
    return {data, data + size};
}

// --- transactions ------------------------------------------------------------------------------

void sqlite_database::begin_write()
{
    execute("BEGIN IMMEDIATE");
}

void sqlite_database::commit()
{
    execute("COMMIT");
}

void sqlite_database::rollback() noexcept
{
    // A failed ROLLBACK has nowhere to go; SQLite rolls back on close anyway.
    connector_support::guarded([&] { execute("ROLLBACK"); }, [](std::string_view) {}, [] {});
}

} // namespace sample_host
