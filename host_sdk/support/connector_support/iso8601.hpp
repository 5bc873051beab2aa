// Reading and writing instants in the two forms services send: ISO 8601 ("2026-12-03T12:00:00Z",
// "2026-12-03T12:00:00.123+01:00", "2026-12-03") and the HTTP Date header ("Thu, 03 Dec 2026
// 12:00:00 GMT"). Strict: anything else is refused rather than guessed.
#pragma once

#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace connector_support {

namespace iso8601_detail {

// `count` decimal digits at `pos`, or nothing.
inline std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t count)
{
    if (pos + count > text.size())
        return std::nullopt;
    int value = 0;
    const auto* first = text.data() + pos;
    const auto [end, error] = std::from_chars(first, first + count, value);
    if (error != std::errc() || end != first + count)
        return std::nullopt;
    return value;
}

inline std::optional<std::chrono::sys_days> civil_day(int year, int month, int day)
{
    const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                           std::chrono::day(static_cast<unsigned>(day))};
    if (year < 1970 || year > 9999 || !date.ok())
        return std::nullopt;
    return std::chrono::sys_days(date);
}

} // namespace iso8601_detail

// "YYYY-MM-DD", or "YYYY-MM-DDThh:mm[:ss[.fff…]](Z|±hh:mm)", truncated to whole seconds.
inline std::optional<std::chrono::sys_seconds> parse_iso8601(std::string_view text)
{
    using namespace iso8601_detail;
    const auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
    if (!year || !month || !day || text.size() < 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    const auto date = civil_day(*year, *month, *day);
    if (!date)
        return std::nullopt;
    if (text.size() == 10)
        return std::chrono::sys_seconds(*date);
    if (text[10] != 'T' && text[10] != 't' && text[10] != ' ')
        return std::nullopt;
    const auto hour = digits(text, 11, 2), minute = digits(text, 14, 2);
    if (!hour || !minute || text.size() < 16 || text[13] != ':' || *hour > 23 || *minute > 59)
        return std::nullopt;
    std::size_t pos = 16;
    int second = 0;
    if (pos < text.size() && text[pos] == ':') {
        const auto s = digits(text, pos + 1, 2);
        if (!s || *s > 60)
            return std::nullopt;
        second = *s;
        pos += 3;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            const std::size_t start = pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 9)
                ++pos;
            if (pos == start)
                return std::nullopt;
        }
    }
    std::chrono::seconds offset{0};
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const auto oh = digits(text, pos + 1, 2), om = digits(text, pos + 4, 2);
        if (!oh || !om || pos + 6 > text.size() || text[pos + 3] != ':' || *oh > 23 || *om > 59)
            return std::nullopt;
        offset = std::chrono::hours(*oh) + std::chrono::minutes(*om);
        if (text[pos] == '-')
            offset = -offset;
        pos += 6;
    } else {
        return std::nullopt; // no zone: the instant would be a guess
    }
    if (pos != text.size())
        return std::nullopt;
    return std::chrono::sys_seconds(*date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
           std::chrono::seconds(second) - offset;
}

// An HTTP date in the IMF-fixdate form every current server sends: "Thu, 03 Dec 2026 12:00:00 GMT".
inline std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text)
{
    using namespace iso8601_detail;
    static constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (text.size() != 29 || text[3] != ',' || text.substr(25) != " GMT")
        return std::nullopt;
    const auto day = digits(text, 5, 2), year = digits(text, 12, 4);
    const auto hour = digits(text, 17, 2), minute = digits(text, 20, 2), second = digits(text, 23, 2);
    const std::size_t month_at = months.find(text.substr(8, 3));
    if (!day || !year || !hour || !minute || !second || month_at == std::string_view::npos || month_at % 3 != 0 ||
        *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;
    const auto date = civil_day(*year, static_cast<int>(month_at / 3) + 1, *day);
    if (!date)
        return std::nullopt;
    return std::chrono::sys_seconds(*date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
           std::chrono::seconds(*second);
}

// "2026-12-03T12:00:00Z"
inline std::string iso8601_text(std::chrono::sys_seconds instant)
{
    const auto day = std::chrono::floor<std::chrono::days>(instant);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss time{instant - day};
    char buffer[32];
    const int n = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                                static_cast<int>(time.seconds().count()));
    return std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
}

} // namespace connector_support
