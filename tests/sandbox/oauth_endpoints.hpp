// Sage's OAuth endpoints as request -> response functions: GET /oauth2/auth/central (authorize, with
// auto-consent or a configured refusal), POST /token (authorization_code and refresh_token grants,
// client credentials in the form body) and POST /revoke.
#pragma once

#include "client_registry.hpp"
#include "counters.hpp"
#include "http_message.hpp"
#include "sandbox_modes.hpp"
#include "token_authority.hpp"

namespace sage_sandbox {

struct oauth_context {
    client_registry& clients;
    token_authority& tokens;
    counters& count;
    const sandbox_modes& modes;
};

// The JSON body Sage returns from /token.
boost::json::object token_response_json(const token_set& tokens);

http_response handle_authorize(const http_request& request, oauth_context& context);
http_response handle_token(const http_request& request, oauth_context& context);
http_response handle_revoke(const http_request& request, oauth_context& context);

} // namespace sage_sandbox
