// The host database's schema, as an ordered list of forward migrations recorded in schema_version.
//
// To add tables or columns: append a migration with the next version number to host_migrations() in
// schema_migrations.cpp. Never edit or reorder a migration that has shipped — databases in the field
// have already applied it. Each migration has its SQLite and its PostgreSQL text (sql_dialect says
// how they differ) and runs inside the same write transaction as the version check, so concurrent
// sample_host processes (a fleet starting at once) apply it exactly once.
#pragma once

#include "storage/sql_dialect.hpp"

#include <span>
#include <string_view>

namespace sample_host {

class database;

struct migration {
    int version;                       // 1, 2, 3... without gaps
    std::string_view description;      // recorded in schema_version, for people reading the database
    std::string_view sql;              // one or more statements (SQLite, and PostgreSQL unless below)
    std::string_view postgresql_sql{}; // PostgreSQL's text when it differs

    [[nodiscard]] std::string_view sql_for(database_engine engine) const noexcept
    {
        return engine == database_engine::postgresql && !postgresql_sql.empty() ? postgresql_sql : sql;
    }
};

// Every migration of the host database, in order.
[[nodiscard]] std::span<const migration> host_migrations() noexcept;

// Brings `database` up to the last of `migrations`. Throws host_error when the database is newer than
// this program (it was written by a later sample_host) or a migration fails (nothing is applied then).
void migrate(database& database, std::span<const migration> migrations);

// The version the database is at (0 for a new, empty database).
[[nodiscard]] int schema_version(database& database);

} // namespace sample_host
