// The licence clock's floor: the latest time the host (any host of a fleet) has seen, sealed under the
// host key in the host database, so that setting the clock back, editing the floor or deleting it
// cannot bring an ended licence back. Every run that touches licences checks it and moves it forward.
#pragma once

#include <chrono>
#include <optional>

namespace sample_host {

class database;
class secret_cipher;

// How far the clock may read behind the floor (two machines' clocks, a clock corrected by NTP): the
// connector allows the same.
inline constexpr std::chrono::seconds clock_floor_skew = std::chrono::minutes(5);

// Checks `now` against the floor kept in `db`, then records `now` when it is later (at most once a
// minute; never moving the floor back, whichever host writes). `latest_licence` is the newest time a
// licence was stored (nullopt: none is held); the floor is never earlier than it. Throws host_error —
// failing closed, naming the database and the remedy — when the clock reads earlier than the floor
// (beyond clock_floor_skew), when the floor was altered or sealed with another host key, or when it
// is missing although licences are held (deleting it must not turn the clock back).
void check_clock_floor(database& db, const secret_cipher& cipher,
                       std::optional<std::chrono::sys_seconds> latest_licence, std::chrono::sys_seconds now);

} // namespace sample_host
