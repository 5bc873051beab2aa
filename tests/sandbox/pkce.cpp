#include "pkce.hpp"

#include "random_ids.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <stdexcept>

namespace sage_sandbox::pkce {

std::string s256_challenge(std::string_view verifier)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(verifier.data(), verifier.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("EVP_Digest(SHA-256) failed");
    return base64url(std::string_view(reinterpret_cast<const char*>(digest), length));
}

bool well_formed(std::string_view text)
{
    if (text.size() < 43 || text.size() > 128)
        return false;
    for (const char c : text) {
        const bool ok =
            std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
        if (!ok)
            return false;
    }
    return true;
}

bool verify_s256(std::string_view verifier, std::string_view challenge)
{
    return well_formed(verifier) && s256_challenge(verifier) == challenge;
}

} // namespace sage_sandbox::pkce
