// credential_store.v1 as the sample host offers it (host_services::query_service): one connector's
// credentials in one tenant, kept sealed in the host's database (storage/credential_vault), where every
// host of a fleet sharing that database and host key sees them.
#pragma once

#include "storage/credential_vault.hpp"

#include <connector_sdk/credential_store.hpp>

#include <functional>
#include <mutex>
#include <string>

namespace sample_host {

class host_log;

class host_credential_store final : public connector_sdk::credential_store {
public:
    using vault_source = std::function<credential_vault&()>;

    // `vault` is asked on first use (opening the database and the host key then); `log` must outlive
    // the store. `location` names the database for messages (never a password).
    host_credential_store(vault_source vault, credential_owner owner, std::string location, host_log& log);

    [[nodiscard]] connector_sdk::credential_read_result read(std::string_view connection) noexcept override;
    [[nodiscard]] connector_sdk::credential_write_result compare_and_set(std::string_view connection,
                                                                         std::uint64_t expected_version,
                                                                         std::string_view value) noexcept override;
    [[nodiscard]] connector_sdk::credential_write_result remove(std::string_view connection,
                                                                std::uint64_t expected_version) noexcept override;
    [[nodiscard]] connector_sdk::lease_result acquire_lease(std::string_view connection, std::string_view owner,
                                                            std::chrono::milliseconds ttl) noexcept override;
    void release_lease(std::string_view connection, std::string_view owner) noexcept override;
    [[nodiscard]] std::string location() const noexcept override;

private:
    struct failure {
        connector_sdk::error_category category;
        std::string message;
    };
    // Runs `body` under the store's lock; a thrown error becomes a failure, logged, that `on_failure` answers.
    template <typename Body, typename OnFailure>
    auto run(std::string_view what, std::string_view connection, Body&& body, OnFailure&& on_failure) noexcept
        -> decltype(body());

    vault_source vault_;
    credential_owner owner_;
    std::string location_;
    host_log& log_;
    std::mutex mutex_; // one database statement at a time from this connector's threads
};

} // namespace sample_host
