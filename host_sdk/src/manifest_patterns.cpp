#include "manifest_patterns.hpp"

namespace connector_sdk::host_detail {
namespace {

bool lower_alnum(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool alnum(char c) noexcept
{
    return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
bool digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}

// A number without a leading zero (0 itself allowed), of at most max_digits digits.
bool plain_number(std::string_view s, std::size_t max_digits) noexcept
{
    if (s.empty() || s.size() > max_digits)
        return false;
    for (char c : s)
        if (!digit(c))
            return false;
    return s.size() == 1 || s.front() != '0';
}

// Dot-separated non-empty identifiers of [0-9A-Za-z-] (semver pre-release and build parts).
bool identifiers(std::string_view s) noexcept
{
    if (s.empty())
        return false;
    std::size_t start = 0;
    for (;;) {
        const auto dot = s.find('.', start);
        const auto part = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (part.empty())
            return false;
        for (char c : part)
            if (!alnum(c) && c != '-')
                return false;
        if (dot == std::string_view::npos)
            return true;
        start = dot + 1;
    }
}

} // namespace

bool is_connector_id(std::string_view s) noexcept
{
    if (s.empty() || s.size() > 63 || !lower_alnum(s.front()))
        return false;
    for (char c : s)
        if (!lower_alnum(c) && c != '-')
            return false;
    return true;
}

bool is_semver(std::string_view s) noexcept
{
    std::string_view build;
    if (const auto plus = s.find('+'); plus != std::string_view::npos) {
        build = s.substr(plus + 1);
        if (!identifiers(build))
            return false;
        s = s.substr(0, plus);
    }
    if (const auto dash = s.find('-'); dash != std::string_view::npos) {
        if (!identifiers(s.substr(dash + 1)))
            return false;
        s = s.substr(0, dash);
    }
    const auto first = s.find('.');
    const auto second = first == std::string_view::npos ? first : s.find('.', first + 1);
    if (second == std::string_view::npos)
        return false;
    return plain_number(s.substr(0, first), 20) && plain_number(s.substr(first + 1, second - first - 1), 20) &&
           plain_number(s.substr(second + 1), 20);
}

bool is_sdk_abi(std::string_view s) noexcept
{
    const auto dot = s.find('.');
    return dot != std::string_view::npos && plain_number(s.substr(0, dot), 5) && plain_number(s.substr(dot + 1), 5);
}

bool is_library_name(std::string_view s) noexcept
{
    if (s.empty() || s.size() > 255 || !(alnum(s.front()) || s.front() == '_'))
        return false;
    for (char c : s)
        if (!alnum(c) && c != '_' && c != '.' && c != '+' && c != '-')
            return false;
    return true;
}

bool is_sha256_hex(std::string_view s) noexcept
{
    if (s.size() != 64)
        return false;
    for (char c : s)
        if (!digit(c) && !(c >= 'a' && c <= 'f'))
            return false;
    return true;
}

bool is_host_name(std::string_view s) noexcept
{
    if (s.empty())
        return false;
    std::size_t start = 0;
    for (;;) {
        const auto dot = s.find('.', start);
        const auto label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || !lower_alnum(label.front()) || !lower_alnum(label.back()))
            return false;
        for (char c : label)
            if (!lower_alnum(c) && c != '-')
                return false;
        if (dot == std::string_view::npos)
            return true;
        start = dot + 1;
    }
}

bool is_https_url(std::string_view s) noexcept
{
    constexpr std::string_view scheme = "https://";
    if (s.size() <= scheme.size() || s.substr(0, scheme.size()) != scheme)
        return false;
    for (char c : s)
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
            return false;
    return true;
}

} // namespace connector_sdk::host_detail
