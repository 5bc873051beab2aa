#include "oauth/oauth_client.hpp"

#include "oauth/token_endpoint_answer.hpp"
#include "transport/transport_failures.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace sage {
namespace {

using connector_sdk::error_category;
using connector_support::fail;
using connector_support::failure;

// A refusal other than invalid_grant (or no answer), `during` the request.
failure refused(const http_result& result, const oauth_error_answer& answer, std::string_view during)
{
    const std::string d(during);
    if (!result.response)
        return describe_transport(result.failure, result.message, "Sage's token endpoint");
    if (answer.error == "invalid_client" || answer.error == "unauthorized_client")
        return fail(error_category::auth, "Sage rejected the Client ID or Client Secret while " + d +
                                              ": check them against your app at developer.sage.com");
    if (!answer.error.empty())
        return fail(error_category::auth, "Sage refused the request while " + d + " (" + answer.error +
                                              (answer.description.empty() ? "" : ": " + answer.description) +
                                              "): check the Client ID, Client Secret, CallbackURL and Scope");
    const unsigned status = result.response->status;
    if (status == 429)
        return fail(error_category::remote, "Sage's token endpoint is rate limiting this client (HTTP 429) while " + d +
                                                ": wait a minute and try again");
    return fail(error_category::remote, "Sage's token endpoint failed (HTTP " + std::to_string(status) + ") while " +
                                            d + ": Sage may be having problems; try again later");
}

} // namespace

failure refresh_token_refused(std::string_view during)
{
    return fail(error_category::auth, "the refresh token has expired, been revoked or already been used: authorise "
                                      "again (Sage answered invalid_grant while " +
                                          std::string(during) + ")");
}

std::string form_encode(std::string_view value)
{
    return boost::urls::encode(value, boost::urls::unreserved_chars);
}

oauth_client::oauth_client(http_client& http, oauth_app app) noexcept : http_(http), app_(std::move(app)) {}

http_result oauth_client::post_form(const endpoint& url, const std::string& body)
{
    http_request request;
    request.method = "POST";
    request.url = url;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    request.body = body;
    request.idempotent = false;
    return http_.send(request);
}

connector_support::result<token_answer> oauth_client::request_tokens(std::string form_body, std::string_view during,
                                                                     std::chrono::system_clock::time_point now)
{
    form_body += "&client_id=" + form_encode(app_.client_id) + "&client_secret=" + form_encode(app_.client_secret);
    const http_result result = post_form(app_.token_url, form_body);
    if (!result.response || result.response->status != 200) {
        const oauth_error_answer answer =
            result.response ? read_error_answer(result.response->body) : oauth_error_answer{};
        if (answer.error == "invalid_grant")
            return token_answer{};
        return refused(result, answer, during);
    }
    // A token is sent back in headers and forms: one with a line break would add a header of its own.
    auto parsed = read_token_answer(result.response->body, app_.client_id, now);
    if (!parsed)
        return fail(error_category::remote, "Sage's token endpoint gave an unexpected answer while " +
                                                std::string(during) + " (" + parsed.error().message +
                                                "): check TokenURL");
    return token_answer(std::move(*parsed));
}

connector_support::result<token_answer> oauth_client::refresh(const std::string& refresh_token,
                                                              std::chrono::system_clock::time_point now)
{
    return request_tokens("grant_type=refresh_token&refresh_token=" + form_encode(refresh_token),
                          "refreshing the access token", now);
}

connector_support::result<token_answer> oauth_client::exchange_code(const std::string& code,
                                                                    const std::string& redirect_uri,
                                                                    const std::string& code_verifier,
                                                                    std::chrono::system_clock::time_point now)
{
    std::string body =
        "grant_type=authorization_code&code=" + form_encode(code) + "&redirect_uri=" + form_encode(redirect_uri);
    if (!code_verifier.empty())
        body += "&code_verifier=" + form_encode(code_verifier);
    return request_tokens(std::move(body), "exchanging the authorization code", now);
}

connector_support::result<void> oauth_client::revoke(const std::string& refresh_token)
{
    const std::string body = "token=" + form_encode(refresh_token) + "&client_id=" + form_encode(app_.client_id) +
                             "&client_secret=" + form_encode(app_.client_secret);
    const http_result result = post_form(app_.revoke_url, body);
    if (result.response && result.response->status == 200)
        return {};
    const oauth_error_answer answer = result.response ? read_error_answer(result.response->body) : oauth_error_answer{};
    if (answer.error == "invalid_grant")
        return {}; // Sage no longer knows the token: as good as revoked
    return refused(result, answer, "revoking the refresh token");
}

} // namespace sage
