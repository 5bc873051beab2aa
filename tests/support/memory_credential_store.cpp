#include "memory_credential_store.hpp"

#include <utility>

namespace test_support {

using connector_sdk::credential_write_outcome;
using connector_sdk::error_category;
using connector_sdk::lease_outcome;

namespace {

constexpr const char* unreachable_message = "the test's credential store is unreachable (set_unreachable)";

} // namespace

memory_credential_store::memory_credential_store(clock_function clock) : clock_(std::move(clock)) {}

memory_credential_store::counts memory_credential_store::count() const
{
    std::lock_guard lock(mutex_);
    return counts_;
}

std::optional<connector_sdk::stored_credential> memory_credential_store::peek(const std::string& connection) const
{
    std::lock_guard lock(mutex_);
    const auto it = values_.find(connection);
    return it == values_.end() ? std::nullopt : std::optional(it->second);
}

std::optional<std::string> memory_credential_store::lease_owner(const std::string& connection) const
{
    std::lock_guard lock(mutex_);
    const auto it = leases_.find(connection);
    if (it == leases_.end() || it->second.expires_at <= clock_())
        return std::nullopt;
    return it->second.owner;
}

std::uint64_t memory_credential_store::put(const std::string& connection, const std::string& value)
{
    std::lock_guard lock(mutex_);
    const std::uint64_t version = ++last_version_[connection];
    values_[connection] = connector_sdk::stored_credential{version, value};
    return version;
}

void memory_credential_store::set_unreachable(bool unreachable)
{
    std::lock_guard lock(mutex_);
    unreachable_ = unreachable;
}

void memory_credential_store::after_next_read_under_lease(std::function<void()> hook)
{
    std::lock_guard lock(mutex_);
    after_read_hook_ = std::move(hook);
}

void memory_credential_store::before_next_compare_and_set(std::function<void()> hook)
{
    std::lock_guard lock(mutex_);
    before_cas_hook_ = std::move(hook);
}

connector_sdk::credential_read_result memory_credential_store::read(std::string_view connection) noexcept
{
    connector_sdk::credential_read_result answer;
    std::function<void()> hook;
    {
        std::lock_guard lock(mutex_);
        ++counts_.reads;
        if (unreachable_) {
            answer.category = error_category::network;
            answer.message = unreachable_message;
            return answer;
        }
        const auto held = leases_.find(connection);
        if (after_read_hook_ && held != leases_.end() && held->second.expires_at > clock_())
            hook = std::exchange(after_read_hook_, {});
        if (!hook) {
            const auto it = values_.find(connection);
            if (it != values_.end())
                answer.credential = it->second;
            return answer;
        }
    }
    // The read happened: its answer is what was stored before the hook's writer got in.
    {
        std::lock_guard lock(mutex_);
        const auto it = values_.find(connection);
        if (it != values_.end())
            answer.credential = it->second;
    }
    hook();
    return answer;
}

connector_sdk::credential_write_result memory_credential_store::compare_and_set(std::string_view connection,
                                                                                std::uint64_t expected_version,
                                                                                std::string_view value) noexcept
{
    std::function<void()> hook;
    {
        std::lock_guard lock(mutex_);
        hook = std::exchange(before_cas_hook_, {});
    }
    if (hook)
        hook();
    std::lock_guard lock(mutex_);
    connector_sdk::credential_write_result answer;
    if (unreachable_) {
        answer.category = error_category::network;
        answer.message = unreachable_message;
        return answer;
    }
    const auto it = values_.find(connection);
    const std::uint64_t current = it == values_.end() ? 0 : it->second.version;
    if (current != expected_version) {
        ++counts_.conflicts;
        answer.outcome = credential_write_outcome::conflict;
        answer.version = current;
        return answer;
    }
    auto& last = last_version_[std::string(connection)];
    last = std::max(last, current) + 1;
    values_[std::string(connection)] = connector_sdk::stored_credential{last, std::string(value)};
    ++counts_.writes;
    answer.outcome = credential_write_outcome::stored;
    answer.version = last;
    return answer;
}

connector_sdk::credential_write_result memory_credential_store::remove(std::string_view connection,
                                                                       std::uint64_t expected_version) noexcept
{
    std::lock_guard lock(mutex_);
    connector_sdk::credential_write_result answer;
    if (unreachable_) {
        answer.category = error_category::network;
        answer.message = unreachable_message;
        return answer;
    }
    const auto it = values_.find(connection);
    const std::uint64_t current = it == values_.end() ? 0 : it->second.version;
    if (current != expected_version) {
        ++counts_.conflicts;
        answer.outcome = credential_write_outcome::conflict;
        answer.version = current;
        return answer;
    }
    if (it != values_.end())
        values_.erase(it);
    answer.outcome = credential_write_outcome::stored;
    answer.version = 0;
    return answer;
}

connector_sdk::lease_result memory_credential_store::acquire_lease(std::string_view connection, std::string_view owner,
                                                                   std::chrono::milliseconds ttl) noexcept
{
    std::lock_guard lock(mutex_);
    connector_sdk::lease_result answer;
    if (unreachable_) {
        answer.category = error_category::network;
        answer.message = unreachable_message;
        return answer;
    }
    const auto now = clock_();
    auto it = leases_.find(connection);
    if (it != leases_.end() && it->second.owner != owner && it->second.expires_at > now) {
        ++counts_.leases_refused;
        answer.outcome = lease_outcome::held;
        answer.expires_at = it->second.expires_at;
        return answer;
    }
    const lease taken{std::string(owner), now + ttl};
    leases_.insert_or_assign(std::string(connection), taken);
    ++counts_.leases_acquired;
    answer.outcome = lease_outcome::acquired;
    answer.expires_at = taken.expires_at;
    return answer;
}

void memory_credential_store::release_lease(std::string_view connection, std::string_view owner) noexcept
{
    std::lock_guard lock(mutex_);
    const auto it = leases_.find(connection);
    if (it != leases_.end() && it->second.owner == owner) {
        leases_.erase(it);
        ++counts_.leases_released;
    }
}

std::string memory_credential_store::location() const noexcept
{
    return "the test's in-memory store";
}

} // namespace test_support
