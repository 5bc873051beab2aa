// The credential store a connector reaches through query_service("credential_store.v1"): every call
// guarded (noexcept), serialised, logged when it fails; the values themselves never reach a log.
#include "connectors/host_credential_store.hpp"

#include "output/host_log.hpp"
#include "security/secret_cipher.hpp"
#include "storage/database.hpp"

#include <connector_support/guarded.hpp>

#include <algorithm>
#include <optional>

namespace sample_host {
namespace {

using connector_sdk::error_category;

constexpr std::chrono::milliseconds shortest_lease{100};
constexpr std::chrono::milliseconds longest_lease = std::chrono::hours(1);

} // namespace

host_credential_store::host_credential_store(vault_source vault, credential_owner owner, std::string location,
                                             host_log& log)
    : vault_(std::move(vault)), owner_(std::move(owner)), location_(std::move(location)), log_(log)
{
}

template <typename Body, typename OnFailure>
auto host_credential_store::run(std::string_view what, std::string_view connection, Body&& body,
                                OnFailure&& on_failure) noexcept -> decltype(body())
{
    failure failed{error_category::internal, {}};
    auto answer = connector_support::guarded(
        [&]() -> std::optional<decltype(body())> {
            const std::lock_guard lock(mutex_);
            try {
                return body();
            } catch (const database_error& e) {
                const bool transient = e.kind() == database_failure::busy || e.kind() == database_failure::unreachable;
                failed = {transient ? error_category::network : error_category::internal,
                          std::string("the host's credential store could not ") + std::string(what) + ": " + e.what()};
            } catch (const secret_error& e) {
                failed = {error_category::config,
                          std::string("the host's credential store could not ") + std::string(what) + ": " + e.what()};
            }
            return std::nullopt;
        },
        [&](std::string_view why) {
            failed = {error_category::internal, std::string("the host's credential store failed unexpectedly to ") +
                                                    std::string(what) + ": " + std::string(why)};
        },
        [] { return std::optional<decltype(body())>(); });
    if (answer)
        return std::move(*answer);
    connector_support::guarded(
        [&] {
            log_.write(connector_sdk::log_level::error, "host",
                       failed.message + " (connection '" + std::string(connection) + "', connector " +
                           owner_.connector_id + ")");
        },
        [](std::string_view) {}, [] {});
    return on_failure(failed.category, failed.message);
}

connector_sdk::credential_read_result host_credential_store::read(std::string_view connection) noexcept
{
    return run(
        "read the stored credentials", connection,
        [&] {
            connector_sdk::credential_read_result out;
            if (auto found = vault_().read(owner_, connection))
                out.credential = connector_sdk::stored_credential{found->version, std::move(found->value)};
            return out;
        },
        [](error_category category, std::string message) {
            connector_sdk::credential_read_result out;
            out.category = category;
            out.message = std::move(message);
            return out;
        });
}

namespace {

connector_sdk::credential_write_result write_failed(error_category category, std::string message)
{
    connector_sdk::credential_write_result out;
    out.outcome = connector_sdk::credential_write_outcome::failed;
    out.category = category;
    out.message = std::move(message);
    return out;
}

connector_sdk::credential_write_result write_answer(const credential_write& write)
{
    connector_sdk::credential_write_result out;
    out.outcome = write.stored ? connector_sdk::credential_write_outcome::stored
                               : connector_sdk::credential_write_outcome::conflict;
    out.version = write.version;
    return out;
}

} // namespace

connector_sdk::credential_write_result host_credential_store::compare_and_set(std::string_view connection,
                                                                              std::uint64_t expected_version,
                                                                              std::string_view value) noexcept
{
    return run(
        "store the credentials", connection,
        [&] { return write_answer(vault_().compare_and_set(owner_, connection, expected_version, value)); },
        write_failed);
}

connector_sdk::credential_write_result host_credential_store::remove(std::string_view connection,
                                                                     std::uint64_t expected_version) noexcept
{
    return run(
        "remove the credentials", connection,
        [&] { return write_answer(vault_().remove(owner_, connection, expected_version)); }, write_failed);
}

connector_sdk::lease_result host_credential_store::acquire_lease(std::string_view connection, std::string_view owner,
                                                                 std::chrono::milliseconds ttl) noexcept
{
    return run(
        "take the refresh lease", connection,
        [&] {
            if (owner.empty())
                throw database_error("a lease needs an owner id (the connector passed an empty one): report this to "
                                     "the connector's vendor",
                                     database_failure::other);
            const auto bounded = std::clamp(ttl, shortest_lease, longest_lease);
            const credential_lease lease = vault_().acquire_lease(owner_, connection, owner, bounded);
            connector_sdk::lease_result out;
            out.outcome = lease.acquired ? connector_sdk::lease_outcome::acquired : connector_sdk::lease_outcome::held;
            out.expires_at = lease.expires_at;
            return out;
        },
        [](error_category category, std::string message) {
            connector_sdk::lease_result out;
            out.outcome = connector_sdk::lease_outcome::failed;
            out.category = category;
            out.message = std::move(message);
            return out;
        });
}

void host_credential_store::release_lease(std::string_view connection, std::string_view owner) noexcept
{
    // A release that fails leaves the lease to expire at its TTL: the others wait that long, no longer.
    (void)run(
        "release the refresh lease", connection,
        [&] {
            vault_().release_lease(owner_, connection, owner);
            return true;
        },
        [](error_category, const std::string&) { return false; });
}

std::string host_credential_store::location() const noexcept
{
    return connector_support::guarded([&] { return "the host's database (" + location_ + ")"; },
                                      [](std::string_view) {}, [] { return std::string("the host's database"); });
}

} // namespace sample_host
