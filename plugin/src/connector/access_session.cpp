#include "connector/access_session.hpp"

#include "oauth/authorization_flow.hpp"

#include <connector_support/time_text.hpp>

namespace sage {

using connector_sdk::error_category;
using connector_support::fail;

connector_support::result<std::unique_ptr<access_session>>
access_session::open(const connection_settings& settings, connector_sdk::host_services& services,
                     http_client_cache& clients, std::shared_ptr<const keystore> trust, bool may_sign_in)
{
    auto planned = plan_connection(settings, services, clients, std::move(trust));
    if (auto* failure = std::get_if<failure_text>(&planned))
        return fail(failure->category, failure->message);
    std::unique_ptr<access_session> session(
        new access_session(settings, services, std::move(std::get<connection_plan>(planned))));
    auto first = session->first_token(may_sign_in);
    if (!first)
        return first.error();
    return session;
}

access_session::access_session(const connection_settings& settings, connector_sdk::host_services& services,
                               connection_plan plan)
    : settings_(settings), services_(services), plan_(std::move(plan))
{
}

access_session::~access_session() = default;

connector_support::result<std::string> access_session::first_token(bool may_sign_in)
{
    const connection_settings& s = settings_;
    if (s.initiate_oauth == initiate_oauth_mode::off) {
        if (s.oauth_expires_in && s.oauth_token_timestamp) {
            const auto expires =
                std::chrono::floor<std::chrono::seconds>(*s.oauth_token_timestamp) + *s.oauth_expires_in;
            if (expires <= services_.now())
                return fail(error_category::auth,
                            "the Access Token expired at " + connector_support::utc_time_text(expires) +
                                ": supply a new one, or set InitiateOAuth to REFRESH with a Refresh Token so "
                                "the connector renews it");
        }
        current_ = s.access_token.value_or("");
        return current_;
    }
    auto log = [this](std::string_view line) { services_.log(connector_sdk::log_level::debug, line); };
    auto now = [this] { return services_.now(); };
    oauth_.emplace(*plan_.http, *plan_.app);
    tokens_.emplace(*plan_.store, *oauth_, now, log);
    access_grant grant = tokens_->fresh(plan_.seed);
    if (!grant.ok() && grant.nothing_stored && s.initiate_oauth == initiate_oauth_mode::get_and_refresh) {
        if (!may_sign_in && !s.oauth_verifier)
            return fail(error_category::auth, grant.failure.message);
        // GETANDREFRESH with nothing stored: sign in, with the OAuthVerifier given or in the browser.
        authorization_outcome signed_in =
            s.oauth_verifier
                ? redeem_verifier(s, *s.oauth_verifier, *oauth_, *plan_.store, services_)
                : run_authorization(s, *oauth_, *plan_.store, services_,
                                    {.headless = false, .wait = s.authorization_wait, .require_browser = true});
        if (!signed_in.ok())
            return fail(signed_in.failure.category, signed_in.failure.message);
        if (std::string error = tokens_->adopt(*signed_in.tokens); !error.empty())
            return fail(error_category::config, "signed in, but " + error);
        adopt(*signed_in.tokens);
        return current_;
    }
    if (!grant.ok())
        return fail(grant.failure.category, grant.failure.message);
    adopt(*grant.set);
    return current_;
}

connector_support::result<std::string> access_session::token()
{
    const std::lock_guard lock(mutex_);
    if (!tokens_)
        return current_;
    // Within its life the token in hand serves; near its end the manager reads the store (another
    // process may have refreshed) and refreshes if it must.
    if (services_.now() + refresh_margin < current_expires_)
        return current_;
    access_grant grant = tokens_->fresh(plan_.seed);
    if (!grant.ok())
        return fail(grant.failure.category, grant.failure.message);
    adopt(*grant.set);
    return current_;
}

connector_support::result<std::string> access_session::renew(const std::string& rejected)
{
    const std::lock_guard lock(mutex_);
    if (!tokens_)
        return fail(error_category::auth,
                    "Sage rejected the Access Token (expired or revoked): supply a new one, or "
                    "set InitiateOAuth to REFRESH with a Refresh Token so the connector renews it");
    if (rejected != current_)
        return current_; // renewed by another request meanwhile
    access_grant grant = tokens_->after_rejection(rejected, plan_.seed);
    if (!grant.ok())
        return fail(grant.failure.category, grant.failure.message);
    adopt(*grant.set);
    return current_;
}

void access_session::adopt(const token_set& set)
{
    current_ = set.access_token;
    current_expires_ = std::chrono::system_clock::time_point(set.expires_at);
}

} // namespace sage
