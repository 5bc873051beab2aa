#include "connector/sage_oauth_management.hpp"

#include "connector/sage_connector.hpp"
#include "connector/test_operation.hpp"
#include "form/form_validation.hpp"
#include "oauth/authorization_flow.hpp"
#include "oauth/token_manager.hpp"
#include <connector_support/time_text.hpp>

namespace sage {
namespace {

using connector_sdk::error_category;
using connector_sdk::oauth_operation_result;

oauth_operation_result failure(error_category category, std::string message)
{
    oauth_operation_result r;
    r.category = category;
    r.message = std::move(message);
    return r;
}

oauth_operation_result failure(const failure_text& text)
{
    return failure(text.category, text.message);
}

std::string masked(const std::string& token)
{
    return token.empty() ? std::string() : "******** (" + std::to_string(token.size()) + " characters)";
}

std::string first_error(const std::vector<connector_sdk::field_error>& errors)
{
    return errors.front().message + (errors.size() > 1 ? " (and " + std::to_string(errors.size() - 1) + " more)" : "");
}

// What every operation starts from: the validated form and its connection plan.
struct prepared {
    validated_form form;
    connection_plan plan;
};

std::variant<prepared, oauth_operation_result>
prepare(const connector_sdk::form_values& values, connector_sdk::host_services& services, http_client_cache& clients)
{
    validation_environment environment;
    const auto app = services.default_oauth_app(connector_id);
    environment.host_offers_oauth_app = app && !app->client_id.empty() && !app->client_secret.empty();
    environment.now = services.now();
    validated_form form = sage::validate(values, environment);
    if (!form.ok())
        return failure(error_category::config, first_error(form.errors));
    if (form.settings().initiate_oauth == initiate_oauth_mode::off)
        return failure(error_category::config, "InitiateOAuth is OFF, so the connector keeps no tokens: set it to "
                                               "GETANDREFRESH (or REFRESH) to sign in and refresh");
    std::shared_ptr<const keystore> trust;
    if (form.loaded_keystore)
        trust = std::make_shared<const keystore>(std::move(*form.loaded_keystore));
    auto planned = plan_connection(form.settings(), services, clients, std::move(trust));
    if (auto* text = std::get_if<failure_text>(&planned))
        return failure(*text);
    return prepared{std::move(form), std::move(std::get<connection_plan>(planned))};
}

template <typename F>
auto guarded(connector_sdk::host_services& services, std::string_view what, F&& body) noexcept -> decltype(body())
{
    try {
        return body();
    } catch (const std::exception& e) {
        services.log(connector_sdk::log_level::error, std::string(what) + " failed unexpectedly: " + e.what());
    } catch (...) {
        services.log(connector_sdk::log_level::error, std::string(what) + " failed unexpectedly");
    }
    decltype(body()) result{};
    result.category = error_category::internal;
    result.message = "the connector failed unexpectedly; please report this to the vendor";
    return result;
}

} // namespace

sage_oauth_management::sage_oauth_management(connector_sdk::host_services& services, license_gate& license,
                                             http_client_cache& clients) noexcept
    : services_(services), license_(license), clients_(clients)
{
}

oauth_operation_result sage_oauth_management::authorize(const connector_sdk::form_values& values,
                                                        const connector_sdk::authorize_options& options) noexcept
{
    return guarded(services_, "authorize", [&]() -> oauth_operation_result {
        auto ready = prepare(values, services_, clients_);
        if (auto* refused = std::get_if<oauth_operation_result>(&ready))
            return *refused;
        auto& [form, plan] = std::get<prepared>(ready);
        if (const auto license = license_.check(); !license.permits_use())
            return failure(error_category::license, license.user_message);
        const connection_settings& s = form.settings();
        oauth_client oauth(*plan.http, *plan.app);
        token_manager tokens(
            *plan.store, oauth, [this] { return services_.now(); },
            [this](std::string_view line) { services_.log(connector_sdk::log_level::debug, line); });
        const authorization_outcome outcome =
            s.oauth_verifier ? redeem_verifier(s, *s.oauth_verifier, oauth, *plan.store, services_)
                             : run_authorization(s, oauth, *plan.store, services_,
                                                 {.headless = options.headless,
                                                  .wait = options.wait.value_or(s.authorization_wait),
                                                  .require_browser = false});
        if (outcome.awaiting_verifier) {
            oauth_operation_result r;
            r.awaiting_verifier = true;
            r.category = error_category::none;
            r.message = outcome.failure.message;
            return r;
        }
        if (!outcome.ok())
            return failure(outcome.failure);
        if (std::string error = tokens.adopt(*outcome.tokens); !error.empty())
            return failure(error_category::config, "signed in, but " + error);
        oauth_operation_result r;
        r.ok = true;
        r.category = error_category::none;
        r.message = "signed in to Sage; tokens stored in " + plan.store->describe() + " (access token valid until " +
                    connector_support::utc_time_text(outcome.tokens->expires_at) +
                    ", refreshed automatically from then on)";
        return r;
    });
}

connector_sdk::oauth_token_status sage_oauth_management::status(const connector_sdk::form_values& values) noexcept
{
    return guarded(services_, "oauth status", [&]() -> connector_sdk::oauth_token_status {
        connector_sdk::oauth_token_status status;
        auto ready = prepare(values, services_, clients_);
        if (auto* refused = std::get_if<oauth_operation_result>(&ready)) {
            status.category = refused->category;
            status.message = refused->message;
            return status;
        }
        auto& plan = std::get<prepared>(ready).plan;
        status.location = plan.store->describe();
        status.client_id = plan.app->client_id;
        const store_read read = plan.store->read(plan.app->client_id);
        if (!read.ok()) {
            status.category = error_category::config;
            status.message = read.error;
            return status;
        }
        if (!read.set) {
            status.message = "no tokens are stored in " + status.location + ": sign in first";
            return status;
        }
        const token_set& set = *read.set;
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
    return guarded(services_, "revoke", [&]() -> oauth_operation_result {
        auto ready = prepare(values, services_, clients_);
        if (auto* refused = std::get_if<oauth_operation_result>(&ready))
            return *refused;
        auto& plan = std::get<prepared>(ready).plan;
        if (const auto license = license_.check(); !license.permits_use())
            return failure(error_category::license, license.user_message);
        std::string error;
        store_lock lock = plan.store->lock(std::chrono::seconds(90), error);
        if (!lock.owns())
            return failure(error_category::config, error);
        const store_read read = plan.store->read(plan.app->client_id);
        if (!read.ok())
            return failure(error_category::config, read.error);
        if (!read.set)
            return failure(error_category::config,
                           "nothing to revoke: no tokens are stored in " + plan.store->describe());
        oauth_client oauth(*plan.http, *plan.app);
        if (const auto refused = oauth.revoke(read.set->refresh_token)) {
            // A token Sage no longer knows is as good as revoked; anything else leaves the set in place
            // so the user can try again.
            if (refused->what != oauth_failure::kind::invalid_grant)
                return failure(describe_oauth(*refused, "revoking the refresh token"));
        }
        if (std::string removed = plan.store->remove(); !removed.empty())
            return failure(error_category::config, "revoked at Sage, but " + removed);
        oauth_operation_result r;
        r.ok = true;
        r.category = error_category::none;
        r.message = "revoked at Sage and removed from " + plan.store->describe() + "; sign in again to reconnect";
        return r;
    });
}

} // namespace sage
