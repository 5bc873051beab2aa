// Faults armed for the sandbox's endpoints: each matches one endpoint name (or "*"), and fires for
// its next `count` requests or until cleared. The first armed fault that matches a request wins.
// Thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sage_sandbox {

enum class fault_kind {
    rate_limited,        // 429, with Retry-After when retry_after is set
    server_error,        // 500 with an UnexpectedError error array
    service_unavailable, // 503 with an error array
    delay,               // answer normally after delay_ms
    close_mid_response,  // headers and half the body, then the TCP connection is closed
    drop_connection,     // the connection is closed without any response
    malformed_json,      // 200 with a truncated JSON body
    oversize_body,       // 200 with a streamed body of oversize_bytes (64 MiB by default)
};

std::string_view to_string(fault_kind kind) noexcept;
std::optional<fault_kind> parse_fault_kind(std::string_view text) noexcept;

struct fault_spec {
    std::string endpoint = "*"; // endpoint name, or "*" for every endpoint
    fault_kind kind = fault_kind::server_error;
    std::optional<std::uint32_t> count;               // the next N requests; nullopt: until cleared
    std::optional<std::uint32_t> retry_after_seconds; // rate_limited only
    std::chrono::milliseconds delay{0};               // delay only
    std::uint64_t oversize_bytes = 64ull * 1024 * 1024;

    [[nodiscard]] boost::json::object to_json() const;
};

// Reads a fault from JSON: {"endpoint","kind","count","retry_after","delay_ms","bytes"};
// throws std::invalid_argument naming the bad field.
fault_spec fault_from_json(const boost::json::object& json);

struct armed_fault {
    std::uint64_t id = 0;
    fault_spec spec;
    std::uint64_t fired = 0;

    [[nodiscard]] boost::json::object to_json() const;
};

// The endpoint names faults and counters use: authorize, token, revoke, user, businesses, business,
// then every entity's collection and record names (contacts, contact, sales_invoices, sales_invoice, ...).
const std::vector<std::string_view>& endpoint_names();

class fault_book {
public:
    // Arms a fault (throws std::invalid_argument for an unknown endpoint); returns its id.
    std::uint64_t arm(const fault_spec& spec);
    // Disarms every fault, or those of one endpoint name ("*" selects only the "*" faults).
    void clear(const std::optional<std::string>& endpoint = std::nullopt);
    // Disarms one fault; false when it is not armed.
    bool disarm(std::uint64_t id);
    // The fault to apply to a request for `endpoint`, if any; consumes one of its count.
    std::optional<fault_spec> take(std::string_view endpoint);
    [[nodiscard]] std::vector<armed_fault> list() const;

private:
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::vector<armed_fault> faults_;
};

} // namespace sage_sandbox
