// The console's front door: every request passes the Host check (DNS rebinding), then goes to the
// login exchange, the pages and embedded assets, the OAuth callback, or — with a session cookie, and
// for state-changing methods a matching X-CSRF-Token, a same-origin Origin and a JSON body — the API.
// Every answer leaves with the security headers.
#pragma once

#include "console/http_exchange.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

class console_api;
class console_sessions;

struct console_site {
    std::string origin;             // "http://127.0.0.1:8080": the printed address, without the token
    std::vector<std::string> hosts; // Host header values accepted, lower case with the port: "127.0.0.1:8080"
    bool tls = false;
};

// The name of the session cookie.
inline constexpr std::string_view session_cookie_name = "console_session";

class console_router final {
public:
    using log_function = std::function<void(std::string_view line)>;

    // `sessions` and `api` must outlive the router.
    console_router(console_site site, console_sessions& sessions, console_api& api, log_function log);

    // The answer to `request`, security headers included. Never throws.
    [[nodiscard]] http_response handle(const http_request& request);

    // An answer the HTTP server gives itself (413, 431, 400, 500): the JSON error shape and the headers.
    [[nodiscard]] http_response refuse(unsigned status, std::string_view category, std::string_view message) const;

private:
    [[nodiscard]] http_response route(const http_request& request);
    [[nodiscard]] http_response page(const http_request& request, std::string_view path, std::string_view token);
    [[nodiscard]] http_response api(const http_request& request, const std::vector<std::string>& segments,
                                    std::vector<std::pair<std::string, std::string>> query);

    console_site site_;
    console_sessions& sessions_;
    console_api& api_;
    log_function log_;
};

// The value of cookie `name` in a Cookie header ("a=1; console_session=..."), or "".
[[nodiscard]] std::string_view cookie_value(std::string_view cookie_header, std::string_view name) noexcept;

} // namespace sample_host
