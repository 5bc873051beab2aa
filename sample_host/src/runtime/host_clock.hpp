// The host's clock: the system clock, or — as a testing aid in builds made for testing only — a clock
// that starts at the instant in SAMPLE_HOST_NOW, so licence and token expiry can be tested without sleeping.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

// Parses "2027-01-31T00:00:00Z" (ISO-8601 in UTC, optional fraction of a second, "Z" or "+00:00")
// or Unix seconds ("1801267200"). nullopt for anything else. (Written back with
// connector_support::utc_iso_text.)
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_instant(std::string_view text);

// Whether this build lets SAMPLE_HOST_NOW set the clock (CMake option SAMPLE_HOST_TEST_CLOCK: on in
// the dev and asan presets the tests use, off in release builds).
inline constexpr bool test_clock_enabled = SAMPLE_HOST_TEST_CLOCK != 0;

class host_clock final {
public:
    // The system clock.
    host_clock();
    // A clock that reads `start` now and advances in step with the system clock from there.
    explicit host_clock(std::chrono::system_clock::time_point start);

    // From SAMPLE_HOST_NOW when set (throws usage_error when it cannot be parsed, or when this build
    // was not made for testing: see test_clock_enabled), else the system clock.
    [[nodiscard]] static host_clock from_environment();

    [[nodiscard]] std::chrono::system_clock::time_point now() const noexcept;
    [[nodiscard]] bool overridden() const noexcept { return overridden_; }

private:
    std::chrono::system_clock::duration offset_{};
    bool overridden_ = false;
};

} // namespace sample_host
