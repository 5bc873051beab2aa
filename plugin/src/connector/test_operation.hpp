// TEST, once the form is valid and the licence allows it: obtain a usable access token the way
// InitiateOAuth says, then ask Sage who is connected (GET /user) and which businesses they reach
// (GET /businesses). Answers "connection available" with who and what, or the one failure that
// stopped it, as a category and a sentence.
#pragma once

#include "connector/http_client_cache.hpp"
#include "form/connection_settings.hpp"
#include "oauth/host_token_store.hpp"
#include "oauth/oauth_client.hpp"
#include "oauth/token_store.hpp"

#include <connector_sdk/host_services.hpp>
#include <connector_sdk/results.hpp>
#include <connector_support/result.hpp>

#include <memory>
#include <optional>

namespace sage {

// What TEST (and later every data call) needs for one connection, resolved from its settings.
struct connection_plan {
    std::shared_ptr<http_client> http;
    std::optional<oauth_app> app; // client credentials + token endpoints, when known
    std::unique_ptr<token_store>
        store;                     // the host's credential store, else OAuthSettingsLocation (REFRESH, GETANDREFRESH)
    std::optional<token_set> seed; // tokens the form supplied (REFRESH)
};

// Builds the plan, or says why it cannot be built (a config or tls failure).
// `trust` is the keystore validation already loaded (null when none was uploaded); `credentials` is
// the host's credential store as this connector instance reaches it (tokens live there when offered).
[[nodiscard]] connector_support::result<connection_plan>
plan_connection(const connection_settings& settings, connector_sdk::host_services& services, http_client_cache& clients,
                host_credentials& credentials, std::shared_ptr<const keystore> trust);

// TEST in named steps: obtain a token → who is connected → which businesses → the result.
[[nodiscard]] connector_sdk::test_result run_connection_test(const connection_settings& settings,
                                                             connector_sdk::host_services& services,
                                                             http_client_cache& clients, host_credentials& credentials,
                                                             std::shared_ptr<const keystore> trust);

// The revoke endpoint beside a token endpoint (…/token → …/revoke).
[[nodiscard]] endpoint revoke_endpoint_for(const endpoint& token_url);

} // namespace sage
