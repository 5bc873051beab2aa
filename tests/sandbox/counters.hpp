// What the sandbox counts so black-box tests can assert on it ("exactly one refresh", "zero
// invalid_grant", "the proxy opened a tunnel"). Thread-safe; reset on demand.
#pragma once

#include <boost/json/object.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace sage_sandbox {

enum class counter {
    refreshes,       // successful refresh_token grants
    tokens_issued,   // token sets issued by POST /token (both grants)
    tokens_minted,   // token sets issued directly through the control API
    tokens_rejected, // API requests refused for a missing, unknown, expired or revoked bearer token
    invalid_grant,   // token requests answered invalid_grant
    invalid_client,  // token/revoke requests answered invalid_client
    codes_issued,    // authorization codes issued by the authorize endpoint
    codes_redeemed,  // authorization codes exchanged for tokens
    consent_errors,  // authorize requests redirected back with error=...
    revocations,     // token families revoked through POST /revoke
    faults_injected, // requests answered by an injected fault
    proxy_tunnels,   // CONNECT tunnels opened by the sandbox's proxy
    connections,     // TCP connections accepted by the sandbox's listeners (keep-alive shows as reuse)
    items_served,    // records (or deletions) sent in entity collection pages
};
inline constexpr std::size_t counter_count = 14;

std::string_view to_string(counter c) noexcept;

struct counter_snapshot {
    std::map<std::string, std::uint64_t> requests; // per endpoint name
    std::array<std::uint64_t, counter_count> values{};

    [[nodiscard]] std::uint64_t operator[](counter c) const noexcept { return values[static_cast<std::size_t>(c)]; }
    [[nodiscard]] std::uint64_t requests_to(std::string_view endpoint) const;
    [[nodiscard]] boost::json::object to_json() const;
};

class counters {
public:
    void count_request(std::string_view endpoint);
    void add(counter c, std::uint64_t n = 1) noexcept;
    [[nodiscard]] counter_snapshot snapshot() const;
    void reset();

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::uint64_t, std::less<>> requests_;
    std::array<std::atomic<std::uint64_t>, counter_count> values_{};
};

} // namespace sage_sandbox
