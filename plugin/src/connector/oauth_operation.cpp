#include "connector/oauth_operation.hpp"

#include "connector/connector_identity.hpp"

#include <connector_support/time_text.hpp>

namespace sage {

using connector_sdk::error_category;
using connector_sdk::oauth_operation_result;
using connector_support::fail;
using connector_support::failure;
using connector_support::result;

namespace {

std::string first_error(const std::vector<connector_sdk::field_error>& errors)
{
    return errors.front().message + (errors.size() > 1 ? " (and " + std::to_string(errors.size() - 1) + " more)" : "");
}

} // namespace

oauth_operation_result refused(const failure& why)
{
    oauth_operation_result r;
    r.category = why.category;
    r.message = why.message;
    return r;
}

oauth_operation_result done(std::string message)
{
    oauth_operation_result r;
    r.ok = true;
    r.category = error_category::none;
    r.message = std::move(message);
    return r;
}

result<prepared_oauth> prepare_oauth(const connector_sdk::form_values& values, connector_sdk::host_services& services,
                                     http_client_cache& clients, host_credentials& credentials)
{
    validated_form form = sage::validate(values, environment_of(services, connector_id));
    if (!form.ok())
        return fail(error_category::config, first_error(form.errors));
    if (form.settings().initiate_oauth == initiate_oauth_mode::off)
        return fail(error_category::config, "InitiateOAuth is OFF, so the connector keeps no tokens: set it to "
                                            "GETANDREFRESH (or REFRESH) to sign in and refresh");
    auto plan = plan_connection(form.settings(), services, clients, credentials, form.loaded_keystore);
    if (!plan)
        return plan.error();
    return prepared_oauth{std::move(form), std::move(*plan)};
}

std::optional<oauth_operation_result> unlicensed(license_gate& license)
{
    if (const auto status = license.check(); !status.permits_use())
        return refused(fail(error_category::license, status.user_message));
    return std::nullopt;
}

std::string signed_in_sentence(const token_store& store, const token_set& set)
{
    return "signed in to Sage; tokens stored in " + store.describe() + " (access token valid until " +
           connector_support::utc_time_text(set.expires_at) + ", refreshed automatically from then on)";
}

} // namespace sage
