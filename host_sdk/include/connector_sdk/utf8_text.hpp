// Since SDK 1.1: whether text is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at
// most U+10FFFF), and a copy of text made well-formed for display. Header-only, standard library only.
#pragma once

#include <connector_sdk/version.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

CONNECTOR_SDK_BEGIN_NAMESPACE

namespace utf8 {

// The length of the well-formed UTF-8 character at text[at], or 0 when the bytes there are not one.
[[nodiscard]] constexpr std::size_t character_length(std::string_view text, std::size_t at) noexcept
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80; // the bounds of the second byte (RFC 3629 §4)
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        low = lead == 0xe0 ? 0xa0 : 0x80;  // no overlong form
        high = lead == 0xed ? 0x9f : 0xbf; // no surrogate
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        low = lead == 0xf0 ? 0x90 : 0x80;  // no overlong form
        high = lead == 0xf4 ? 0x8f : 0xbf; // at most U+10FFFF
    } else {
        return 0;
    }
    if (text.size() - at < length)
        return 0;
    if (byte(at + 1) < low || byte(at + 1) > high)
        return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (byte(at + i) < 0x80 || byte(at + i) > 0xbf)
            return 0;
    return length;
}

// The offset of the first byte that does not begin a well-formed character, or nullopt when all of
// `text` is well-formed UTF-8.
[[nodiscard]] constexpr std::optional<std::size_t> first_invalid_byte(std::string_view text) noexcept
{
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t length = character_length(text, at);
        if (length == 0)
            return at;
        at += length;
    }
    return std::nullopt;
}

[[nodiscard]] constexpr bool is_valid(std::string_view text) noexcept
{
    return !first_invalid_byte(text).has_value();
}

// `text` with every byte that does not begin a well-formed character replaced by `replacement`
// (U+FFFD by default): always valid UTF-8, and equal to `text` when that already was.
[[nodiscard]] inline std::string made_valid(std::string_view text, std::string_view replacement = "\xef\xbf\xbd")
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t length = character_length(text, at);
        if (length == 0) {
            out += replacement;
            ++at;
        } else {
            out.append(text.substr(at, length));
            at += length;
        }
    }
    return out;
}

// "is not valid UTF-8 text (byte 5 is not part of a character): ..." — the sentence a form field's
// label begins, naming the position only, never the bytes (the field may be a secret).
[[nodiscard]] inline std::string invalid_text_problem(std::size_t offset, std::string_view what = "text")
{
    return "is not valid UTF-8 " + std::string(what) + " (byte " + std::to_string(offset + 1) +
           " is not part of a UTF-8 character): type it again, or convert where it came from to UTF-8";
}

} // namespace utf8

CONNECTOR_SDK_END_NAMESPACE
