// Signing in to Sage with the authorization-code flow (RFC 8252 for native apps): the browser way
// (open the authorize URL, always show it, receive the redirect on the loopback CallbackURL) and the
// headless way (show the URL, take the pasted callback URL or code — now, or later through
// OAuthVerifier), then exchange the code at once, within its 60-second life.
#pragma once

#include "connector/connection_failures.hpp"
#include "form/connection_settings.hpp"
#include "oauth/oauth_client.hpp"
#include "oauth/token_store.hpp"

#include <connector_sdk/host_services.hpp>

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

struct authorization_outcome {
    std::optional<token_set> tokens;
    failure_text failure;
    // A headless sign-in now waits for its code (given later as OAuthVerifier): not a failure.
    bool awaiting_verifier = false;

    [[nodiscard]] bool ok() const noexcept { return tokens.has_value(); }
};

// Runs the flow and returns the tokens (the caller stores them). `store` keeps the pending request of a
// headless sign-in between processes, so a later OAuthVerifier can finish it.
[[nodiscard]] authorization_outcome run_authorization(const connection_settings& settings, oauth_client& oauth,
                                                      token_store& store, connector_sdk::host_services& services,
                                                      const authorization_flow_options& options);

// Finishes a sign-in with an OAuthVerifier (a code, or a whole callback URL), using the pending
// headless request when there is one.
[[nodiscard]] authorization_outcome redeem_verifier(const connection_settings& settings, const std::string& verifier,
                                                    oauth_client& oauth, token_store& store,
                                                    connector_sdk::host_services& services);

} // namespace sage
