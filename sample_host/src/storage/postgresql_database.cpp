// The database interface over libpq: text results, parameters typed (text, int8, bytea in binary),
// one connection per host process guarded by a lock, write transactions serialised by an advisory lock.
#include "storage/postgresql_database.hpp"

#include <connector_support/guarded.hpp>

#include <libpq-fe.h>

#include <charconv>
#include <optional>

namespace sample_host {
namespace {

// The advisory lock every write transaction takes ("sample_host writes"; any constant would do, as
// long as every host uses the same one).
constexpr std::string_view write_lock_sql = "SELECT pg_advisory_xact_lock(7310582129834513457)";

// PostgreSQL type OIDs of the parameters the host binds.
constexpr Oid text_oid = 25;
constexpr Oid int8_oid = 20;
constexpr Oid bytea_oid = 17;

database_failure failure_of(std::string_view sqlstate)
{
    if (sqlstate.starts_with("23"))
        return database_failure::constraint;
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "57014")
        return database_failure::busy;
    if (sqlstate.starts_with("08") || sqlstate.starts_with("28") || sqlstate.starts_with("57P") || sqlstate == "3D000")
        return database_failure::unreachable;
    return database_failure::other;
}

std::string remedy_for(database_failure failure)
{
    switch (failure) {
    case database_failure::busy:
        return "another host kept the database locked for too long: retry when it has finished";
    case database_failure::unreachable:
        return "check that the PostgreSQL server is running and reachable, and the user, password (in the URL, "
               "PGPASSWORD or ~/.pgpass) and database name of --database / SAMPLE_HOST_DATABASE";
    default: return {};
    }
}

std::string trimmed(const char* text)
{
    std::string s = text != nullptr ? text : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

class postgresql_statement final : public statement_backend {
public:
    postgresql_statement(postgresql_database& database, std::string_view sql)
        : database_(database), sql_(postgresql_parameters(sql))
    {
    }
    ~postgresql_statement() override { clear_result(); }
    postgresql_statement(const postgresql_statement&) = delete;
    postgresql_statement& operator=(const postgresql_statement&) = delete;

    void bind_text(int index, std::string_view text) override { slot(index) = {std::string(text), text_oid, 0}; }
    void bind_integer(int index, std::int64_t value) override { slot(index) = {std::to_string(value), int8_oid, 0}; }
    void bind_blob(int index, std::span<const std::uint8_t> bytes) override
    {
        slot(index) = {std::string(bytes.begin(), bytes.end()), bytea_oid, 1};
    }
    void bind_null(int index) override { slot(index) = {std::nullopt, 0, 0}; }

    bool step() override
    {
        if (result_ == nullptr)
            execute();
        return ++row_ < PQntuples(result_);
    }

    void reset() override
    {
        clear_result();
        parameters_.clear();
    }

    [[nodiscard]] bool is_null(int column) const override { return PQgetisnull(result_, row_, column) != 0; }

    [[nodiscard]] std::string text(int column) const override
    {
        return {PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column))};
    }

    [[nodiscard]] std::int64_t integer(int column) const override
    {
        if (is_null(column))
            return 0;
        const std::string value = text(column);
        std::int64_t number = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (ec != std::errc() || end != value.data() + value.size())
            throw database_error("database " + database_.location() + ": column " + std::to_string(column) +
                                     " holds '" + value + "' where a whole number was expected: report this",
                                 database_failure::other);
        return number;
    }

    [[nodiscard]] std::vector<std::uint8_t> blob(int column) const override
    {
        if (is_null(column))
            return {};
        std::size_t size = 0;
        unsigned char* bytes =
            PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row_, column)), &size);
        if (bytes == nullptr)
            throw database_error("database " + database_.location() + ": out of memory reading a value",
                                 database_failure::other);
        std::vector<std::uint8_t> out(bytes, bytes + size);
        PQfreemem(bytes);
        return out;
    }

private:
    struct parameter {
        std::optional<std::string> value;
        Oid type = 0;
        int format = 0; // 0 text, 1 binary
    };

    parameter& slot(int index)
    {
        clear_result();
        if (index < 1 || index > 10000)
            throw database_error("database " + database_.location() + ": parameter " + std::to_string(index) +
                                     " is out of range: report this",
                                 database_failure::other);
        if (parameters_.size() < static_cast<std::size_t>(index))
            parameters_.resize(static_cast<std::size_t>(index));
        return parameters_[static_cast<std::size_t>(index - 1)];
    }

    void execute()
    {
        std::vector<Oid> types;
        std::vector<const char*> values;
        std::vector<int> lengths;
        std::vector<int> formats;
        for (const parameter& p : parameters_) {
            types.push_back(p.type);
            values.push_back(p.value ? p.value->data() : nullptr);
            lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
            formats.push_back(p.format);
        }
        result_ = database_.run(sql_, static_cast<int>(parameters_.size()), types.data(), values.data(), lengths.data(),
                                formats.data());
        row_ = -1;
    }

    void clear_result() noexcept
    {
        if (result_ != nullptr)
            PQclear(result_);
        result_ = nullptr;
        row_ = -1;
    }

    postgresql_database& database_;
    std::string sql_;
    std::vector<parameter> parameters_;
    PGresult* result_ = nullptr;
    int row_ = -1;
};

} // namespace

