// ASCII text helpers every part of the repository shares: trimming, case folding, case-insensitive
// comparison, quoting a (non-secret) value for a message. The rules themselves are the SDK's
// (connector_sdk/ascii_text.hpp, which connectors built elsewhere use too); this adds what only this
// repository needs.
#pragma once

#include <connector_sdk/ascii_text.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace connector_support {

constexpr bool is_ascii_space(char c) noexcept
{
    return connector_sdk::ascii::is_space(c);
}
constexpr char ascii_lower(char c) noexcept
{
    return connector_sdk::ascii::to_lower(c);
}
constexpr char ascii_upper(char c) noexcept
{
    return connector_sdk::ascii::to_upper(c);
}

using connector_sdk::ascii::iequals;
using connector_sdk::ascii::quote_for_message;
using connector_sdk::ascii::trim;

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

constexpr bool istarts_with(std::string_view text, std::string_view prefix) noexcept
{
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

} // namespace connector_support
