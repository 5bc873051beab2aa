// The console's HTTP/1.1 server (Boost.Beast over Asio, optionally TLS): accepts connections, reads
// each request within its limits, hands it to the routes on a worker thread and writes the answer.
// The only unit of the console that includes Beast or Asio; everything else sees http_exchange.hpp.
#pragma once

#include "console/http_exchange.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

struct http_server_options {
    std::string address = "127.0.0.1";                     // an IP address literal
    std::uint16_t port = 8080;                             // 0: any free port
    std::optional<std::filesystem::path> tls_certificate;  // PEM chain; with tls_key: HTTPS only
    std::optional<std::filesystem::path> tls_key;          // PEM private key
    std::size_t header_limit = std::size_t{64} * 1024;     // request line and headers: 431 beyond
    std::size_t body_limit = std::size_t{2} * 1024 * 1024; // 413 beyond
    std::chrono::seconds request_timeout{30};              // a whole request (and the TLS handshake) must arrive in it
    std::size_t max_connections = 64;                      // further connections are closed at once
    std::size_t workers = 8;                               // requests worked on at once
    std::chrono::seconds stop_grace{10};                   // how long requests in flight may finish on stop
};

// Works on one request; called on a worker thread, concurrently with others. Exceptions become a 500.
using request_handler = std::function<http_response(const http_request&)>;
// The answer to a request the server refused itself (413, 431, 400, 500): status and message.
using error_responder =
    std::function<http_response(unsigned status, std::string_view category, std::string_view message)>;
// Where the server reports what went wrong outside a request (a failed accept, a TLS handshake).
using server_log = std::function<void(std::string_view line)>;

class http_server final {
public:
    // Binds and listens. Throws host_error naming the cause and the remedy (address in use, not an
    // address of this machine, unusable certificate or key).
    http_server(http_server_options options, request_handler handler, error_responder refuse, server_log log);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // The port listened on (the one chosen when options.port was 0).
    [[nodiscard]] std::uint16_t port() const noexcept;
    [[nodiscard]] bool tls() const noexcept;

    // Serves until stop() or, with `stop_on_signals`, SIGINT or SIGTERM; then stops accepting, lets
    // the requests in flight finish (within stop_grace) and returns.
    void run(bool stop_on_signals);
    // Asks run() to return as above. Thread-safe; may be called before run().
    void stop() noexcept;

    struct state; // the implementation's (public only so its helpers can name it)

private:
    std::shared_ptr<state> state_;
};

} // namespace sample_host
