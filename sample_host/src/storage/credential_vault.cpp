// The credential store's SQL: sealed values with compare-and-set on their version, and leases decided
// in one statement each against the database's clock, so concurrent hosts cannot both win.
#include "storage/credential_vault.hpp"

#include "storage/database.hpp"

#include <openssl/crypto.h>

#include <string>

namespace sample_host {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text)
{
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string describe(const credential_owner& owner, std::string_view connection)
{
    return "the credentials of connection '" + std::string(connection) + "' (connector " + owner.connector_id +
           ", tenant '" + owner.tenant + "')";
}

std::chrono::system_clock::time_point from_milliseconds(std::int64_t ms)
{
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

} // namespace

credential_vault::credential_vault(database& database, cipher_source cipher)
    : database_(database), cipher_(std::move(cipher))
{
}

std::optional<credential_value> credential_vault::read(const credential_owner& owner, std::string_view connection)
{
    auto query = database_.prepare("SELECT version, value, nonce, key_id FROM credentials "
                                   "WHERE tenant = ?1 AND connector_id = ?2 AND connection = ?3");
    query.bind(1, owner.tenant).bind(2, owner.connector_id).bind(3, connection);
    if (!query.step())
        return std::nullopt;
    const auto version = static_cast<std::uint64_t>(query.integer(0));
    const sealed_value sealed{query.blob(2), query.blob(1), query.text(3)};
    // Done with the row before the cipher is asked: its first use records the host key (a write),
    // which must not run inside this statement's read snapshot (SQLite: SQLITE_BUSY_SNAPSHOT).
    query.reset();
    std::vector<std::uint8_t> plain = cipher_().open(
        sealed, credential_aad(owner.tenant, owner.connector_id, connection), describe(owner, connection));
    credential_value out{version, std::string(plain.begin(), plain.end())};
    OPENSSL_cleanse(plain.data(), plain.size());
    return out;
}

std::uint64_t credential_vault::current_version(const credential_owner& owner, std::string_view connection)
{
    auto query = database_.prepare(
        "SELECT version FROM credentials WHERE tenant = ?1 AND connector_id = ?2 AND connection = ?3");
    query.bind(1, owner.tenant).bind(2, owner.connector_id).bind(3, connection);
    return query.step() ? static_cast<std::uint64_t>(query.integer(0)) : 0;
}

credential_write credential_vault::compare_and_set(const credential_owner& owner, std::string_view connection,
                                                   std::uint64_t expected_version, std::string_view value)
{
    const sealed_value sealed =
        cipher_().seal(bytes_of(value), credential_aad(owner.tenant, owner.connector_id, connection));
    const std::string now(now_milliseconds_sql(database_.engine()));
    // One statement decides: the row changes only while its version is still the expected one.
    auto write = expected_version == 0
                     ? database_.prepare("INSERT INTO credentials (tenant, connector_id, connection, version, value, "
                                         "nonce, key_id, updated_at) VALUES (?1, ?2, ?3, 1, ?5, ?6, ?7, " +
                                         now +
                                         ") ON CONFLICT (tenant, connector_id, connection) DO NOTHING "
                                         "RETURNING version")
                     : database_.prepare("UPDATE credentials SET version = version + 1, value = ?5, nonce = ?6, "
                                         "key_id = ?7, updated_at = " +
                                         now +
                                         " WHERE tenant = ?1 AND connector_id = ?2 AND connection = ?3 AND "
                                         "version = ?4 RETURNING version");
    write.bind(1, owner.tenant).bind(2, owner.connector_id).bind(3, connection);
    write.bind(4, static_cast<std::int64_t>(expected_version));
    write.bind_blob(5, sealed.ciphertext).bind_blob(6, sealed.nonce).bind(7, sealed.key_id);
    if (write.step()) {
        const auto version = static_cast<std::uint64_t>(write.integer(0));
        write.run();
        return {true, version};
    }
    return {false, current_version(owner, connection)};
}

credential_write credential_vault::remove(const credential_owner& owner, std::string_view connection,
                                          std::uint64_t expected_version)
{
    auto erase = database_.prepare("DELETE FROM credentials WHERE tenant = ?1 AND connector_id = ?2 AND "
                                   "connection = ?3 AND version = ?4 RETURNING version");
    erase.bind(1, owner.tenant).bind(2, owner.connector_id).bind(3, connection);
    erase.bind(4, static_cast<std::int64_t>(expected_version));
    if (erase.step()) {
        erase.run();
        return {true, 0};
    }
    return {false, current_version(owner, connection)};
}

credential_lease credential_vault::acquire_lease(const credential_owner& owner, std::string_view connection,
                                                 std::string_view lease_owner, std::chrono::milliseconds ttl)
{
    const std::string now(now_milliseconds_sql(database_.engine()));
    for (int attempt = 0; attempt < 3; ++attempt) {
        // Taken when free, expired, or already ours (renewed); one statement, so two hosts cannot both win.
        auto take = database_.prepare(
            "INSERT INTO credential_leases (tenant, connector_id, connection, owner, expires_at) VALUES (?1, ?2, ?3, "
            "?4, " +
            now +
            " + ?5) ON CONFLICT (tenant, connector_id, connection) DO UPDATE SET owner = excluded.owner, "
            "expires_at = excluded.expires_at WHERE credential_leases.owner = excluded.owner OR "
            "credential_leases.expires_at <= " +
            now + " RETURNING expires_at");
        take.bind(1, owner.tenant).bind(2, owner.connector_id).bind(3, connection).bind(4, lease_owner);
        take.bind(5, static_cast<std::int64_t>(ttl.count()));
        if (take.step()) {
            const std::int64_t expires = take.integer(0);
            take.run();
            return {true, from_milliseconds(expires)};
        }
        auto holder = database_.prepare("SELECT expires_at FROM credential_leases WHERE tenant = ?1 AND "
                                        "connector_id = ?2 AND connection = ?3");
        holder.bind(1, owner.tenant).bind(2, owner.connector_id).bind(3, connection);
        if (holder.step())
            return {false, from_milliseconds(holder.integer(0))};
        // Released between the two statements: try again.
    }
    throw database_error("the lease on " + describe(owner, connection) + " changed hands three times in a row: retry",
                         database_failure::busy);
}

void credential_vault::release_lease(const credential_owner& owner, std::string_view connection,
                                     std::string_view lease_owner)
{
    database_
        .prepare("DELETE FROM credential_leases WHERE tenant = ?1 AND connector_id = ?2 AND connection = ?3 AND "
                 "owner = ?4")
        .bind(1, owner.tenant)
        .bind(2, owner.connector_id)
        .bind(3, connection)
        .bind(4, lease_owner)
        .run();
}

} // namespace sample_host
