// Phase timings for bench/run.sh: with CONNECTOR_PHASE_TIMINGS set in the environment, a phase_timer
// measures one step (database, plugin load, TLS context, handshake, each request...) and yields one
// log line; unset, it costs one cached branch and yields nothing.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace connector_support {

// Whether CONNECTOR_PHASE_TIMINGS is set (read once per process).
[[nodiscard]] inline bool phase_timings_enabled() noexcept
{
    // Read once, on first use; nothing in these programs changes its environment once threads run.
    static const bool enabled = std::getenv("CONNECTOR_PHASE_TIMINGS") != nullptr; // NOLINT(concurrency-mt-unsafe)
    return enabled;
}

// Started at construction; finish() gives "phase NAME 1.234 ms start_us=EPOCH_MICROSECONDS", or an
// empty string when timings are off. The wall-clock start lets a benchmark lay the phases of a
// process on one timeline with its own launch time (process start = first phase - launch).
class phase_timer {
public:
    explicit phase_timer(std::string_view name) noexcept : name_(name)
    {
        if (phase_timings_enabled()) {
            wall_start_ = std::chrono::system_clock::now();
            start_ = std::chrono::steady_clock::now();
        }
    }

    // `detail` (never a secret) follows the name: "phase request GET /v3.1/user 1.234 ms ...".
    [[nodiscard]] std::string finish(std::string_view detail = {}) const
    {
        if (!phase_timings_enabled())
            return {};
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
        const auto start_us =
            std::chrono::duration_cast<std::chrono::microseconds>(wall_start_.time_since_epoch()).count();
        char tail[96];
        (void)std::snprintf(tail, sizeof tail, " %.3f ms start_us=%lld", ms, static_cast<long long>(start_us));
        std::string line = "phase ";
        line += name_;
        if (!detail.empty()) {
            line += ' ';
            line += detail;
        }
        return line + tail;
    }

private:
    std::string_view name_; // a literal: outlives the timer
    std::chrono::system_clock::time_point wall_start_{};
    std::chrono::steady_clock::time_point start_{};
};

} // namespace connector_support
