// The licence clock's floor: the latest time this host has seen, sealed under the host key in
// <data>/clock-floor, so that setting the clock back, editing the file or deleting it cannot bring an
// ended licence back. Every run that touches licences checks it and moves it forward.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>

namespace sample_host {

class secret_cipher;

// How far the clock may read behind the floor (two machines' clocks, a clock corrected by NTP): the
// connector allows the same.
inline constexpr std::chrono::seconds clock_floor_skew = std::chrono::minutes(5);

// Checks `now` against the floor in `file`, then records `now` when it is later (at most once a
// minute). `latest_licence` is the newest time a licence was stored on this host (nullopt: none is
// held); the floor is never earlier than it. Throws host_error — failing closed, naming the file and
// the remedy — when the clock reads earlier than the floor (beyond clock_floor_skew), when the file
// was altered or sealed with another host key, or when it is missing although licences are held
// (deleting it must not turn the clock back).
void check_clock_floor(const std::filesystem::path& file, const secret_cipher& cipher,
                       std::optional<std::chrono::sys_seconds> latest_licence, std::chrono::sys_seconds now);

} // namespace sample_host
