// Every way a connection can fail, turned into one error category and one sentence that names the
// cause and the remedy. The only place these sentences are written, so TEST, CREATE and OAuth speak
// with one voice. No sentence ever contains a secret.
#pragma once

#include "oauth/oauth_client.hpp"
#include "sage/sage_api.hpp"
#include "transport/http_client.hpp"

#include <connector_sdk/error_category.hpp>

#include <string>
#include <string_view>

namespace sage {

struct failure_text {
    connector_sdk::error_category category = connector_sdk::error_category::internal;
    std::string message;
};

// No answer from `service` ("Sage's token endpoint", "the Sage API"...).
[[nodiscard]] failure_text describe_transport(transport_failure failure, const std::string& detail,
                                              std::string_view service);

// The token endpoint refused a refresh (`during` = "refreshing the access token") or a code exchange.
[[nodiscard]] failure_text describe_oauth(const oauth_failure& failure, std::string_view during);

// An API call failed; `area` names what was asked for ("your user details", "your businesses").
[[nodiscard]] failure_text describe_api(const api_failure& failure, std::string_view area);

} // namespace sage
