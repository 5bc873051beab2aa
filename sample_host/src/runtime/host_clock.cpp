#include "runtime/host_clock.hpp"

#include "runtime/host_error.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace sample_host {
namespace {

bool all_digits(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The number in text[pos, pos+width), which must be all digits.
std::optional<int> digits_at(std::string_view text, std::size_t pos, std::size_t width)
{
    if (pos + width > text.size())
        return std::nullopt;
    std::string_view part = text.substr(pos, width);
    if (!all_digits(part))
        return std::nullopt;
    int value = 0;
    std::from_chars(part.data(), part.data() + part.size(), value);
    return value;
}

} // namespace

std::optional<std::chrono::system_clock::time_point> parse_instant(std::string_view text)
{
    using namespace std::chrono;
    if (all_digits(text)) {
        if (text.size() > 12) // beyond year 33658: certainly a mistake
            return std::nullopt;
        long long seconds_since_epoch = 0;
        std::from_chars(text.data(), text.data() + text.size(), seconds_since_epoch);
        return system_clock::time_point(seconds(seconds_since_epoch));
    }
    // YYYY-MM-DDTHH:MM:SS[.fff...](Z|+00:00)
    auto year = digits_at(text, 0, 4);
    auto month = digits_at(text, 5, 2);
    auto day = digits_at(text, 8, 2);
    auto hour = digits_at(text, 11, 2);
    auto minute = digits_at(text, 14, 2);
    auto second = digits_at(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
        (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
        return std::nullopt;
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0)
            ++pos;
        if (pos == start)
            return std::nullopt;
    }
    std::string_view zone = text.substr(pos);
    if (zone != "Z" && zone != "z" && zone != "+00:00")
        return std::nullopt;
    const year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                              std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;
    return system_clock::time_point(sys_days(date)) + hours(*hour) + minutes(*minute) + seconds(*second);
}

host_clock::host_clock() = default;

host_clock::host_clock(std::chrono::system_clock::time_point start)
    : offset_(start - std::chrono::system_clock::now()), overridden_(true)
{
}

host_clock host_clock::from_environment()
{
    const char* value = std::getenv("SAMPLE_HOST_NOW"); // NOLINT(concurrency-mt-unsafe): read before any thread starts
    if (value == nullptr || *value == '\0')
        return host_clock();
    if (!test_clock_enabled)
        throw usage_error("SAMPLE_HOST_NOW is set, but this sample_host was not built for testing (the testing aid "
                          "exists only in builds configured with -DSAMPLE_HOST_TEST_CLOCK=ON): unset it; this host "
                          "reads the system clock");
    auto start = parse_instant(value);
    if (!start)
        throw usage_error("SAMPLE_HOST_NOW=\"" + std::string(value) +
                          "\" is not an instant: write ISO-8601 UTC such as 2027-01-31T00:00:00Z, or Unix seconds, "
                          "or unset it to use the system clock");
    return host_clock(*start);
}

std::chrono::system_clock::time_point host_clock::now() const noexcept
{
    return std::chrono::system_clock::now() + offset_;
}

} // namespace sample_host
