// The host database's schema, as an ordered list of forward migrations recorded in schema_version.
//
// To add tables or columns: append a migration with the next version number to host_migrations() in
// schema_migrations.cpp. Never edit or reorder a migration that has shipped — databases in the field
// have already applied it. Each migration runs inside the same BEGIN IMMEDIATE transaction as the
// version check, so concurrent sample_host processes apply it exactly once.
#pragma once

#include <span>
#include <string_view>

namespace sample_host {

class sqlite_database;

struct migration {
    int version;                  // 1, 2, 3... without gaps
    std::string_view description; // recorded in schema_version, for people reading the database
    std::string_view sql;         // one or more statements
};

// Every migration of the host database, in order.
[[nodiscard]] std::span<const migration> host_migrations() noexcept;

// Brings `database` up to the last of `migrations`. Throws host_error when the database is newer than
// this program (it was written by a later sample_host) or a migration fails (nothing is applied then).
void migrate(sqlite_database& database, std::span<const migration> migrations);

// The version the database is at (0 for a new, empty database).
[[nodiscard]] int schema_version(sqlite_database& database);

} // namespace sample_host
