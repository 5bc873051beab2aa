#include "counters.hpp"

namespace sage_sandbox {

std::string_view to_string(counter c) noexcept
{
    switch (c) {
    case counter::refreshes: return "refreshes";
    case counter::tokens_issued: return "tokens_issued";
    case counter::tokens_minted: return "tokens_minted";
    case counter::tokens_rejected: return "tokens_rejected";
    case counter::invalid_grant: return "invalid_grant";
    case counter::invalid_client: return "invalid_client";
    case counter::codes_issued: return "codes_issued";
    case counter::codes_redeemed: return "codes_redeemed";
    case counter::consent_errors: return "consent_errors";
    case counter::revocations: return "revocations";
    case counter::faults_injected: return "faults_injected";
    case counter::proxy_tunnels: return "proxy_tunnels";
    case counter::connections: return "connections";
    case counter::items_served: return "items_served";
    }
    return "unknown";
}

std::uint64_t counter_snapshot::requests_to(std::string_view endpoint) const
{
    auto it = requests.find(std::string(endpoint));
    return it == requests.end() ? 0 : it->second;
}

boost::json::object counter_snapshot::to_json() const
{
    boost::json::object out;
    boost::json::object per_endpoint;
    for (const auto& [name, n] : requests)
        per_endpoint[name] = n;
    out["requests"] = std::move(per_endpoint);
    for (std::size_t i = 0; i < counter_count; ++i)
        out[to_string(static_cast<counter>(i))] = values[i];
    return out;
}

void counters::count_request(std::string_view endpoint)
{
    std::lock_guard lock(mutex_);
    auto it = requests_.find(endpoint);
    if (it == requests_.end())
        requests_.emplace(std::string(endpoint), 1);
    else
        ++it->second;
}

void counters::add(counter c, std::uint64_t n) noexcept
{
    values_[static_cast<std::size_t>(c)].fetch_add(n);
}

counter_snapshot counters::snapshot() const
{
    counter_snapshot out;
    std::lock_guard lock(mutex_);
    for (const auto& [name, n] : requests_)
        out.requests[name] = n;
    for (std::size_t i = 0; i < counter_count; ++i)
        out.values[i] = values_[i].load();
    return out;
}

void counters::reset()
{
    std::lock_guard lock(mutex_);
    requests_.clear();
    for (auto& value : values_)
        value.store(0);
}

} // namespace sage_sandbox
