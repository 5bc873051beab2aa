// Drives `sample_host serve` for end-to-end tests: the process (first line read, output kept, stopped
// with SIGTERM) and an HTTP/1.1 client over Boost.Beast that keeps the session cookie and CSRF token
// the way a browser and the console's page do. Every exchange has a deadline.
#pragma once

#include "e2e_support.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace e2e {

class console_process {
public:
    // sample_host --plugins P --data D <global_args...> serve --listen 127.0.0.1:0 <serve_args...>;
    // waits (30 s) for the first line and parses it. Throws std::runtime_error when it does not come.
    console_process(const std::filesystem::path& plugins, const std::filesystem::path& data,
                    std::vector<std::string> global_args = {}, std::vector<std::string> serve_args = {},
                    std::map<std::string, std::string> environment = {});
    ~console_process();
    console_process(const console_process&) = delete;
    console_process& operator=(const console_process&) = delete;

    [[nodiscard]] const std::string& first_line() const noexcept { return first_line_; }
    [[nodiscard]] const std::string& origin() const noexcept { return origin_; } // "http://127.0.0.1:PORT"
    [[nodiscard]] const std::string& token() const noexcept { return token_; }
    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

    // SIGTERM, then waits (15 s, then SIGKILL); the exit status.
    int stop();
    // Everything printed so far (standard output and error).
    [[nodiscard]] std::string output();

private:
    pid_t pid_ = -1;
    int out_ = -1;
    int err_ = -1;
    std::string first_line_;
    std::string origin_;
    std::string token_;
    std::uint16_t port_ = 0;
    std::mutex mutex_;
    std::string printed_;
    std::thread drain_;
    int exit_code_ = -1;
};

struct http_answer {
    unsigned status = 0;
    std::multimap<std::string, std::string> headers; // names in lower case
    std::string body;

    [[nodiscard]] std::string header(const std::string& lower_case_name) const;
    [[nodiscard]] boost::json::value json() const; // the body parsed; fails the test when it is not JSON
};

struct http_call {
    std::string method = "GET";
    std::string target = "/";
    std::vector<std::pair<std::string, std::string>> headers; // Host is added unless given
    std::string body;
};

class console_client {
public:
    explicit console_client(std::uint16_t port, std::chrono::seconds deadline = std::chrono::seconds(60));

    // One request on a fresh connection.
    [[nodiscard]] http_answer send(const http_call& call) const;
    // Raw bytes on a fresh connection, then everything the server sends until it closes (or the deadline).
    [[nodiscard]] std::string send_raw(const std::string& bytes, std::chrono::milliseconds deadline) const;

    // GET /?token=T, keeping the cookie; then GET /api/session for the CSRF token. Returns the 303 answer.
    http_answer login(const std::string& token);
    [[nodiscard]] const std::string& cookie() const noexcept { return cookie_; }
    [[nodiscard]] const std::string& csrf() const noexcept { return csrf_; }

    // With the cookie (and for anything but GET, X-CSRF-Token and Content-Type: application/json).
    [[nodiscard]] http_answer get(const std::string& target) const;
    [[nodiscard]] http_answer post(const std::string& target, const boost::json::value& body) const;
    [[nodiscard]] http_answer put(const std::string& target, const boost::json::value& body) const;
    [[nodiscard]] http_answer del(const std::string& target) const;

    [[nodiscard]] std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

private:
    [[nodiscard]] http_answer with_session(std::string method, const std::string& target, std::string body) const;

    std::uint16_t port_;
    std::chrono::seconds deadline_;
    std::string cookie_; // "console_session=..."
    std::string csrf_;
};

// A console on `host`'s folders (the arguments as for console_process) and a client signed in to it
// with the one-time login token; the test stops when the login fails.
struct signed_in_console {
    explicit signed_in_console(const sample_host_runner& host, std::vector<std::string> global_args = {},
                               std::vector<std::string> serve_args = {});

    console_process server;
    console_client client;
};

// A file as the console's page uploads it: {"name": NAME, "content_base64": BYTES in base64}.
[[nodiscard]] boost::json::object uploaded_file(const std::string& name, const std::string& bytes);

} // namespace e2e
