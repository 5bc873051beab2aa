// The sandbox's listeners: HTTP/1.1 over TLS (or plain) on 127.0.0.1, served by Beast with C++20
// coroutines on a small thread pool, one strand per connection, keep-alive, a timeout on every
// asynchronous step and explicit header/body limits. Each request goes to one handler (the
// sandbox_service); its reply says how to deliver it, faults included. No Beast type in this header.
#pragma once

#include "http_message.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace sage_sandbox {

struct listener_spec {
    std::string name; // for diagnostics: "main", "plain", "expired", ...
    bool tls = true;
    std::string cert_pem;                     // TLS: the certificate to present
    std::string key_pem;                      // TLS: its private key
    std::optional<std::string> client_ca_pem; // TLS: require a client certificate issued by this CA
    std::uint16_t port = 0;                   // 0: any free port
};

struct server_limits {
    std::chrono::milliseconds handshake_timeout{10000};
    std::chrono::milliseconds idle_timeout{30000};  // to read a request, including the wait for it
    std::chrono::milliseconds write_timeout{30000}; // per write step
    std::uint32_t header_limit = 16 * 1024;
    std::uint64_t request_body_limit = 1024 * 1024;
    unsigned threads = 2;
};

class https_server {
public:
    using handler = std::function<reply(const http_request&)>;

    // `on_connection` is called for every accepted TCP connection (may be empty).
    https_server(handler handle, server_limits limits = {}, std::function<void()> on_connection = {});
    ~https_server();
    https_server(const https_server&) = delete;
    https_server& operator=(const https_server&) = delete;

    // Binds a listener on 127.0.0.1 at once (before start()) and returns its port; throws on failure.
    std::uint16_t listen(const listener_spec& spec);

    // Serves every listener on `threads` background threads.
    void start();

    // Stops accepting and serving, and joins the threads. Idempotent; a stopped server cannot restart.
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace sage_sandbox
