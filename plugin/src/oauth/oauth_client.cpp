#include "oauth/oauth_client.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace sage {
namespace {

namespace json = boost::json;

oauth_failure failure_from(const http_result& result)
{
    oauth_failure f;
    if (!result.response) {
        f.what = oauth_failure::kind::transport;
        f.transport = result.failure;
        f.transport_message = result.message;
        return f;
    }
    f.status = result.response->status;
    boost::system::error_code ec;
    const json::value body = json::parse(result.response->body, ec);
    if (!ec && body.is_object()) {
        const auto& o = body.get_object();
        if (const auto* e = o.if_contains("error"); e != nullptr && e->is_string())
            f.error = std::string(e->get_string());
        if (const auto* d = o.if_contains("error_description"); d != nullptr && d->is_string())
            f.description = std::string(d->get_string()).substr(0, 300);
    }
    if (f.error == "invalid_grant")
        f.what = oauth_failure::kind::invalid_grant;
    else if (f.error == "invalid_client" || f.error == "unauthorized_client")
        f.what = oauth_failure::kind::invalid_client;
    else if (!f.error.empty())
        f.what = oauth_failure::kind::oauth_error;
    else
        f.what = oauth_failure::kind::remote;
    return f;
}

} // namespace

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

token_outcome oauth_client::request_tokens(std::string form_body, std::chrono::system_clock::time_point now)
{
    form_body += "&client_id=" + form_encode(app_.client_id) + "&client_secret=" + form_encode(app_.client_secret);
    const http_result result = post_form(app_.token_url, form_body);
    if (!result.response || result.response->status != 200)
        return failure_from(result);
    auto parsed = token_set_from_token_response(result.response->body, app_.client_id, now);
    if (auto* why = std::get_if<std::string>(&parsed)) {
        oauth_failure f;
        f.what = oauth_failure::kind::malformed;
        f.status = 200;
        f.description = *why;
        return f;
    }
    return std::get<token_set>(std::move(parsed));
}

token_outcome oauth_client::refresh(const std::string& refresh_token, std::chrono::system_clock::time_point now)
{
    return request_tokens("grant_type=refresh_token&refresh_token=" + form_encode(refresh_token), now);
}

token_outcome oauth_client::exchange_code(const std::string& code, const std::string& redirect_uri,
                                          const std::string& code_verifier, std::chrono::system_clock::time_point now)
{
    std::string body =
        "grant_type=authorization_code&code=" + form_encode(code) + "&redirect_uri=" + form_encode(redirect_uri);
    if (!code_verifier.empty())
        body += "&code_verifier=" + form_encode(code_verifier);
    return request_tokens(std::move(body), now);
}

std::optional<oauth_failure> oauth_client::revoke(const std::string& refresh_token)
{
    const std::string body = "token=" + form_encode(refresh_token) + "&client_id=" + form_encode(app_.client_id) +
                             "&client_secret=" + form_encode(app_.client_secret);
    const http_result result = post_form(app_.revoke_url, body);
    if (result.response && result.response->status == 200)
        return std::nullopt;
    return failure_from(result);
}

} // namespace sage