postgresql_database::postgresql_database(const std::string& url, std::string display) : display_(std::move(display))
{
    // Ours first, so the URL's own settings win: a bounded wait for the server, a name in pg_stat_activity.
    const char* const keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* const values[] = {"10", "sample_host", url.c_str(), nullptr};
    connection_ = PQconnectdbParams(keywords, values, 1);
    if (connection_ == nullptr)
        throw database_error("cannot connect to " + display_ + ": out of memory", database_failure::unreachable);
    if (PQstatus(connection_) != CONNECTION_OK) {
        const std::string why = trimmed(PQerrorMessage(connection_));
        PQfinish(connection_);
        connection_ = nullptr;
        throw database_error("cannot connect to the database " + display_ + ": " + why + ": " +
                                 remedy_for(database_failure::unreachable),
                             database_failure::unreachable);
    }
    // Notices (CREATE TABLE IF NOT EXISTS on an existing table...) are not for the user.
    PQsetNoticeProcessor(
        connection_, [](void*, const char*) {}, nullptr);
    try {
        execute("SET lock_timeout = '15s'; SET client_min_messages = warning");
    } catch (...) {
        PQfinish(connection_);
        connection_ = nullptr;
        throw;
    }
}

postgresql_database::~postgresql_database()
{
    if (connection_ != nullptr)
        PQfinish(connection_);
}

void postgresql_database::reconnect_if_lost()
{
    if (PQstatus(connection_) == CONNECTION_OK)
        return;
    const bool was_in_transaction = in_transaction_;
    in_transaction_ = false;
    PQreset(connection_);
    if (PQstatus(connection_) != CONNECTION_OK)
        throw database_error("lost the connection to the database " + display_ + ": " +
                                 trimmed(PQerrorMessage(connection_)) + ": " +
                                 remedy_for(database_failure::unreachable),
                             database_failure::unreachable);
    PQexec(connection_, "SET lock_timeout = '15s'; SET client_min_messages = warning");
    if (was_in_transaction)
        throw database_error("lost the connection to the database " + display_ +
                                 " in the middle of a change, which was not made: retry",
                             database_failure::unreachable);
}

void postgresql_database::fail(pg_result* result, std::string_view what) const
{
    std::string why;
    database_failure kind = database_failure::other;
    if (result != nullptr) {
        why = trimmed(PQresultErrorMessage(result));
        if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE); state != nullptr)
            kind = failure_of(state);
        PQclear(result);
    }
    if (why.empty())
        why = trimmed(PQerrorMessage(connection_));
    if (PQstatus(connection_) != CONNECTION_OK)
        kind = database_failure::unreachable;
    std::string message = "database " + display_ + ": " + std::string(what) + " failed: " + why;
    if (std::string remedy = remedy_for(kind); !remedy.empty())
        message += ": " + remedy;
    throw database_error(message, kind);
}

pg_result* postgresql_database::run(const std::string& sql, int count, const unsigned* types, const char* const* values,
                                    const int* lengths, const int* formats)
{
    const std::lock_guard lock(mutex_);
    reconnect_if_lost();
    PGresult* result = PQexecParams(connection_, sql.c_str(), count, types, values, lengths, formats, 0);
    const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        fail(result, "running a statement");
    const char* tuples = PQcmdTuples(result);
    changes_ = (tuples != nullptr && *tuples != '\0') ? std::atoi(tuples) : 0;
    return result;
}

void postgresql_database::execute(std::string_view sql)
{
    const std::lock_guard lock(mutex_);
    reconnect_if_lost();
    const std::string text(sql);
    PGresult* result = PQexec(connection_, text.c_str());
    const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        fail(result, "running a statement");
    const char* tuples = PQcmdTuples(result);
    changes_ = (tuples != nullptr && *tuples != '\0') ? std::atoi(tuples) : 0;
    PQclear(result);
}

int postgresql_database::changes() const noexcept
{
    const std::lock_guard lock(mutex_);
    return changes_;
}

std::unique_ptr<statement_backend> postgresql_database::make_statement(std::string_view sql)
{
    return std::make_unique<postgresql_statement>(*this, sql);
}

void postgresql_database::begin_write()
{
    const std::lock_guard lock(mutex_);
    execute("BEGIN");
    in_transaction_ = true;
    try {
        execute(write_lock_sql);
    } catch (...) {
        rollback();
        throw;
    }
}

void postgresql_database::commit()
{
    const std::lock_guard lock(mutex_);
    execute("COMMIT"); // a connection lost meanwhile fails here rather than committing nothing
    in_transaction_ = false;
}

void postgresql_database::rollback() noexcept
{
    const std::lock_guard lock(mutex_);
    in_transaction_ = false;
    if (PQstatus(connection_) == CONNECTION_OK)
        PQclear(PQexec(connection_, "ROLLBACK"));
}

} // namespace sample_host
