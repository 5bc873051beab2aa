// The host's credential store (credential_store.v1) as a connection's token store: the set lives in
// the host, versioned, under the connection's name, and a lease, not a file lock, lets one refresher
// run across every process of a fleet (token_manager follows the store's protocol with it).
#pragma once

#include "oauth/token_store.hpp"

#include <connector_sdk/credential_store.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sage {

// One connector instance's standing with the host's credential store: the store (null when the host
// keeps no credentials), the instance's lease owner id (random), and one mutex per connection so the
// instance's own threads queue before the lease arbitrates between instances and processes. Owned by
// the connector; outlives every store opened with it.
class host_credentials {
public:
    explicit host_credentials(connector_sdk::credential_store* store);

    [[nodiscard]] connector_sdk::credential_store* store() const noexcept { return store_; }
    [[nodiscard]] const std::string& owner() const noexcept { return owner_; }
    [[nodiscard]] std::shared_ptr<std::mutex> mutex_for(const std::string& connection);

private:
    connector_sdk::credential_store* store_;
    std::string owner_;
    std::mutex registry_mutex_;
    std::map<std::string, std::shared_ptr<std::mutex>> mutexes_;
};

// What the store holds for a connection, with the version a compare-and-set must name.
struct versioned_token_set {
    std::uint64_t version = 0; // 0: nothing stored
    std::optional<token_set> set;
};

class host_token_store final : public token_store {
public:
    // `lease_ttl` is how long a lease taken by lock() lasts (the connection's Timeout and a margin);
    // `notes` keeps the notes (a pending headless sign-in), which are no credentials.
    host_token_store(host_credentials& credentials, std::string connection, std::chrono::milliseconds lease_ttl,
                     std::unique_ptr<token_store> notes);

    // "the host's credential store (<location>)"
    [[nodiscard]] std::string describe() const override;
    [[nodiscard]] connector_support::result<std::optional<token_set>> read(const std::string& client_id) override;
    // This instance's thread lock, then the lease (waiting for it within `patience`).
    [[nodiscard]] connector_support::result<store_lock> lock(std::chrono::milliseconds patience) override;
    // Replaces whatever version is stored (a sign-in, a seed); the caller holds the lock.
    [[nodiscard]] connector_support::result<void> write(const token_set& set) override;
    // Nothing to reserve: the host's store has no disk of ours to run short of.
    [[nodiscard]] connector_support::result<void> reserve(std::size_t bytes) override;
    // Refused: a copy outside the host's store would be a token in plain text.
    [[nodiscard]] connector_support::result<std::filesystem::path> keep_for_recovery(const token_set& set) override;
    [[nodiscard]] connector_support::result<void> remove() override;
    [[nodiscard]] std::optional<std::string> read_note(const std::string& name) override;
    [[nodiscard]] connector_support::result<void> write_note(const std::string& name, const std::string& text) override;
    void remove_note(const std::string& name) override;

    // The protocol's steps (credential_store.hpp).
    [[nodiscard]] connector_support::result<versioned_token_set> read_versioned(const std::string& client_id);
    [[nodiscard]] connector_sdk::credential_write_result compare_and_set(std::uint64_t expected_version,
                                                                         const token_set& set);
    [[nodiscard]] connector_sdk::lease_result acquire_lease(std::chrono::milliseconds ttl);
    void release_lease();
    // This instance's lock for the connection: its threads refresh one at a time.
    [[nodiscard]] std::mutex& instance_mutex() noexcept { return *mutex_; }
    [[nodiscard]] const std::string& connection() const noexcept { return connection_; }

private:
    connector_sdk::credential_store& store_;
    std::string owner_;
    std::string connection_;
    std::chrono::milliseconds lease_ttl_;
    std::shared_ptr<std::mutex> mutex_;
    std::unique_ptr<token_store> notes_;
};

// A failure the host's store answered (its own sentence; a default one should it give none).
[[nodiscard]] connector_support::failure
store_failure(const host_token_store& store, connector_sdk::error_category category, const std::string& message);

// Why the lease of `connection` could not be had within `waited`: another refresher held it.
[[nodiscard]] connector_support::failure lease_wait_failure(const host_token_store& store,
                                                            std::chrono::milliseconds waited);

} // namespace sage
