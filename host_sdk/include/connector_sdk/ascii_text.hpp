// Since SDK 1.1: the ASCII text rules the form helpers apply — trimming, case-insensitive comparison,
// quoting a (non-secret) value for a message. Keys and the values compared are ASCII; other bytes pass
// through untouched. Header-only, standard library only.
#pragma once

#include <connector_sdk/version.hpp>

#include <cstddef>
#include <string>
#include <string_view>

CONNECTOR_SDK_BEGIN_NAMESPACE

namespace ascii {

constexpr bool is_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
constexpr char to_lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char to_upper(char c) noexcept
{
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// `text` without leading and trailing ASCII white space.
constexpr std::string_view trim(std::string_view text) noexcept
{
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

// Equal ignoring the case of ASCII letters.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (to_lower(a[i]) != to_lower(b[i]))
            return false;
    return true;
}

// `text` for a message: quoted, control characters replaced, cut to `limit` characters with "...".
// Only for values that are not secret.
inline std::string quote_for_message(std::string_view text, std::size_t limit = 60)
{
    std::string out = "'";
    std::size_t count = 0;
    for (char c : text) {
        if (count == limit) {
            out += "...";
            break;
        }
        const auto byte = static_cast<unsigned char>(c);
        out += (byte < 0x20 || byte == 0x7f) ? '?' : c;
        ++count;
    }
    out += '\'';
    return out;
}

} // namespace ascii

CONNECTOR_SDK_END_NAMESPACE
