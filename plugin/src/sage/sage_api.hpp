// The few Sage Accounting v3.1 calls a connection test needs (GET /user, GET /businesses), with Sage's
// error arrays, collection envelopes and pagination quirks read correctly. A failed call answers with
// the one sentence that names its cause and remedy; a rejected access token is renewed once.
#pragma once

#include "sage/sage_answers.hpp"
#include "sage/sage_errors.hpp"
#include "transport/http_client.hpp"

#include <connector_support/result.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sage {

// Whether Sage answered 401 to the access token itself, not with the subscription error
// (AuthorizationFailure, which no new token cures).
[[nodiscard]] bool rejects_token(const http_response& response);

// The sentence for Sage's refusal (an HTTP error status) of a request for `area` ("your businesses",
// "Contacts"). `renewable`: whether the connector could renew a rejected access token (it tried).
[[nodiscard]] connector_support::failure describe_refusal(const http_response& response, std::string_view area,
                                                          bool renewable);

// The bearer token the calls send, and how to get another when Sage rejects it.
struct api_access {
    std::string access_token; // secret
    // Asked at most once, when Sage answers 401 (not the subscription error) to `rejected`: a new
    // access token, or why there is none. Empty when the connector cannot renew the token
    // (InitiateOAuth=OFF): the failure then says how to supply a new one.
    std::function<connector_support::result<std::string>(const std::string& rejected)> renew;
};

class sage_api {
public:
    // `base` is ApiBaseURL (e.g. https://api.accounting.sage.com/v3.1).
    sage_api(http_client& http, endpoint base, api_access access, std::function<void(std::string_view)> log);

    // Who is connected.
    [[nodiscard]] connector_support::result<sage_user> user();

    // Every business the user can reach, following $next until it is null (at most 20 pages).
    [[nodiscard]] connector_support::result<std::vector<sage_business>> businesses();

private:
    // GET `path_and_query` answered 200; `area` names what was asked for in a failure ("your businesses").
    [[nodiscard]] connector_support::result<http_response> get(const std::string& path_and_query,
                                                               std::string_view area);
    [[nodiscard]] http_result send_get(const std::string& path_and_query);

    http_client& http_;
    endpoint base_;
    api_access access_;
    bool renewed_ = false; // the access token was renewed once already
    std::function<void(std::string_view)> log_;
};

} // namespace sage
