// The authorize URL sent to the user's browser, and reading what comes back to the CallbackURL:
// built and parsed with Boost.URL, never by string pasting.
#pragma once

#include "form/connection_settings.hpp"
#include "oauth/pkce.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sage {

struct authorization_request {
    std::string url; // AuthorizeURL + client_id, response_type, redirect_uri, scope, state, PKCE...
    std::string state;
    std::string code_verifier;
    std::string redirect_uri; // CallbackURL, exactly as configured (Sage compares it character for character)
};

// A new request (fresh state and PKCE pair) for the browser to come back to `redirect_uri`: the
// CallbackURL (the loopback and headless flows) or a web host's own callback page (web_sign_in).
[[nodiscard]] authorization_request make_authorization_request(const connection_settings& settings,
                                                               const std::string& client_id,
                                                               const std::string& redirect_uri);

// What the authorization server sent back: a code, or an error.
struct authorization_response {
    std::optional<std::string> code;
    std::optional<std::string> error; // access_denied, invalid_scope, ...
    std::optional<std::string> error_description;
    std::optional<std::string> state;
    std::optional<std::string> country;
};

// Reads the query of a callback request target ("/?code=...&state=...") or of a pasted callback URL.
// Nothing when the text carries neither a code nor an error.
[[nodiscard]] std::optional<authorization_response> parse_authorization_response(std::string_view target_or_url);

} // namespace sage
