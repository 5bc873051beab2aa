// ASCII text helpers every part of the repository shares: trimming, case folding, case-insensitive
// comparison, quoting a (non-secret) value for a message. Keys and the values compared are ASCII;
// other bytes pass through untouched.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace connector_support {

constexpr bool is_ascii_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
constexpr char ascii_lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char ascii_upper(char c) noexcept
{
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr std::string_view trim(std::string_view text) noexcept
{
    while (!text.empty() && is_ascii_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_ascii_space(text.back()))
        text.remove_suffix(1);
    return text;
}

inline std::string to_lower(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        c = ascii_lower(c);
    return out;
}

inline std::string to_upper(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        c = ascii_upper(c);
    return out;
}

// The one case-insensitive comparison (ASCII letters only).
constexpr bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

constexpr bool istarts_with(std::string_view text, std::string_view prefix) noexcept
{
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
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

} // namespace connector_support
