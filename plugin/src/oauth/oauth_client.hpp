// Sage's OAuth token endpoint: exchanging an authorization code, refreshing (refresh tokens rotate:
// the answer carries the new one), and revoking. Client credentials travel in the form body, as Sage
// requires. None of these requests is ever retried automatically: a refresh sent twice burns a token.
#pragma once

#include "oauth/token_set.hpp"
#include "transport/http_client.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>

namespace sage {

struct oauth_app {
    std::string client_id;
    std::string client_secret; // secret
    endpoint token_url;
    endpoint revoke_url;
};

// Why the token endpoint did not give tokens.
struct oauth_failure {
    enum class kind : std::uint8_t {
        invalid_grant,  // code or refresh token expired, used, revoked, or redirect_uri mismatch
        invalid_client, // Client ID / Client Secret rejected
        oauth_error,    // another OAuth error code (error holds it)
        transport,      // no answer: see `transport`
        remote,         // an HTTP error without an OAuth error body (5xx, 429...)
        malformed,      // 200 but not a token answer
    };
    kind what = kind::remote;
    std::string error;       // the OAuth error code, e.g. "invalid_grant"
    std::string description; // error_description as Sage sent it (no secrets in it)
    unsigned status = 0;     // HTTP status when an answer arrived
    transport_failure transport = transport_failure::none;
    std::string transport_message; // for transport failures
};

using token_outcome = std::variant<token_set, oauth_failure>;

class oauth_client {
public:
    oauth_client(http_client& http, oauth_app app) noexcept;

    [[nodiscard]] token_outcome refresh(const std::string& refresh_token, std::chrono::system_clock::time_point now);

    [[nodiscard]] token_outcome exchange_code(const std::string& code, const std::string& redirect_uri,
                                              const std::string& code_verifier,
                                              std::chrono::system_clock::time_point now);

    // Revokes a refresh token (and the access tokens issued with it). Nothing on success.
    [[nodiscard]] std::optional<oauth_failure> revoke(const std::string& refresh_token);

    [[nodiscard]] const oauth_app& app() const noexcept { return app_; }

private:
    [[nodiscard]] token_outcome request_tokens(std::string form_body, std::chrono::system_clock::time_point now);
    [[nodiscard]] http_result post_form(const endpoint& url, const std::string& body);

    http_client& http_;
    oauth_app app_;
};

// application/x-www-form-urlencoded encoding of one value (RFC 3986 unreserved kept as is).
[[nodiscard]] std::string form_encode(std::string_view value);

} // namespace sage
