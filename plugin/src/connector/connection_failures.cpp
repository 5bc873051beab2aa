#include "connector/connection_failures.hpp"

namespace sage {
namespace {

using connector_sdk::error_category;

std::string with_request_id(std::string sentence, const std::string& request_id)
{
    if (!request_id.empty())
        sentence += " (Sage request id " + request_id + ")";
    return sentence;
}

} // namespace

failure_text describe_transport(transport_failure failure, const std::string& detail, std::string_view service)
{
    const std::string s(service);
    switch (failure) {
    case transport_failure::plain_http_refused:
        return {error_category::config, detail + ": turn Enable SSL on, or point the endpoint at a local test double"};
    case transport_failure::dns:
        return {error_category::network, "cannot find " + s + ": " + detail +
                                             ". Check the machine's network and DNS settings, and the endpoint URLs"};
    case transport_failure::refused:
        return {error_category::network,
                "cannot reach " + s + ": " + detail + ". Check the network, the proxy settings and the endpoint URLs"};
    case transport_failure::timeout:
        return {error_category::network,
                s + " did not answer within the Timeout: " + detail + ". Check the network, or raise Timeout"};
    case transport_failure::reset:
        return {error_category::network, "the connection to " + s + " broke: " + detail + ". Try again"};
    case transport_failure::tls_untrusted:
        return {error_category::tls, detail + ". If a proxy or gateway re-signs traffic, upload its CA certificate as "
                                              "the Keystore File; otherwise do not trust this network"};
    case transport_failure::tls_wrong_host:
        return {error_category::tls,
                detail + ": the endpoint URL may be wrong, or someone is intercepting the connection"};
    case transport_failure::tls_expired:
        return {error_category::tls, detail + ": check this machine's clock; if it is right, the server must renew its "
                                              "certificate"};
    case transport_failure::tls_client_certificate:
        return {error_category::tls, detail + ": upload a keystore with a client certificate the server accepts"};
    case transport_failure::tls_handshake:
        return {error_category::tls, detail + ". Check the endpoint URL and any proxy between here and " + s};
    case transport_failure::proxy_auth: return {error_category::config, detail};
    case transport_failure::proxy_failed:
        return {error_category::network, detail + ": check ProxyServer and ProxyPort"};
    case transport_failure::body_too_large: return {error_category::remote, detail + " (" + s + ")"};
    case transport_failure::protocol: return {error_category::remote, detail + " (" + s + ")"};
    case transport_failure::none: break;
    }
    return {error_category::internal, "the request to " + s + " failed: " + detail};
}

failure_text describe_oauth(const oauth_failure& failure, std::string_view during)
{
    const std::string d(during);
    switch (failure.what) {
    case oauth_failure::kind::invalid_client:
        return {error_category::auth, "Sage rejected the Client ID or Client Secret while " + d +
                                          ": check them against your app at developer.sage.com"};
    case oauth_failure::kind::invalid_grant:
        return {error_category::auth, "the refresh token has expired, been revoked or already been used: authorise "
                                      "again (Sage answered invalid_grant while " +
                                          d + ")"};
    case oauth_failure::kind::oauth_error:
        return {error_category::auth, "Sage refused the request while " + d + " (" + failure.error +
                                          (failure.description.empty() ? "" : ": " + failure.description) +
                                          "): check the Client ID, Client Secret, CallbackURL and Scope"};
    case oauth_failure::kind::transport:
        return describe_transport(failure.transport, failure.transport_message, "Sage's token endpoint");
    case oauth_failure::kind::remote:
        if (failure.status == 429)
            return {error_category::remote, "Sage's token endpoint is rate limiting this client (HTTP 429) while " + d +
                                                ": wait a minute and try again"};
        return {error_category::remote, "Sage's token endpoint failed (HTTP " + std::to_string(failure.status) +
                                            ") while " + d + ": Sage may be having problems; try again later"};
    case oauth_failure::kind::malformed:
        return {error_category::remote, "Sage's token endpoint gave an unexpected answer while " + d + " (" +
                                            failure.description + "): check TokenURL"};
    }
    return {error_category::internal, "the token request failed while " + d};
}

failure_text describe_api(const api_failure& failure, std::string_view area)
{
    const std::string a(area);
    if (failure.transport != transport_failure::none)
        return describe_transport(failure.transport, failure.transport_message, "the Sage API");
    if (failure.malformed)
        return {error_category::remote, with_request_id("the Sage API sent an answer that is not what Sage sends for " +
                                                            a + ": check ApiBaseURL",
                                                        failure.request_id)};
    const std::string first = failure.errors.empty() ? std::string() : failure.errors.front().message;
    switch (failure.status) {
    case 401:
        if (failure.has_data_code("AuthorizationFailure") && first.find("subscription") != std::string::npos)
            return {error_category::remote,
                    with_request_id("the Sage subscription of this business has ended (\"" + first +
                                        "\"): renew it in Sage Business Cloud Accounting, then try again",
                                    failure.request_id)};
        return {error_category::auth,
                with_request_id("Sage rejected the access token (expired or revoked): authorise again, or supply a new "
                                "Access Token",
                                failure.request_id)};
    case 403:
        return {
            error_category::auth,
            with_request_id("Sage refused access to " + a + " (" +
                                (failure.errors.empty() ? std::string("HTTP 403") : failure.errors.front().data_code) +
                                "): ask the business owner to give this Sage user access to that area",
                            failure.request_id)};
    case 404:
        return {error_category::config,
                with_request_id("the Sage API does not know " + a + " (HTTP 404): check ApiBaseURL and BusinessId",
                                failure.request_id)};
    case 429:
        return {
            error_category::remote,
            with_request_id("Sage is rate limiting this client (HTTP 429), even after retrying: wait a minute and try "
                            "again",
                            failure.request_id)};
    default: break;
    }
    if (failure.status >= 500)
        return {error_category::remote,
                with_request_id("the Sage API failed (HTTP " + std::to_string(failure.status) +
                                    ") even after retrying: Sage may be having problems; try again later",
                                failure.request_id)};
    return {error_category::remote,
            with_request_id("the Sage API refused the request for " + a + " (HTTP " + std::to_string(failure.status) +
                                (first.empty() ? "" : ": " + first) + ")",
                            failure.request_id)};
}

} // namespace sage
