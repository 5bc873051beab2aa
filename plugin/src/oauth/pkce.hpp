// The secrets of one authorization request (RFC 7636 PKCE with S256, and the CSRF `state`), made from
// OpenSSL's CSPRNG, and how a `state` that came back is compared with the one sent.
#pragma once

#include <string>
#include <string_view>

namespace sage {

struct pkce_pair {
    std::string verifier;  // 43 characters of base64url (256 random bits); sent with the code
    std::string challenge; // base64url(SHA-256(verifier)); sent with the authorize request
};

[[nodiscard]] pkce_pair make_pkce_pair();

// A fresh `state`: 256 random bits as base64url (43 characters).
[[nodiscard]] std::string make_state();

// Whether a `state` that came back is the one sent, in time that does not depend on where they differ.
[[nodiscard]] bool same_secret(std::string_view a, std::string_view b) noexcept;

// base64url(SHA-256(verifier)): what the authorization server compares.
[[nodiscard]] std::string pkce_challenge(std::string_view verifier);

} // namespace sage
