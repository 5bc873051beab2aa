#include "utc_time_text.hpp"

#include <ctime>

namespace sage {

std::string utc_time_text(std::chrono::sys_seconds time)
{
    const std::time_t seconds = static_cast<std::time_t>(time.time_since_epoch().count());
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buffer;
}

} // namespace sage
