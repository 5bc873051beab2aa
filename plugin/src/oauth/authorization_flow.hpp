// Signing in to Sage with the authorization-code flow (RFC 8252 for native apps), in two steps every
// way of signing in shares — begin (a request with state and PKCE) and complete (the answer the
// browser brought back, exchanged at once, within the code's 60-second life) — and the ways built on
// them: the browser way (open the authorize URL, always show it, receive the redirect on the loopback
// CallbackURL), the headless way (show the URL, take the pasted callback URL or code — now, or later
// through OAuthVerifier); a web host's sign-in (web_sign_in.v1) uses the two steps itself.
#pragma once

#include "form/connection_settings.hpp"
#include "oauth/authorization_request.hpp"
#include "oauth/oauth_client.hpp"
#include "oauth/token_store.hpp"

#include <connector_sdk/host_services.hpp>
#include <connector_support/result.hpp>

#include <chrono>
#include <optional>

namespace sage {

struct authorization_flow_options {
    bool headless = false;
    std::chrono::seconds wait{300}; // for the browser's redirect
    // Give up at once when the host cannot open a browser (TEST in a host nobody is watching),
    // instead of showing the address and waiting.
    bool require_browser = false;
};

// What a sign-in gives: the tokens, or none when a headless sign-in nobody could answer now waits
// for its code, given later as OAuthVerifier (not a failure: see awaiting_verifier_sentence).
using sign_in = std::optional<token_set>;

// Step 1: the request for the browser to come back to `redirect_uri`.
[[nodiscard]] authorization_request begin_authorization(const connection_settings& settings, const oauth_client& oauth,
                                                        const std::string& redirect_uri);

// Step 2: what the authorization server sent back for `request` — its refusal named (access_denied
// and the others), or the code exchanged with the request's PKCE verifier and redirect URI.
[[nodiscard]] connector_support::result<token_set> complete_authorization(const authorization_response& response,
                                                                          const authorization_request& request,
                                                                          oauth_client& oauth,
                                                                          connector_sdk::host_services& services);

// What to tell the user while a headless sign-in waits for its code.
[[nodiscard]] std::string awaiting_verifier_sentence();

// Runs the flow and returns the tokens (the caller stores them). `store` keeps the pending request of a
// headless sign-in between processes, so a later OAuthVerifier can finish it.
[[nodiscard]] connector_support::result<sign_in> run_authorization(const connection_settings& settings,
                                                                   oauth_client& oauth, token_store& store,
                                                                   connector_sdk::host_services& services,
                                                                   const authorization_flow_options& options);

// Finishes a sign-in with an OAuthVerifier (a code, or a whole callback URL), using the pending
// headless request when there is one.
[[nodiscard]] connector_support::result<token_set> redeem_verifier(const connection_settings& settings,
                                                                   const std::string& verifier, oauth_client& oauth,
                                                                   token_store& store,
                                                                   connector_sdk::host_services& services);

// Signs in the way the settings say: with their OAuthVerifier when one is given, otherwise by running
// the flow with `options`.
[[nodiscard]] connector_support::result<sign_in> sign_in_as_configured(const connection_settings& settings,
                                                                       oauth_client& oauth, token_store& store,
                                                                       connector_sdk::host_services& services,
                                                                       const authorization_flow_options& options);

} // namespace sage
