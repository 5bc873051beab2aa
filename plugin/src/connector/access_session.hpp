// A connection's access to Sage for as long as one operation runs (TEST, a data read): the planned
// HTTPS client and, as InitiateOAuth says, a usable access token — the form's own (OFF), or one kept
// fresh from OAuthSettingsLocation (REFRESH, GETANDREFRESH; signing in first when nothing is stored).
// Thread-safe: a read's concurrent requests share one session, and a token Sage rejected is renewed
// once however many requests saw it rejected.
#pragma once

#include "connector/http_client_cache.hpp"
#include "connector/test_operation.hpp"
#include "oauth/oauth_client.hpp"
#include "oauth/token_manager.hpp"
#include "sage/sage_api.hpp"

#include <connector_support/result.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sage {

class access_session {
public:
    // Plans the connection and obtains a first token (signing in, with GETANDREFRESH and nothing
    // stored, through the OAuthVerifier given or the browser).
    static connector_support::result<std::unique_ptr<access_session>>
    open(const connection_settings& settings, connector_sdk::host_services& services, http_client_cache& clients,
         host_credentials& credentials, std::shared_ptr<const keystore> trust);

    access_session(const access_session&) = delete;
    access_session& operator=(const access_session&) = delete;
    ~access_session();

    // A usable access token.
    [[nodiscard]] connector_support::result<std::string> token();
    // Sage refused `rejected` with a 401 that is not the subscription error: a new token, refreshed
    // once (another caller may have done it already). Fails with how to supply a new one under OFF.
    [[nodiscard]] connector_support::result<std::string> renew(const std::string& rejected);
    // The token in hand and the way to renew it, for sage_api.
    [[nodiscard]] api_access access();

    [[nodiscard]] http_client& http() noexcept { return *plan_.http; }
    [[nodiscard]] const connection_plan& plan() const noexcept { return plan_; }
    [[nodiscard]] const connection_settings& settings() const noexcept { return settings_; }

private:
    access_session(const connection_settings& settings, connector_sdk::host_services& services, connection_plan plan);

    [[nodiscard]] connector_support::result<void> obtain_first();
    [[nodiscard]] connector_support::result<void> supplied_token();
    [[nodiscard]] connector_support::result<token_set> sign_in_now();
    void adopt(const token_set& set);

    // A token with less than this left is checked against the store (the manager's own skew decides
    // whether to refresh).
    static constexpr std::chrono::seconds refresh_margin{60};

    const connection_settings& settings_;
    connector_sdk::host_services& services_;
    connection_plan plan_;
    std::optional<oauth_client> oauth_;
    std::optional<token_manager> tokens_;
    std::mutex mutex_;
    std::string current_;                                     // the token in hand
    std::chrono::system_clock::time_point current_expires_{}; // unknown for the form's own token (OFF)
};

} // namespace sage
