// A small HTTP CONNECT proxy on 127.0.0.1 for client tests: it opens TCP tunnels (to loopback
// targets only, by default), optionally demands Basic proxy authentication (407 without it), and
// counts the tunnels it opened, so a test can prove a client really went through it.
// No Beast type in this header.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace sage_sandbox {

struct proxy_options {
    std::uint16_t port = 0;              // 0: any free port
    std::optional<std::string> username; // when set, Proxy-Authorization: Basic is required
    std::string password;
    bool loopback_only = true; // refuse (403) tunnels to anything but 127.0.0.0/8, ::1, localhost
    std::chrono::milliseconds idle_timeout{60000};
    std::chrono::milliseconds connect_timeout{10000};
};

class connect_proxy {
public:
    // Binds at once (so port() is known); throws on failure.
    explicit connect_proxy(proxy_options options = {});
    ~connect_proxy();
    connect_proxy(const connect_proxy&) = delete;
    connect_proxy& operator=(const connect_proxy&) = delete;

    void start(); // serves on one background thread
    void stop();  // idempotent; a stopped proxy cannot restart

    [[nodiscard]] std::uint16_t port() const noexcept;
    [[nodiscard]] std::string url() const; // "http://127.0.0.1:PORT"

    [[nodiscard]] std::uint64_t tunnels_opened() const noexcept;
    [[nodiscard]] std::uint64_t auth_failures() const noexcept; // 407 answers
    void reset_counters() noexcept;

    // Called (on the proxy's thread) each time a tunnel opens; set before start().
    void on_tunnel(std::function<void()> callback);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace sage_sandbox
