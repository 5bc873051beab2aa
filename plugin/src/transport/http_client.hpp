// The connector's only way out to the network: HTTP/1.1 over TLS (Boost.Beast + OpenSSL) with full
// certificate verification, optional plain HTTP to loopback test doubles, HTTP CONNECT proxies,
// keep-alive connection reuse with TLS session resumption, a deadline on every request and bounded,
// jittered retries of idempotent requests. No Beast, Asio or OpenSSL type appears in this header.
#pragma once

#include "transport/endpoint.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sage {

class keystore;

struct http_header {
    std::string name;
    std::string value;
};

struct http_request {
    std::string method = "GET";
    endpoint url;                     // absolute; the target (path + query) is sent as is
    std::vector<http_header> headers; // Host, User-Agent, Content-Length are set by the client
    std::string body;
    // Safe to send twice: only idempotent requests are retried, and only they may go out on a
    // connection that has been idle for a while (a refresh-token POST must never be sent twice).
    bool idempotent = true;
};

struct http_response {
    unsigned status = 0;
    std::vector<http_header> headers;
    std::string body;

    // The first header with this name (case-insensitive), if any.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept;
};

// Why no response arrived. Each maps onto one error category and one sentence in the connector.
enum class transport_failure : std::uint8_t {
    none,
    plain_http_refused,     // EnableSSL off towards a host that is not loopback, or through a proxy
    invalid_request,        // a header name or value that could end the header early (CR, LF...): not sent
    dns,                    // the host name cannot be resolved
    refused,                // nothing listens, or the network is unreachable
    timeout,                // the deadline passed
    reset,                  // the connection was closed or reset before a whole response arrived
    tls_untrusted,          // the certificate chain does not lead to a trusted authority
    tls_wrong_host,         // the certificate is for another host name
    tls_expired,            // the certificate has expired or is not yet valid
    tls_client_certificate, // the server refused our client certificate, or wants one
    tls_handshake,          // another TLS failure (protocol versions, ciphers...)
    proxy_auth,             // the proxy refused the credentials, or wants some: 407 (or 401)
    proxy_failed,           // the proxy refused the tunnel or answered nonsense
    body_too_large,         // the response exceeded the body limit
    protocol,               // not a valid HTTP response
};

[[nodiscard]] std::string_view to_string(transport_failure failure) noexcept;

struct http_result {
    std::optional<http_response> response; // set when a response arrived (whatever its status)
    transport_failure failure = transport_failure::none;
    std::string message; // on failure: what happened, naming the host; never a secret
    int attempts = 0;    // requests sent, retries included

    [[nodiscard]] bool ok() const noexcept { return response.has_value(); }
};

struct http_proxy {
    std::string host;
    std::uint16_t port = 80;
    std::optional<std::string> user;
    std::optional<std::string> password;
};

// Resolves a host name to addresses (text, as inet_ntop writes them); on failure returns nothing and
// sets `error`. May block: the client calls it on a thread of its own and stops waiting at the deadline.
using http_resolver = std::function<std::vector<std::string>(const std::string& host, std::string& error)>;

struct http_client_options {
    // Bounds the whole send(), end to end: resolution, connection, TLS, every retry and every wait
    // between retries (Retry-After included).
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
    std::size_t body_limit = std::size_t{16} * 1024 * 1024; // largest response body accepted
    int max_attempts = 3;                                   // for idempotent requests
    std::chrono::milliseconds backoff_base{250};            // doubled per retry, with jitter
    std::chrono::milliseconds backoff_cap{std::chrono::seconds(8)};
    std::chrono::seconds max_retry_after{30}; // a longer Retry-After ends the retries
    std::chrono::seconds reuse_idle_limit{2}; // non-idempotent requests reuse only fresher connections
    bool enable_ssl = true;
    std::optional<http_proxy> proxy;
    std::shared_ptr<const keystore> trust; // extra CAs and an optional client identity
    // Hosts verified against the system trust store alone: the keystore's CAs are not trusted for
    // them (its client identity is still presented). The connector lists Sage's hosts here unless
    // the form sets TrustKeystoreForSage.
    std::vector<std::string> system_trust_only_hosts;
    http_resolver resolver; // empty: the system's resolver (getaddrinfo)
    std::string user_agent = "sage-cloud-accounting-connector/1.0";
    std::function<void(std::string_view)> log; // one line per request; never given secrets
};

// Counters for tests and benchmarks.
struct http_client_statistics {
    std::uint64_t requests = 0;
    std::uint64_t connections_opened = 0;
    std::uint64_t connections_reused = 0;
    std::uint64_t tls_handshakes = 0;
    std::uint64_t tls_sessions_resumed = 0;
    std::uint64_t retries = 0;
};

// Thread-safe: concurrent send() calls use separate connections.
class http_client {
public:
    // Builds the TLS configuration. Fails (returns nullptr, `error` set) only when the keystore cannot
    // be loaded into OpenSSL.
    static std::shared_ptr<http_client> create(http_client_options options, std::string& error);

    ~http_client();
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;

    [[nodiscard]] http_result send(const http_request& request) noexcept;

    [[nodiscard]] http_client_statistics statistics() const noexcept;
    [[nodiscard]] const http_client_options& options() const noexcept;

    class impl;

private:
    explicit http_client(std::unique_ptr<impl> impl) noexcept;
    std::unique_ptr<impl> impl_;
};

} // namespace sage
