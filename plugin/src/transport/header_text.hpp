// What may travel in an HTTP header: RFC 6750 bearer tokens (b64token) and RFC 9110 field values.
// A token or value outside these rules could end a header early and smuggle in another one.
#pragma once

#include <string_view>

namespace sage {

// RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
// Sage's access and refresh tokens are of this form; anything else is refused before it is sent.
[[nodiscard]] bool is_b64token(std::string_view text) noexcept;

// RFC 9110 §5.5 field-value: visible ASCII, obs-text, spaces and tabs; no CR, LF, NUL or other
// control character.
[[nodiscard]] bool is_header_value(std::string_view text) noexcept;

// RFC 9110 §5.6.2 token: the characters a header name may use.
[[nodiscard]] bool is_header_name(std::string_view text) noexcept;

} // namespace sage
