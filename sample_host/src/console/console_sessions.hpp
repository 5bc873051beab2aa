// Who may use the web console: one-time login tokens (printed by `serve`, 256 random bits) exchanged
// for sessions; each session has its own CSRF token and ends after a quiet idle period. Tokens live
// in this process's memory only. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

struct console_session {
    std::string id;   // the cookie's value: 64 hex digits
    std::string csrf; // the X-CSRF-Token every state-changing request carries: 64 hex digits
};

// 64 lower-case hex digits from 32 bytes of OpenSSL's CSPRNG. Throws std::runtime_error if it fails.
[[nodiscard]] std::string random_token();

// Compares two tokens in time independent of where they differ.
[[nodiscard]] bool same_token(std::string_view a, std::string_view b) noexcept;

class console_sessions final {
public:
    using clock_function = std::function<std::chrono::steady_clock::time_point()>;

    explicit console_sessions(
        std::chrono::seconds idle_timeout = std::chrono::minutes(30),
        std::chrono::seconds login_lifetime = std::chrono::minutes(15),
        clock_function now = [] { return std::chrono::steady_clock::now(); });

    [[nodiscard]] std::chrono::seconds idle_timeout() const noexcept { return idle_timeout_; }

    // A new one-time login token, valid for login_lifetime.
    [[nodiscard]] std::string issue_login_token();

    // Exchanges a login token for a new session; nullopt when the token is unknown, used or expired.
    // The token is spent either way.
    [[nodiscard]] std::optional<console_session> redeem(std::string_view login_token);

    // The session `id` names, its idle period restarted; nullopt when unknown or expired (then forgotten).
    [[nodiscard]] std::optional<console_session> find(std::string_view id);

private:
    void forget_expired(std::chrono::steady_clock::time_point now);

    struct entry {
        console_session session;
        std::chrono::steady_clock::time_point last_seen;
    };

    std::chrono::seconds idle_timeout_;
    std::chrono::seconds login_lifetime_;
    clock_function now_;
    std::mutex mutex_;
    std::map<std::string, std::chrono::steady_clock::time_point, std::less<>> login_tokens_; // token -> issued at
    std::map<std::string, entry, std::less<>> sessions_;
};

} // namespace sample_host
