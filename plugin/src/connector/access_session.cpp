#include "connector/access_session.hpp"

#include "oauth/authorization_flow.hpp"

#include <connector_support/time_text.hpp>

namespace sage {

using connector_sdk::error_category;
using connector_support::fail;
using connector_support::result;

result<std::unique_ptr<access_session>> access_session::open(const connection_settings& settings,
                                                             connector_sdk::host_services& services,
                                                             http_client_cache& clients, host_credentials& credentials,
                                                             std::shared_ptr<const keystore> trust)
{
    auto plan = plan_connection(settings, services, clients, credentials, std::move(trust));
    if (!plan)
        return plan.error();
    std::unique_ptr<access_session> session(new access_session(settings, services, std::move(*plan)));
    if (auto first = session->obtain_first(); !first)
        return first.error();
    return session;
}

access_session::access_session(const connection_settings& settings, connector_sdk::host_services& services,
                               connection_plan plan)
    : settings_(settings), services_(services), plan_(std::move(plan))
{
}

access_session::~access_session() = default;

// InitiateOAuth=OFF: the Access Token of the form, unless it is known to have expired.
result<void> access_session::supplied_token()
{
    const connection_settings& s = settings_;
    if (s.oauth_expires_in && s.oauth_token_timestamp) {
        const auto expires = std::chrono::floor<std::chrono::seconds>(*s.oauth_token_timestamp) + *s.oauth_expires_in;
        if (expires <= services_.now())
            return fail(error_category::auth, "the Access Token expired at " +
                                                  connector_support::utc_time_text(expires) +
                                                  ": supply a new one, or set InitiateOAuth to REFRESH with a Refresh "
                                                  "Token so the connector renews it");
    }
    current_ = s.access_token.value_or("");
    return {};
}

// GETANDREFRESH with nothing stored: sign in, with the OAuthVerifier given or in the browser, and
// store the tokens.
result<token_set> access_session::sign_in_now()
{
    const connection_settings& s = settings_;
    result<sign_in> signed_in =
        sign_in_as_configured(s, *oauth_, *plan_.store, services_,
                              {.headless = false, .wait = s.authorization_wait, .require_browser = true});
    if (!signed_in)
        return signed_in.error();
    if (!*signed_in)
        return fail(error_category::auth, awaiting_verifier_sentence());
    if (auto adopted = tokens_->adopt(**signed_in); !adopted)
        return fail(error_category::config, "signed in, but " + adopted.error().message);
    return std::move(**signed_in);
}

// An access token, as InitiateOAuth says.
result<void> access_session::obtain_first()
{
    if (settings_.initiate_oauth == initiate_oauth_mode::off)
        return supplied_token();
    oauth_.emplace(*plan_.http, *plan_.app);
    tokens_.emplace(
        *plan_.store, *oauth_, [this] { return services_.now(); },
        [this](std::string_view line) { services_.log(connector_sdk::log_level::debug, line); },
        token_manager_options{.lease_ttl = lease_ttl_for(settings_.timeout)});
    auto stored = tokens_->fresh(plan_.seed);
    if (!stored)
        return stored.error();
    if (*stored) {
        adopt(**stored);
        return {};
    }
    if (settings_.initiate_oauth != initiate_oauth_mode::get_and_refresh)
        return tokens_->nothing_stored();
    auto signed_in = sign_in_now();
    if (!signed_in)
        return signed_in.error();
    adopt(*signed_in);
    return {};
}

result<std::string> access_session::token()
{
    const std::lock_guard lock(mutex_);
    // Within its life the token in hand serves; near its end the manager reads the store (another
    // process may have refreshed) and refreshes if it must.
    if (!tokens_ || services_.now() + refresh_margin < current_expires_)
        return current_;
    auto stored = tokens_->fresh(plan_.seed);
    if (!stored)
        return stored.error();
    if (!*stored)
        return tokens_->nothing_stored(); // the set was removed meanwhile (revoked)
    adopt(**stored);
    return current_;
}

result<std::string> access_session::renew(const std::string& rejected)
{
    const std::lock_guard lock(mutex_);
    if (!tokens_)
        return fail(error_category::auth, "Sage rejected the Access Token (expired or revoked): supply a new one, or "
                                          "set InitiateOAuth to REFRESH with a Refresh Token so the connector renews "
                                          "it");
    if (rejected != current_)
        return current_; // renewed by another request meanwhile
    auto renewed = tokens_->after_rejection(rejected, plan_.seed);
    if (!renewed)
        return renewed.error();
    adopt(*renewed);
    return current_;
}

api_access access_session::access()
{
    api_access access;
    {
        const std::lock_guard lock(mutex_);
        access.access_token = current_;
    }
    if (tokens_)
        access.renew = [this](const std::string& rejected) { return renew(rejected); };
    return access;
}

void access_session::adopt(const token_set& set)
{
    current_ = set.access_token;
    current_expires_ = std::chrono::system_clock::time_point(set.expires_at);
}

} // namespace sage
