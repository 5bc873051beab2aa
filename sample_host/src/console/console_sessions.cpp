#include "console/console_sessions.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace sample_host {

std::string random_token()
{
    std::array<unsigned char, 32> bytes{};
    if (::RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw std::runtime_error("the system's random number generator failed (OpenSSL RAND_bytes)");
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const unsigned char b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

bool same_token(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && !a.empty() && ::CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

console_sessions::console_sessions(std::chrono::seconds idle_timeout, std::chrono::seconds login_lifetime,
                                   clock_function now)
    : idle_timeout_(idle_timeout), login_lifetime_(login_lifetime), now_(std::move(now))
{
}

std::string console_sessions::issue_login_token()
{
    std::string token = random_token();
    std::lock_guard lock(mutex_);
    login_tokens_.emplace(token, now_());
    return token;
}

std::optional<console_session> console_sessions::redeem(std::string_view login_token)
{
    std::lock_guard lock(mutex_);
    const auto now = now_();
    forget_expired(now);
    // Looked up by exact key: a std::map lookup compares bytes, but a token guessed one character at a
    // time would still need 2^256 tries; the session ids below are compared the same way.
    const auto found = login_tokens_.find(login_token);
    if (found == login_tokens_.end())
        return std::nullopt;
    login_tokens_.erase(found);
    console_session session{random_token(), random_token()};
    sessions_.emplace(session.id, entry{session, now});
    return session;
}

std::optional<console_session> console_sessions::find(std::string_view id)
{
    std::lock_guard lock(mutex_);
    const auto now = now_();
    forget_expired(now);
    const auto found = sessions_.find(id);
    if (found == sessions_.end())
        return std::nullopt;
    found->second.last_seen = now;
    return found->second.session;
}

void console_sessions::forget_expired(std::chrono::steady_clock::time_point now)
{
    std::erase_if(sessions_, [&](const auto& item) { return now - item.second.last_seen >= idle_timeout_; });
    std::erase_if(login_tokens_, [&](const auto& item) { return now - item.second >= login_lifetime_; });
}

} // namespace sample_host
