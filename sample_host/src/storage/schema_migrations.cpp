#include "storage/schema_migrations.hpp"

#include "storage/sqlite_database.hpp"

#include <array>
#include <chrono>
#include <string>

namespace sample_host {
namespace {

// Version 1: tenants and their users, saved connections with their (partly encrypted) fields, and
// the licence tokens the marketplace issues. Times are Unix seconds from the host clock.
constexpr std::string_view schema_v1 = R"sql(
CREATE TABLE tenants (
    name        TEXT PRIMARY KEY NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE users (
    name        TEXT PRIMARY KEY NOT NULL,
    tenant      TEXT NOT NULL REFERENCES tenants(name),
    role        TEXT NOT NULL CHECK (role IN ('admin', 'user')),
    created_at  INTEGER NOT NULL
);
CREATE TABLE connections (
    id            INTEGER PRIMARY KEY,
    tenant        TEXT NOT NULL REFERENCES tenants(name),
    name          TEXT NOT NULL COLLATE NOCASE,
    connector_id  TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (tenant, name)
);
-- One row per field of a connection. A secret value is AES-256-GCM ciphertext (tag appended) with
-- its nonce and the id of the host key that sealed it; the AAD binds tenant, connection and key.
CREATE TABLE connection_fields (
    connection  INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    key         TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('text', 'bool', 'int', 'file', 'kv')),
    value       BLOB NOT NULL,
    file_name   TEXT,
    secret      INTEGER NOT NULL CHECK (secret IN (0, 1)),
    nonce       BLOB,
    key_id      TEXT,
    PRIMARY KEY (connection, key),
    CHECK (secret = 0 OR (nonce IS NOT NULL AND key_id IS NOT NULL))
);
CREATE TABLE licenses (
    tenant        TEXT NOT NULL REFERENCES tenants(name),
    connector_id  TEXT NOT NULL,
    token         TEXT NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (tenant, connector_id)
);
)sql";

// Version 2: the marketplace's records. A trial is used once per tenant and connector, ever: the row
// is keyed by connector id and outlives the plugin's files. The current subscription per tenant and
// connector (plan, paid period, renewal, cancellation), and every licence issued (the token itself is
// in `licenses`).
constexpr std::string_view schema_v2 = R"sql(
CREATE TABLE trials_used (
    tenant        TEXT NOT NULL REFERENCES tenants(name),
    connector_id  TEXT NOT NULL,
    started_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    license_id    TEXT NOT NULL,
    started_by    TEXT NOT NULL,
    PRIMARY KEY (tenant, connector_id)
);
CREATE TABLE subscriptions (
    tenant        TEXT NOT NULL REFERENCES tenants(name),
    connector_id  TEXT NOT NULL,
    plan          TEXT NOT NULL CHECK (plan IN ('monthly', 'annual')),
    started_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    renewed_at    INTEGER,
    cancelled_at  INTEGER,
    license_id    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (tenant, connector_id),
    CHECK (expires_at > started_at)
);
CREATE TABLE issued_licenses (
    sequence      INTEGER PRIMARY KEY,
    license_id    TEXT NOT NULL UNIQUE,
    tenant        TEXT NOT NULL REFERENCES tenants(name),
    connector_id  TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('trial', 'subscription')),
    plan          TEXT NOT NULL CHECK (plan IN ('trial', 'monthly', 'annual')),
    key_id        TEXT NOT NULL,
    issued_at     INTEGER NOT NULL,
    starts_at     INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    grace_days    INTEGER NOT NULL,
    issued_by     TEXT NOT NULL,
    reason        TEXT NOT NULL
);
CREATE INDEX issued_licenses_by_connector ON issued_licenses (tenant, connector_id, sequence);
)sql";

constexpr std::array<migration, 2> all_migrations{{
    {1, "tenants, users, connections, connection_fields, licenses", schema_v1},
    {2, "marketplace: trials_used, subscriptions, issued_licenses", schema_v2},
}};

constexpr std::string_view version_table = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
    version      INTEGER PRIMARY KEY NOT NULL,
    description  TEXT NOT NULL,
    applied_at   INTEGER NOT NULL
);
)sql";

int current_version(sqlite_database& database)
{
    auto query = database.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    query.step();
    return static_cast<int>(query.integer(0));
}

} // namespace

std::span<const migration> host_migrations() noexcept
{
    return all_migrations;
}

int schema_version(sqlite_database& database)
{
    database.execute(version_table);
    return current_version(database);
}

void migrate(sqlite_database& database, std::span<const migration> migrations)
{
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    sqlite_transaction transaction(database);
    database.execute(version_table);
    const int version = current_version(database);
    if (version > latest)
        throw host_error("the database " + database.file().string() + " has schema version " + std::to_string(version) +
                         " but this sample_host knows versions up to " + std::to_string(latest) +
                         ": use the newer sample_host that wrote it, or another --data folder");
    if (version == latest)
        return; // the transaction rolls back: nothing was written
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (const migration& m : migrations) {
        if (m.version <= version)
            continue;
        try {
            database.execute(m.sql);
        } catch (const sqlite_error& e) {
            throw host_error("upgrading " + database.file().string() + " to schema version " +
                             std::to_string(m.version) + " (" + std::string(m.description) + ") failed: " + e.what() +
                             ". Nothing was changed; report this with the database file");
        }
        database.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")
            .bind(1, static_cast<std::int64_t>(m.version))
            .bind(2, m.description)
            .bind(3, static_cast<std::int64_t>(now))
            .run();
    }
    transaction.commit();
}

} // namespace sample_host
