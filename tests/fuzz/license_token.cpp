// Fuzz target: connector_sdk::evaluate_license, the connector's check of a marketplace licence token
// (the host hands it over; a tenant may have pasted it). The first byte chooses the input's role:
//   even: the whole token, as received;
//   odd:  the payload (claims JSON) of a token this target signs with its fixed fuzzing key, so the
//         claims reader is reached past the signature check.
// The fuzzing key is derived from a fixed seed below and trusted by nothing but this target.
#include "base64url.hpp"

#include <connector_sdk/license.hpp>

#include <openssl/evp.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace {

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

// Bytes 1..32: a key for fuzzing only, trusted by nothing else.
constexpr std::array<unsigned char, 32> fuzz_seed = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                                     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

struct fuzz_key {
    pkey_ptr key{EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, fuzz_seed.data(), fuzz_seed.size()),
                 &EVP_PKEY_free};
    std::array<std::uint8_t, 32> public_key{};
    std::string key_id;

    fuzz_key()
    {
        std::size_t length = public_key.size();
        if (!key || EVP_PKEY_get_raw_public_key(key.get(), public_key.data(), &length) != 1)
            std::abort();
        key_id = connector_sdk::license_key_id(public_key); // "mk-e3f6...": seeds use it as their kid
    }

    [[nodiscard]] std::string sign(std::string_view payload) const
    {
        namespace b64 = connector_sdk::host_detail;
        const std::string header = R"({"alg":"EdDSA","typ":"CSL1","kid":")" + key_id + "\"}";
        const std::string signed_part = b64::base64url_encode(header) + "." + b64::base64url_encode(payload);
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
        std::string signature(64, '\0');
        std::size_t length = signature.size();
        if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
            EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                           reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) != 1)
            std::abort();
        return signed_part + "." + b64::base64url_encode(signature);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const fuzz_key key;
    if (size == 0)
        return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string token = data[0] % 2 == 0 ? std::string(input) : key.sign(input);
    const connector_sdk::trusted_license_key trusted[] = {{key.key_id, key.public_key}};
    connector_sdk::license_check check;
    check.token = token;
    check.connector_id = "sage-cloud-accounting";
    check.connector_display = "Sage Cloud Accounting";
    check.tenant_id = "tenant-1";
    check.now = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000)); // 2026-11-18
    if (data[0] & 2)
        check.last_seen = std::chrono::sys_seconds(std::chrono::seconds(1'795'100'000));
    const connector_sdk::license_evaluation evaluation = connector_sdk::evaluate_license(check, trusted);
    (void)evaluation;
    return 0;
}
