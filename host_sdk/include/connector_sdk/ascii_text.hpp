// Since SDK 1.1: the ASCII text rules the form helpers apply — trimming, case-insensitive comparison,
// quoting a (non-secret) value for a message. Keys and the values compared are ASCII; other bytes pass
// through untouched. Header-only, standard library only.
#pragma once

#include <connector_sdk/utf8_text.hpp>
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

// `text` for a message: quoted, control characters and bytes that are not UTF-8 replaced by '?', cut
// to `limit` characters (never inside one) with "...", so the message stays valid UTF-8 whatever the
// value. Only for values that are not secret.
inline std::string quote_for_message(std::string_view text, std::size_t limit = 60)
{
    std::string out = "'";
    std::size_t count = 0;
    for (std::size_t at = 0; at < text.size(); ++count) {
        if (count == limit) {
            out += "...";
            break;
        }
        const std::size_t length = utf8::character_length(text, at);
        const auto byte = static_cast<unsigned char>(text[at]);
        if (length == 0 || byte < 0x20 || byte == 0x7f)
            out += '?';
        else
            out.append(text.substr(at, length));
        at += length == 0 ? 1 : length;
    }
    out += '\'';
    return out;
}

} // namespace ascii

CONNECTOR_SDK_END_NAMESPACE
