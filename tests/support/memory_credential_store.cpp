#include "memory_credential_store.hpp"

#include <utility>

namespace test_support {

using connector_sdk::credential_write_outcome;
using connector_sdk::error_category;
using connector_sdk::lease_outcome;

namespace {

// Every call's answer while the test plays the host's database unreachable.
template <typename Answer>
Answer unreachable_answer()
{
    Answer answer;
    answer.category = error_category::network;
    answer.message = "the test's credential store is unreachable (set_unreachable)";
    return answer;
}

connector_sdk::credential_write_result write_answer(credential_write_outcome outcome, std::uint64_t version)
{
    connector_sdk::credential_write_result answer;
    answer.outcome = outcome;
    answer.version = version;
    return answer;
}

} // namespace

memory_credential_store::memory_credential_store(clock_function clock) : clock_(std::move(clock)) {}

std::optional<connector_sdk::stored_credential> memory_credential_store::stored(std::string_view connection) const
{
    const auto it = values_.find(connection);
    return it == values_.end() ? std::nullopt : std::optional(it->second);
}

const memory_credential_store::lease*
memory_credential_store::live_lease(std::string_view connection, std::chrono::system_clock::time_point now) const
{
    const auto it = leases_.find(connection);
    return it == leases_.end() || it->second.expires_at <= now ? nullptr : &it->second;
}

std::optional<connector_sdk::credential_write_result>
memory_credential_store::refuse_stale(std::string_view connection, std::uint64_t expected_version)
{
    const auto current = stored(connection);
    const std::uint64_t version = current ? current->version : 0;
    if (version == expected_version)
        return std::nullopt;
    ++counts_.conflicts;
    return write_answer(credential_write_outcome::conflict, version);
}

memory_credential_store::counts memory_credential_store::count() const
{
    std::lock_guard lock(mutex_);
    return counts_;
}

std::optional<connector_sdk::stored_credential> memory_credential_store::peek(const std::string& connection) const
{
    std::lock_guard lock(mutex_);
    return stored(connection);
}

std::optional<std::string> memory_credential_store::lease_owner(const std::string& connection) const
{
    std::lock_guard lock(mutex_);
    const lease* held = live_lease(connection, clock_());
    return held == nullptr ? std::nullopt : std::optional(held->owner);
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
        if (unreachable_)
            return unreachable_answer<connector_sdk::credential_read_result>();
        if (after_read_hook_ && live_lease(connection, clock_()) != nullptr)
            hook = std::exchange(after_read_hook_, {});
        answer.credential = stored(connection);
    }
    // The read happened: its answer is what was stored before the hook's writer got in.
    if (hook)
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
    if (unreachable_)
        return unreachable_answer<connector_sdk::credential_write_result>();
    if (auto refused = refuse_stale(connection, expected_version))
        return *refused;
    auto& last = last_version_[std::string(connection)];
    last = std::max(last, expected_version) + 1;
    values_[std::string(connection)] = connector_sdk::stored_credential{last, std::string(value)};
    ++counts_.writes;
    return write_answer(credential_write_outcome::stored, last);
}

connector_sdk::credential_write_result memory_credential_store::remove(std::string_view connection,
                                                                       std::uint64_t expected_version) noexcept
{
    std::lock_guard lock(mutex_);
    if (unreachable_)
        return unreachable_answer<connector_sdk::credential_write_result>();
    if (auto refused = refuse_stale(connection, expected_version))
        return *refused;
    if (const auto it = values_.find(connection); it != values_.end())
        values_.erase(it);
    return write_answer(credential_write_outcome::stored, 0);
}

connector_sdk::lease_result memory_credential_store::acquire_lease(std::string_view connection, std::string_view owner,
                                                                   std::chrono::milliseconds ttl) noexcept
{
    std::lock_guard lock(mutex_);
    if (unreachable_)
        return unreachable_answer<connector_sdk::lease_result>();
    connector_sdk::lease_result answer;
    const auto now = clock_();
    if (const lease* held = live_lease(connection, now); held != nullptr && held->owner != owner) {
        ++counts_.leases_refused;
        answer.outcome = lease_outcome::held;
        answer.expires_at = held->expires_at;
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
