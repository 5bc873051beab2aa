// Host service "credential_store.v1" (since SDK 1.1): the host keeps a connection's credentials (an
// OAuth token set) so that every host process of a fleet sees the same ones, and a lease lets one of
// them refresh at a time. Reached with find_service<credential_store>(services); nullptr when the host
// keeps no credentials (the connector then uses its OAuthSettingsLocation).
#pragma once

#include <connector_sdk/error_category.hpp>
#include <connector_sdk/host_services.hpp>
#include <connector_sdk/version.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

CONNECTOR_SDK_BEGIN_NAMESPACE

inline constexpr std::string_view credential_store_id = "credential_store.v1";

// What the store holds for one connection. The key is the connection's name; the tenant and the
// connector are those of the host_services the store came from, so a connector can never name
// another tenant's or another connector's credentials.
struct stored_credential {
    std::uint64_t version = 0; // increases by one on every successful compare_and_set
    std::string value;         // the connector's bytes (its token set), as last stored
};

struct credential_read_result {
    error_category category = error_category::none; // none: `credential` is the answer
    std::string message;                            // the cause and the remedy; never a secret
    std::optional<stored_credential> credential;    // nothing stored yet

    [[nodiscard]] bool ok() const noexcept { return category == error_category::none; }
};

enum class credential_write_outcome : std::uint8_t {
    stored,   // the value is stored under `version`
    conflict, // someone stored another version first: read again
    failed,   // the store could not be reached or written: see category and message
};

struct credential_write_result {
    credential_write_outcome outcome = credential_write_outcome::failed;
    std::uint64_t version = 0; // stored: the new version; conflict: the version now stored (0: none)
    error_category category = error_category::none;
    std::string message;
};

enum class lease_outcome : std::uint8_t {
    acquired, // the caller holds the lease until `expires_at` or release_lease
    held,     // another owner holds it until `expires_at`
    failed,   // the store could not be reached: see category and message
};

struct lease_result {
    lease_outcome outcome = lease_outcome::failed;
    std::chrono::system_clock::time_point expires_at{};
    error_category category = error_category::none;
    std::string message;
};

// The protocol a connector follows to refresh a token set without two processes ever spending the
// same single-use refresh token:
//   read → fresh enough? use it.
//   else acquire_lease(connection, owner, ttl) → held? wait (poll read) until the version changes or
//   the lease expires, then start again.
//   acquired → read again → still stale? refresh at the authorization server → compare_and_set with
//   the version read → release_lease.
//   The authorization server answers invalid_grant → read again first: another process may have
//   rotated the set meanwhile; only when the stored version is the one that was refused, ask the user
//   to sign in again.
// The ttl must exceed the whole refresh (the connector's Timeout); a process that dies holding the
// lease holds up the others for at most the ttl.
//
// Every method is noexcept and thread-safe; the store keeps values sealed at rest (the sample host:
// AES-256-GCM under its host key, bound to tenant, connector and connection).
class credential_store {
public:
    static constexpr std::string_view id = credential_store_id;

    [[nodiscard]] virtual credential_read_result read(std::string_view connection) noexcept = 0;

    // Stores `value` if the stored version is still `expected_version` (0: nothing stored yet).
    [[nodiscard]] virtual credential_write_result
    compare_and_set(std::string_view connection, std::uint64_t expected_version, std::string_view value) noexcept = 0;

    // Removes the stored value if its version is still `expected_version` (sign out, revoke).
    [[nodiscard]] virtual credential_write_result remove(std::string_view connection,
                                                         std::uint64_t expected_version) noexcept = 0;

    // Takes the connection's lease for `owner` (an id unique to the caller, e.g. random) for `ttl`,
    // or renews it when `owner` already holds it.
    [[nodiscard]] virtual lease_result acquire_lease(std::string_view connection, std::string_view owner,
                                                     std::chrono::milliseconds ttl) noexcept = 0;

    // Gives the lease back early; does nothing unless `owner` holds it.
    virtual void release_lease(std::string_view connection, std::string_view owner) noexcept = 0;

    // Where the values live, for messages ("the host's database"); never a secret.
    [[nodiscard]] virtual std::string location() const noexcept = 0;

protected:
    ~credential_store() = default; // owned by the host, never deleted through this interface
};

CONNECTOR_SDK_END_NAMESPACE
