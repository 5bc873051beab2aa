#include "sandbox_clock.hpp"

#include <cctype>
#include <cstdio>
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

namespace sage_sandbox {
namespace {

// Reads `n` digits at `pos` (advancing it); nullopt when they are not all digits.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t n)
{
    if (pos + n > text.size())
        return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = text[pos + i];
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += n;
    return value;
}

bool expect(std::string_view text, std::size_t& pos, char c)
{
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

} // namespace

std::string http_date(sandbox_clock::time_point t)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char text[40];
    const int n =
        std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[parts.tm_wday], parts.tm_mday,
                      months[parts.tm_mon], parts.tm_year + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec);
    return std::string(text, static_cast<std::size_t>(n));
}

std::optional<std::int64_t> parse_iso8601_ms(std::string_view text)
{
    std::size_t pos = 0;
    const auto year = digits(text, pos, 4);
    if (!year || !expect(text, pos, '-'))
        return std::nullopt;
    const auto month = digits(text, pos, 2);
    if (!month || !expect(text, pos, '-'))
        return std::nullopt;
    const auto mday = digits(text, pos, 2);
    if (!mday)
        return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                                          std::chrono::day(static_cast<unsigned>(*mday))};
    if (!ymd.ok())
        return std::nullopt;
    std::int64_t ms = static_cast<std::int64_t>(std::chrono::sys_days(ymd).time_since_epoch().count()) * 86400000;
    if (pos == text.size())
        return ms;
    if (!expect(text, pos, 'T') && !expect(text, pos, 't') && !expect(text, pos, ' '))
        return std::nullopt;
    if (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        const auto hour = digits(text, pos, 2);
        if (!hour || *hour > 23 || !expect(text, pos, ':'))
            return std::nullopt;
        const auto minute = digits(text, pos, 2);
        if (!minute || *minute > 59)
            return std::nullopt;
        int second = 0;
        if (expect(text, pos, ':')) {
            const auto s = digits(text, pos, 2);
            if (!s || *s > 60)
                return std::nullopt;
            second = *s;
        }
        ms += ((*hour * 60 + *minute) * 60 + second) * 1000LL;
        if (expect(text, pos, '.') || expect(text, pos, ',')) {
            int scale = 100;
            std::size_t fraction_digits = 0;
            while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
                ms += (text[pos] - '0') * scale;
                scale /= 10;
                ++pos;
                ++fraction_digits;
            }
            if (fraction_digits == 0)
                return std::nullopt;
        }
    }
    if (pos == text.size())
        return ms;
    if (expect(text, pos, 'Z') || expect(text, pos, 'z'))
        return pos == text.size() ? std::optional<std::int64_t>(ms) : std::nullopt;
    const bool plus = expect(text, pos, '+');
    if (!plus && !expect(text, pos, '-'))
        return std::nullopt;
    const auto offset_hours = digits(text, pos, 2);
    if (!offset_hours)
        return std::nullopt;
    expect(text, pos, ':');
    const auto offset_minutes = digits(text, pos, 2);
    if (!offset_minutes || pos != text.size() || *offset_hours > 23 || *offset_minutes > 59)
        return std::nullopt;
    const std::int64_t offset_ms = (*offset_hours * 60 + *offset_minutes) * 60000LL;
    return plus ? ms - offset_ms : ms + offset_ms;
}

} // namespace sage_sandbox
