// The SQL differences between SQLite and PostgreSQL (see sql_dialect.hpp).
#include "storage/sql_dialect.hpp"

namespace sample_host {

std::string_view to_string(database_engine engine) noexcept
{
    return engine == database_engine::postgresql ? "PostgreSQL" : "SQLite";
}

std::string postgresql_parameters(std::string_view sql)
{
    std::string out;
    out.reserve(sql.size() + 8);
    int last = 0;
    char quote = 0; // inside '...' or "..." when set
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote != 0) {
            out += c;
            if (c == quote)
                quote = 0; // a doubled quote closes and reopens: same result
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            out += c;
            continue;
        }
        if (c != '?') {
            out += c;
            continue;
        }
        std::size_t end = i + 1;
        int number = 0;
        while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9')
            number = number * 10 + (sql[end++] - '0');
        if (end == i + 1)
            number = last + 1;
        last = number > last ? number : last;
        out += '$';
        out += std::to_string(number);
        i = end - 1;
    }
    return out;
}

std::string_view now_milliseconds_sql(database_engine engine) noexcept
{
    // SQLite's 'now' is the clock of the machine its processes share (an SQLite database is never
    // shared across machines); julianday keeps its milliseconds.
    return engine == database_engine::postgresql
               ? "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
               : "CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)";
}

bool has_schemas(database_engine engine) noexcept
{
    return engine == database_engine::postgresql;
}

std::string_view schema_exists_sql(database_engine engine) noexcept
{
    return engine == database_engine::postgresql
               ? "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?1) THEN 1 ELSE 0 END"
               : "SELECT CASE WHEN EXISTS (SELECT 1 FROM pragma_database_list WHERE name = ?1) THEN 1 ELSE 0 END";
}

std::string create_schema_sql(database_engine engine, std::string_view name)
{
    if (engine != database_engine::postgresql)
        return {};
    return "CREATE SCHEMA \"" + std::string(name) + "\"";
}

std::string_view tables_in_schema_sql(database_engine engine) noexcept
{
    // pg_class rather than information_schema, which lists only the tables the user may use.
    return engine == database_engine::postgresql
               ? "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                 " WHERE n.nspname = ?1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname"
               : "SELECT name FROM pragma_table_list WHERE schema = ?1 AND type IN ('table', 'view')"
                 " AND name NOT LIKE 'sqlite_%' ORDER BY name";
}

std::string_view keyed_table_options_sql(database_engine engine) noexcept
{
    return engine == database_engine::postgresql ? "" : " WITHOUT ROWID";
}

} // namespace sample_host
