// A connection's access to Sage for as long as one operation runs (TEST, a data read): the planned
// HTTPS client and, as InitiateOAuth says, a usable access token — the form's own (OFF), or one kept
// fresh from OAuthSettingsLocation (REFRESH, GETANDREFRESH; signing in first when nothing is stored
// and the operation may). Thread-safe: a read's concurrent requests share one session, and a
// rejected token is renewed once however many requests saw it rejected.
#pragma once

#include "connector/test_operation.hpp"
#include "oauth/oauth_client.hpp"
#include "oauth/token_manager.hpp"

#include <connector_support/result.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sage {

class access_session {
public:
    // Plans the connection and obtains a first token. `may_sign_in`: GETANDREFRESH with nothing
    // stored runs the browser sign-in (or redeems OAuthVerifier); otherwise that is an auth failure.
    static connector_support::result<std::unique_ptr<access_session>>
    open(const connection_settings& settings, connector_sdk::host_services& services, http_client_cache& clients,
         std::shared_ptr<const keystore> trust, bool may_sign_in);

    access_session(const access_session&) = delete;
    access_session& operator=(const access_session&) = delete;
    ~access_session();

    // A usable access token.
    [[nodiscard]] connector_support::result<std::string> token();
    // Sage refused `rejected` with a 401 that is not the subscription error: a new token, refreshed
    // once (another caller may have done it already).
    [[nodiscard]] connector_support::result<std::string> renew(const std::string& rejected);

    [[nodiscard]] http_client& http() noexcept { return *plan_.http; }
    [[nodiscard]] const connection_plan& plan() const noexcept { return plan_; }
    [[nodiscard]] bool refreshes() const noexcept { return tokens_.has_value(); }

private:
    access_session(const connection_settings& settings, connector_sdk::host_services& services, connection_plan plan);
    [[nodiscard]] connector_support::result<std::string> first_token(bool may_sign_in);
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
