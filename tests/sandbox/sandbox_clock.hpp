// The sandbox's notion of "now": real time plus an offset that tests advance, so every expiry (codes,
// access and refresh tokens) can be reached without waiting.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sage_sandbox {

class sandbox_clock {
public:
    using time_point = std::chrono::system_clock::time_point;

    [[nodiscard]] time_point now() const noexcept;
    [[nodiscard]] std::chrono::seconds offset() const noexcept;
    // Moves the clock forward (or back, with a negative value) and returns the new offset.
    std::chrono::seconds advance(std::chrono::seconds by) noexcept;
    void reset() noexcept;

private:
    std::atomic<std::int64_t> offset_seconds_{0};
};

// Seconds since the Unix epoch of `t`.
std::int64_t unix_seconds(sandbox_clock::time_point t) noexcept;

// ISO 8601 UTC text of `t`: "2024-05-01T10:20:30Z".
std::string iso8601(sandbox_clock::time_point t);

// "Thu, 03 Dec 2026 12:46:20 GMT" (RFC 9110 IMF-fixdate): the Date header of every response.
std::string http_date(sandbox_clock::time_point t);

// Milliseconds since the Unix epoch of an ISO 8601 time as Sage's filters take it: "YYYY-MM-DD",
// "YYYY-MM-DDThh:mm", "YYYY-MM-DDThh:mm:ss", optional fraction, then "Z", "+hh:mm", "-hh:mm", "+hhmm"
// or nothing (UTC); also Sage's "YYYY-MM-DDT+hh:mm" (a day in a time zone). nullopt when malformed.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

} // namespace sage_sandbox
