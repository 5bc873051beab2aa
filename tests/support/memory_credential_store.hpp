// An in-memory credential_store.v1 for tests, playing the host's store that a fleet shares: values
// versioned per connection, compare-and-set, leases with an owner and a clock the test may set,
// counters of what was asked, and hooks that let a test slip another writer in at a chosen moment.
// Thread-safe; several fake_host_services may share one, as the hosts of a fleet share a database.
#pragma once

#include <connector_sdk/credential_store.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace test_support {

class memory_credential_store final : public connector_sdk::credential_store {
public:
    using clock_function = std::function<std::chrono::system_clock::time_point()>;

    // Leases expire by `clock` (the real clock by default).
    explicit memory_credential_store(clock_function clock = [] { return std::chrono::system_clock::now(); });

    // What the test sees and controls.
    struct counts {
        std::uint64_t reads = 0;
        std::uint64_t writes = 0;    // stored compare_and_set
        std::uint64_t conflicts = 0; // refused compare_and_set
        std::uint64_t leases_acquired = 0;
        std::uint64_t leases_refused = 0; // held by another owner
        std::uint64_t leases_released = 0;
    };
    [[nodiscard]] counts count() const;
    [[nodiscard]] std::optional<connector_sdk::stored_credential> peek(const std::string& connection) const;
    [[nodiscard]] std::optional<std::string> lease_owner(const std::string& connection) const;
    // Stores `value` whatever is stored (a test's own writer); answers the new version.
    std::uint64_t put(const std::string& connection, const std::string& value);
    // Makes every call fail (the host's database unreachable) until called with false.
    void set_unreachable(bool unreachable);
    // Runs once, outside the store's lock, right after the next read of `connection` that happens
    // while some owner holds its lease, before the read's answer is returned.
    void after_next_read_under_lease(std::function<void()> hook);
    // Runs once, outside the store's lock, right before the next compare_and_set is decided.
    void before_next_compare_and_set(std::function<void()> hook);

    // credential_store
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
    struct lease {
        std::string owner;
        std::chrono::system_clock::time_point expires_at;
    };

    // With mutex_ held: what is stored for `connection`; its lease while unexpired; a conflict answer
    // (counted) when `expected_version` is not the stored version.
    [[nodiscard]] std::optional<connector_sdk::stored_credential> stored(std::string_view connection) const;
    [[nodiscard]] const lease* live_lease(std::string_view connection, std::chrono::system_clock::time_point now) const;
    [[nodiscard]] std::optional<connector_sdk::credential_write_result> refuse_stale(std::string_view connection,
                                                                                     std::uint64_t expected_version);

    mutable std::mutex mutex_;
    clock_function clock_;
    std::map<std::string, connector_sdk::stored_credential, std::less<>> values_;
    std::map<std::string, std::uint64_t, std::less<>> last_version_; // versions never go back, even after remove
    std::map<std::string, lease, std::less<>> leases_;
    counts counts_;
    bool unreachable_ = false;
    std::function<void()> after_read_hook_;
    std::function<void()> before_cas_hook_;
};

} // namespace test_support
