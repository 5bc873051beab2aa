#include "sandbox_clock.hpp"

#include <ctime>

namespace sage_sandbox {

sandbox_clock::time_point sandbox_clock::now() const noexcept
{
    return std::chrono::system_clock::now() + offset();
}

std::chrono::seconds sandbox_clock::offset() const noexcept
{
    return std::chrono::seconds(offset_seconds_.load());
}

std::chrono::seconds sandbox_clock::advance(std::chrono::seconds by) noexcept
{
    return std::chrono::seconds(offset_seconds_.fetch_add(by.count()) + by.count());
}

void sandbox_clock::reset() noexcept
{
    offset_seconds_.store(0);
}

std::int64_t unix_seconds(sandbox_clock::time_point t) noexcept
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string iso8601(sandbox_clock::time_point t)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    char text[32];
    const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return std::string(text, n);
}

} // namespace sage_sandbox
