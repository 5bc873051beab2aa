// The host's credential store in its database: per (tenant, connector, connection) one value sealed
// with AES-256-GCM under the host key (bound to all three), a version for compare-and-set, and a
// lease (owner, expiry by the database's clock) so one process of a fleet refreshes at a time.
// connectors/host_credential_store offers it to connectors as credential_store.v1.
#pragma once

#include "security/secret_cipher.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

class database;

// Whose credentials: a connector's, in one tenant.
struct credential_owner {
    std::string tenant;
    std::string connector_id;
};

struct credential_value {
    std::uint64_t version = 0;
    std::string value;
};

struct credential_write {
    bool stored = false;       // false: someone stored another version first
    std::uint64_t version = 0; // stored: the new version; not stored: the version now stored (0: none)
};

struct credential_lease {
    bool acquired = false; // false: another owner holds it
    std::chrono::system_clock::time_point expires_at{};
};

class credential_vault final {
public:
    using cipher_source = std::function<const secret_cipher&()>;

    // `database` must outlive the vault; `cipher` is asked on the first seal or open.
    credential_vault(database& database, cipher_source cipher);

    // Every method throws database_error, or secret_error when a stored value does not open.
    [[nodiscard]] std::optional<credential_value> read(const credential_owner& owner, std::string_view connection);
    [[nodiscard]] credential_write compare_and_set(const credential_owner& owner, std::string_view connection,
                                                   std::uint64_t expected_version, std::string_view value);
    [[nodiscard]] credential_write remove(const credential_owner& owner, std::string_view connection,
                                          std::uint64_t expected_version);
    [[nodiscard]] credential_lease acquire_lease(const credential_owner& owner, std::string_view connection,
                                                 std::string_view lease_owner, std::chrono::milliseconds ttl);
    void release_lease(const credential_owner& owner, std::string_view connection, std::string_view lease_owner);

private:
    [[nodiscard]] std::uint64_t current_version(const credential_owner& owner, std::string_view connection);

    database& database_;
    cipher_source cipher_;
};

} // namespace sample_host
