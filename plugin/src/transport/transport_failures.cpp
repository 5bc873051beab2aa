#include "transport/transport_failures.hpp"

namespace sage {

using connector_sdk::error_category;
using connector_support::fail;

connector_support::failure describe_transport(transport_failure failure, const std::string& detail,
                                              std::string_view service)
{
    const std::string s(service);
    switch (failure) {
    case transport_failure::plain_http_refused:
        return fail(error_category::config,
                    detail + ": turn Enable SSL on, or point the endpoint at a local test double");
    case transport_failure::invalid_request:
        return fail(error_category::config, detail + ": enter the token or setting again (or authorise again)");
    case transport_failure::dns:
        return fail(error_category::network,
                    "cannot find " + s + ": " + detail +
                        ". Check the machine's network and DNS settings, and the endpoint URLs");
    case transport_failure::refused:
        return fail(error_category::network, "cannot reach " + s + ": " + detail +
                                                 ". Check the network, the proxy settings and the endpoint URLs");
    case transport_failure::timeout:
        return fail(error_category::network,
                    s + " did not answer within the Timeout: " + detail + ". Check the network, or raise Timeout");
    case transport_failure::reset:
        return fail(error_category::network, "the connection to " + s + " broke: " + detail + ". Try again");
    case transport_failure::tls_untrusted:
        return fail(error_category::tls, detail + ". If a proxy or gateway re-signs traffic, upload its CA certificate "
                                                  "as the Keystore File; otherwise do not trust this network");
    case transport_failure::tls_wrong_host:
        return fail(error_category::tls,
                    detail + ": the endpoint URL may be wrong, or someone is intercepting the connection");
    case transport_failure::tls_expired:
        return fail(error_category::tls, detail + ": check this machine's clock; if it is right, the server must "
                                                  "renew its certificate");
    case transport_failure::tls_client_certificate:
        return fail(error_category::tls, detail + ": upload a keystore with a client certificate the server accepts");
    case transport_failure::tls_handshake:
        return fail(error_category::tls, detail + ". Check the endpoint URL and any proxy between here and " + s);
    case transport_failure::proxy_auth: return fail(error_category::config, detail);
    case transport_failure::proxy_failed:
        return fail(error_category::network, detail + ": check ProxyServer and ProxyPort");
    case transport_failure::body_too_large: return fail(error_category::remote, detail + " (" + s + ")");
    case transport_failure::protocol: return fail(error_category::remote, detail + " (" + s + ")");
    case transport_failure::none: break;
    }
    return fail(error_category::internal, "the request to " + s + " failed: " + detail);
}

} // namespace sage
