#include "connector/sage_oauth_management.hpp"

#include "connector/entry_point.hpp"
#include "connector/oauth_operation.hpp"
#include "oauth/authorization_flow.hpp"
#include "oauth/token_manager.hpp"
#include <connector_support/time_text.hpp>

namespace sage {
namespace {

using connector_sdk::error_category;
using connector_sdk::oauth_operation_result;
using connector_support::fail;
using connector_support::failure;
using connector_support::result;

std::string masked(const std::string& token)
{
    return token.empty() ? std::string() : "******** (" + std::to_string(token.size()) + " characters)";
}

} // namespace

sage_oauth_management::sage_oauth_management(connector_sdk::host_services& services, license_gate& license,
                                             http_client_cache& clients, host_credentials& credentials) noexcept
    : services_(services), license_(license), clients_(clients), credentials_(credentials)
{
}

oauth_operation_result sage_oauth_management::authorize(const connector_sdk::form_values& values,
                                                        const connector_sdk::authorize_options& options) noexcept
{
    return run_entry_point(services_, "authorize", [&]() -> oauth_operation_result {
        auto ready = prepare_oauth(values, services_, clients_, credentials_);
        if (!ready)
            return refused(ready.error());
        auto& [form, plan] = *ready;
        if (auto refusal = unlicensed(license_))
            return *refusal;
        const connection_settings& s = form.settings();
        oauth_client oauth(*plan.http, *plan.app);
        token_manager tokens(
            *plan.store, oauth, [this] { return services_.now(); },
            [this](std::string_view line) { services_.log(connector_sdk::log_level::debug, line); },
            token_manager_options{.lease_ttl = lease_ttl_for(s.timeout)});
        result<sign_in> signed_in = sign_in_as_configured(s, oauth, *plan.store, services_,
                                                          {.headless = options.headless,
                                                           .wait = options.wait.value_or(s.authorization_wait),
                                                           .require_browser = false});
        if (!signed_in)
            return refused(signed_in.error());
        if (!*signed_in) {
            oauth_operation_result r;
            r.awaiting_verifier = true;
            r.category = error_category::none;
            r.message = awaiting_verifier_sentence();
            return r;
        }
        const token_set& set = **signed_in;
        if (auto adopted = tokens.adopt(set); !adopted)
            return refused(fail(error_category::config, "signed in, but " + adopted.error().message));
        return done(signed_in_sentence(*plan.store, set));
    });
}

connector_sdk::oauth_token_status sage_oauth_management::status(const connector_sdk::form_values& values) noexcept
{
    return run_entry_point(services_, "oauth status", [&]() -> connector_sdk::oauth_token_status {
        connector_sdk::oauth_token_status status;
        auto ready = prepare_oauth(values, services_, clients_, credentials_);
        if (!ready) {
            status.category = ready.error().category;
            status.message = ready.error().message;
            return status;
        }
        auto& plan = ready->plan;
        status.location = plan.store->describe();
        status.client_id = plan.app->client_id;
        const auto stored = plan.store->read(plan.app->client_id);
        if (!stored) {
            status.category = stored.error().category;
            status.message = stored.error().message;
            return status;
        }
        if (!*stored) {
            status.message = "no tokens are stored in " + status.location + ": sign in first";
            return status;
        }
        const token_set& set = **stored;
        status.present = true;
        status.scope = set.scope;
        status.access_token_masked = masked(set.access_token);
        status.refresh_token_masked = masked(set.refresh_token);
        status.access_expires_at = set.expires_at;
        status.refresh_expires_at = set.refresh_expires_at;
        status.obtained_at = set.obtained_at;
        const bool fresh = set.fresh_at(services_.now(), std::chrono::seconds(0));
        status.message = std::string("tokens stored in ") + status.location + "; the access token " +
                         (fresh ? "is valid until " : "expired at ") +
                         connector_support::utc_time_text(set.expires_at) +
                         (fresh ? "" : " and is refreshed on next use");
        return status;
    });
}

oauth_operation_result sage_oauth_management::revoke(const connector_sdk::form_values& values) noexcept
{
    return run_entry_point(services_, "revoke", [&]() -> oauth_operation_result {
        auto ready = prepare_oauth(values, services_, clients_, credentials_);
        if (!ready)
            return refused(ready.error());
        auto& plan = ready->plan;
        if (auto refusal = unlicensed(license_))
            return *refusal;
        auto lock = plan.store->lock(lease_ttl_for(ready->form.settings().timeout) + std::chrono::seconds(5));
        if (!lock)
            return refused(lock.error());
        const auto stored = plan.store->read(plan.app->client_id);
        if (!stored)
            return refused(stored.error());
        if (!*stored)
            return refused(
                fail(error_category::config, "nothing to revoke: no tokens are stored in " + plan.store->describe()));
        // A token Sage no longer knows counts as revoked; any other refusal leaves the set in place so
        // the user can try again.
        oauth_client oauth(*plan.http, *plan.app);
        if (auto revoked = oauth.revoke((*stored)->refresh_token); !revoked)
            return refused(revoked.error());
        if (auto removed = plan.store->remove(); !removed)
            return refused(fail(error_category::config, "revoked at Sage, but " + removed.error().message));
        return done("revoked at Sage and removed from " + plan.store->describe() + "; sign in again to reconnect");
    });
}

} // namespace sage
