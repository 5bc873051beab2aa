// Signing in to Sage with the authorization-code flow (RFC 8252 for native apps): the browser way
// (open the authorize URL, always show it, receive the redirect on the loopback CallbackURL) and the
// headless way (show the URL, take the pasted callback URL or code — now, or later through
// OAuthVerifier), then exchange the code at once, within its 60-second life.
#pragma once

#include "form/connection_settings.hpp"
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
