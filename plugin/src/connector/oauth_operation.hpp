// What every OAuth operation a host asks for (oauth_management.v1, web_sign_in.v1) starts from: the
// form validated with OAuth on, its connection plan (client, token store), the licence's refusal, and
// the SDK answers they give.
#pragma once

#include "connector/http_client_cache.hpp"
#include "connector/license_gate.hpp"
#include "connector/test_operation.hpp"
#include "form/form_validation.hpp"
#include "oauth/host_token_store.hpp"

#include <connector_sdk/host_services.hpp>
#include <connector_sdk/oauth_management.hpp>
#include <connector_support/result.hpp>

#include <optional>
#include <string>

namespace sage {

struct prepared_oauth {
    validated_form form;
    connection_plan plan;
};

// The validated form and its plan, or why not: an invalid form (its first error), InitiateOAuth=OFF,
// or a plan that cannot be built.
[[nodiscard]] connector_support::result<prepared_oauth> prepare_oauth(const connector_sdk::form_values& values,
                                                                      connector_sdk::host_services& services,
                                                                      http_client_cache& clients,
                                                                      host_credentials& credentials);

// The licence's refusal, when it does not permit use.
[[nodiscard]] std::optional<connector_sdk::oauth_operation_result> unlicensed(license_gate& license);

[[nodiscard]] connector_sdk::oauth_operation_result refused(const connector_support::failure& why);
[[nodiscard]] connector_sdk::oauth_operation_result done(std::string message);

// "signed in to Sage; tokens stored in ... (access token valid until ...)"
[[nodiscard]] std::string signed_in_sentence(const token_store& store, const token_set& set);

} // namespace sage
