// Sage's OAuth token endpoint: exchanging an authorization code, refreshing (refresh tokens rotate:
// the answer carries the new one), and revoking. Client credentials travel in the form body, as Sage
// requires. None of these requests is ever retried automatically: a refresh sent twice burns a token.
// A failed request answers with the one sentence naming its cause and remedy.
#pragma once

#include "oauth/token_set.hpp"
#include "transport/http_client.hpp"

#include <connector_support/result.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sage {

struct oauth_app {
    std::string client_id;
    std::string client_secret; // secret
    endpoint token_url;
    endpoint revoke_url;
};

// What the token endpoint gave: a new set, or none when it refused the grant itself (invalid_grant:
// the code or refresh token expired, was used, revoked, or the redirect_uri does not match) — an
// answer the caller may recover from (another refresh token, a new sign-in). Any other refusal, and
// no answer at all, is the result's failure.
using token_answer = std::optional<token_set>;

class oauth_client {
public:
    oauth_client(http_client& http, oauth_app app) noexcept;

    [[nodiscard]] connector_support::result<token_answer> refresh(const std::string& refresh_token,
                                                                  std::chrono::system_clock::time_point now);

    [[nodiscard]] connector_support::result<token_answer> exchange_code(const std::string& code,
                                                                        const std::string& redirect_uri,
                                                                        const std::string& code_verifier,
                                                                        std::chrono::system_clock::time_point now);

    // Revokes a refresh token (and the access tokens issued with it). A token Sage no longer knows
    // (invalid_grant) is as good as revoked, and succeeds too.
    [[nodiscard]] connector_support::result<void> revoke(const std::string& refresh_token);

    [[nodiscard]] const oauth_app& app() const noexcept { return app_; }

private:
    [[nodiscard]] connector_support::result<token_answer> request_tokens(std::string form_body, std::string_view during,
                                                                         std::chrono::system_clock::time_point now);
    [[nodiscard]] http_result post_form(const endpoint& url, const std::string& body);

    http_client& http_;
    oauth_app app_;
};

// Why a refresh token no longer works (Sage answered invalid_grant `during` a request), for a caller
// that has no other token left to try.
[[nodiscard]] connector_support::failure refresh_token_refused(std::string_view during);

// application/x-www-form-urlencoded encoding of one value (RFC 3986 unreserved kept as is).
[[nodiscard]] std::string form_encode(std::string_view value);

} // namespace sage
