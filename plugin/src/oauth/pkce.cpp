#include "oauth/pkce.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace sage {
namespace {

std::string base64url(const unsigned char* bytes, std::size_t size)
{
    std::string out(4 * ((size + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=')
        out.pop_back();
    for (char& c : out)
        c = c == '+' ? '-' : (c == '/' ? '_' : c);
    return out;
}

std::string random_text()
{
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw std::runtime_error("the system's random number generator failed");
    return base64url(bytes.data(), bytes.size());
}

} // namespace

std::string pkce_challenge(std::string_view verifier)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(verifier.data(), verifier.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL could not hash the PKCE verifier");
    return base64url(digest.data(), length);
}

pkce_pair make_pkce_pair()
{
    pkce_pair pair;
    pair.verifier = random_text();
    pair.challenge = pkce_challenge(pair.verifier);
    return pair;
}

std::string make_state()
{
    return random_text();
}

bool same_secret(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace sage
