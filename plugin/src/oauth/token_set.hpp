// The OAuth token set Sage issues (access token, rotating refresh token, expiries) and its JSON form
// in OAuthSettingsLocation. Tokens are opaque; Sage reserves up to 2048 bytes for each.
#pragma once

#include <connector_support/result.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sage {

struct token_set {
    std::string client_id;                  // the OAuth client the tokens belong to
    std::string access_token;               // secret
    std::string refresh_token;              // secret; single-use, rotates on every refresh
    std::chrono::sys_seconds expires_at{};  // access token expiry
    std::chrono::sys_seconds obtained_at{}; // when Sage issued this set
    std::optional<std::chrono::sys_seconds> refresh_expires_at;
    std::string scope;
    std::string requested_by_id;

    // Whether the access token is still good `skew` from now.
    [[nodiscard]] bool fresh_at(std::chrono::system_clock::time_point now, std::chrono::seconds skew) const noexcept
    {
        return now + skew < expires_at;
    }
};

// How the file format identifies itself, so a foreign JSON file is never taken for a token set. A
// format tag, not the connector id: files written by every version must keep reading.
inline constexpr std::string_view token_set_format = "sage-cloud-accounting/token-set/1";

[[nodiscard]] std::string to_json(const token_set& set);

// The set, or why the text is not one (never quoting the text: it holds secrets).
[[nodiscard]] connector_support::result<token_set> token_set_from_json(std::string_view text);

// A token endpoint answer ({"access_token","refresh_token","expires_in",...}) received at `now`,
// or why it is not one.
[[nodiscard]] connector_support::result<token_set>
token_set_from_token_response(std::string_view body, std::string_view client_id,
                              std::chrono::system_clock::time_point now);

} // namespace sage
