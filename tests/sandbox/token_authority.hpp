// Sage's OAuth token rules, without HTTP: authorization codes (region-prefixed, single-use, 60 s),
// PKCE S256, exact redirect_uri match, 300 s access tokens, 31-day refresh tokens that ROTATE (each
// refresh supersedes the previous one, which is then refused), and revocation of a token family.
// Every expiry is measured on the sandbox clock. Thread-safe.
#pragma once

#include "sandbox_clock.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sage_sandbox {

struct token_lifetimes {
    std::chrono::seconds access_token{300};
    std::chrono::seconds refresh_token{2678400}; // 31 days
    std::chrono::seconds authorization_code{60};
};

// What the user consented to at the authorize endpoint; a code stands for it.
struct authorization_grant {
    std::string client_id;
    std::string redirect_uri;
    std::string scope;                         // "full_access" or "readonly"
    std::string country = "GB";                // region prefix of the code
    std::optional<std::string> code_challenge; // S256 challenge, when PKCE was used
};

// The fields of Sage's token response.
struct token_set {
    std::string access_token;
    std::string refresh_token;
    std::string scope;
    std::string requested_by_id;
    std::chrono::seconds expires_in{};
    std::chrono::seconds refresh_token_expires_in{};
};

struct grant_outcome {
    std::optional<token_set> tokens; // set on success
    std::string error;               // OAuth error code otherwise: "invalid_grant", "invalid_request"
    std::string description;
};

enum class access_check { valid, unknown, expired, revoked };

enum class token_kind { unknown, authorization_code, access_token, refresh_token };
enum class token_status { unknown, active, expired, used, superseded, revoked };

struct token_inspection {
    token_kind kind = token_kind::unknown;
    token_status status = token_status::unknown;
    std::string client_id;
    std::optional<sandbox_clock::time_point> expires_at;
};

std::string_view to_string(access_check check) noexcept;
std::string_view to_string(token_kind kind) noexcept;
std::string_view to_string(token_status status) noexcept;

class token_authority {
public:
    token_authority(const sandbox_clock& clock, std::string user_id);

    // A new code for `grant` ("GB/<random>"), valid for the code lifetime.
    std::string issue_code(const authorization_grant& grant);

    // grant_type=authorization_code. The code is spent by any attempt of the client it was issued to,
    // successful or not (a failed PKCE or redirect_uri check must not leave it open to guessing).
    grant_outcome redeem_code(std::string_view client_id, std::string_view code, std::string_view redirect_uri,
                              const std::optional<std::string>& code_verifier);

    // grant_type=refresh_token: a new access token AND a new refresh token; the presented one is superseded.
    grant_outcome refresh(std::string_view client_id, std::string_view refresh_token);

    // A token set issued directly, as if the user had consented and the code had been exchanged.
    token_set mint(std::string_view client_id, std::string_view scope);

    // Revokes the family of `token` (a refresh token, current or superseded, of `client_id`): its
    // refresh token and all its access tokens stop working. Access tokens cannot be revoked (Sage).
    // True when a family was revoked.
    bool revoke(std::string_view client_id, std::string_view token);

    [[nodiscard]] access_check check_access(std::string_view access_token) const;
    [[nodiscard]] token_inspection inspect(std::string_view token) const;

    void set_lifetimes(const token_lifetimes& lifetimes);
    [[nodiscard]] token_lifetimes lifetimes() const;

    // When on, presenting a superseded refresh token also revokes its whole family (OAuth 2.1's reuse
    // detection). Off by default: Sage documents only that the old token is refused.
    void set_revoke_family_on_reuse(bool on);
    [[nodiscard]] bool revoke_family_on_reuse() const;

    // Forgets every code and token.
    void forget_all();

private:
    using time_point = sandbox_clock::time_point;
    struct code_record {
        authorization_grant grant;
        time_point expires_at;
        bool used = false;
    };
    struct family_record {
        std::string client_id;
        std::string scope;
        std::string current_refresh_token;
        bool revoked = false;
    };
    struct refresh_record {
        std::uint64_t family = 0;
        time_point expires_at;
        bool superseded = false;
    };
    struct access_record {
        std::uint64_t family = 0;
        time_point expires_at;
    };

    token_set issue_locked(std::uint64_t family);
    std::uint64_t new_family_locked(std::string_view client_id, std::string_view scope);

    const sandbox_clock& clock_;
    const std::string user_id_;
    mutable std::mutex mutex_;
    token_lifetimes lifetimes_;
    bool revoke_family_on_reuse_ = false;
    std::uint64_t next_family_ = 1;
    std::map<std::string, code_record, std::less<>> codes_;
    std::map<std::uint64_t, family_record> families_;
    std::map<std::string, refresh_record, std::less<>> refresh_tokens_;
    std::map<std::string, access_record, std::less<>> access_tokens_;
};

} // namespace sage_sandbox
