// Times and durations as people read them in messages, written one way everywhere:
// "2027-01-31 09:30:00 UTC", "2027-01-31 09:30 UTC", "2027-01-31", "1 day" / "12 days"; and instants as
// machines read them (JSON, logs): "2027-01-31T09:30:00Z".
#pragma once

#include <chrono>
#include <ctime>
#include <string>

namespace connector_support {

// strftime of a UTC instant with `format`.
inline std::string utc_text(std::chrono::sys_seconds time, const char* format)
{
    const auto seconds = static_cast<std::time_t>(time.time_since_epoch().count());
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[64];
    const std::size_t n = std::strftime(buffer, sizeof buffer, format, &tm);
    return std::string(buffer, n);
}

// "2027-01-31 09:30:00 UTC"
inline std::string utc_time_text(std::chrono::sys_seconds time)
{
    return utc_text(time, "%Y-%m-%d %H:%M:%S UTC");
}

// "2027-01-31 09:30 UTC": where seconds do not matter (licence and certificate dates)
inline std::string utc_minute_text(std::chrono::sys_seconds time)
{
    return utc_text(time, "%Y-%m-%d %H:%M UTC");
}

// "2027-01-31"
inline std::string utc_date_text(std::chrono::sys_seconds time)
{
    return utc_text(time, "%Y-%m-%d");
}

// "1 day", "0 days", "12 days"
inline std::string days_text(long long days)
{
    return std::to_string(days) + (days == 1 ? " day" : " days");
}

// "2027-01-31T09:30:00Z" (ISO-8601 in UTC, whole seconds: a fraction is dropped).
inline std::string utc_iso_text(std::chrono::system_clock::time_point time)
{
    return utc_text(std::chrono::floor<std::chrono::seconds>(time), "%Y-%m-%dT%H:%M:%SZ");
}

} // namespace connector_support
