// Small ASCII text helpers shared by the form units: trimming, case folding, case-insensitive
// comparison. Property keys and the values we compare are ASCII; other bytes pass through untouched.
#pragma once

#include <string>
#include <string_view>

namespace sage {

[[nodiscard]] std::string_view trim(std::string_view text) noexcept;
[[nodiscard]] std::string to_lower(std::string_view text);
[[nodiscard]] std::string to_upper(std::string_view text);
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;
[[nodiscard]] bool istarts_with(std::string_view text, std::string_view prefix) noexcept;

// `text` for a message: quoted, control characters replaced, cut to `limit` characters with "...".
// Only for values that are not secret.
[[nodiscard]] std::string quote_for_message(std::string_view text, std::size_t limit = 60);

} // namespace sage
