// PKCE (RFC 7636) as Sage supports it: only the S256 method.
#pragma once

#include <string>
#include <string_view>

namespace sage_sandbox::pkce {

// BASE64URL(SHA256(verifier)), unpadded: the challenge a client sends for `verifier`.
std::string s256_challenge(std::string_view verifier);

// RFC 7636 §4.1/§4.2: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].
bool well_formed(std::string_view verifier_or_challenge);

// True when `verifier` is well formed and its S256 challenge equals `challenge`.
bool verify_s256(std::string_view verifier, std::string_view challenge);

} // namespace sage_sandbox::pkce
