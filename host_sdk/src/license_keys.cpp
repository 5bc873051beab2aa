// Ed25519 keys for marketplace licences, through OpenSSL's EVP API.
#include <connector_support/openssl_handles.hpp>

#include <connector_sdk/license.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>

CONNECTOR_SDK_BEGIN_NAMESPACE

std::string generate_license_signing_key()
{
    connector_support::pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!key)
        throw std::runtime_error("OpenSSL could not generate an Ed25519 key");
    connector_support::bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("OpenSSL could not write the Ed25519 key");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::array<std::uint8_t, 32> license_public_key(std::string_view pem)
{
    connector_support::pkey_ptr key = connector_support::read_pem_key(pem);
    if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
        throw std::runtime_error("not an Ed25519 key in PEM form");
    std::array<std::uint8_t, 32> raw{};
    std::size_t length = raw.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), raw.data(), &length) != 1 || length != raw.size())
        throw std::runtime_error("OpenSSL could not read the Ed25519 public key");
    return raw;
}

std::string license_key_id(const std::array<std::uint8_t, 32>& public_key)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(public_key.data(), public_key.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL could not hash the public key");
    static constexpr char hex[] = "0123456789abcdef";
    std::string id = "mk-";
    for (unsigned int i = 0; i < 8; ++i) {
        id += hex[digest[i] >> 4];
        id += hex[digest[i] & 15];
    }
    return id;
}

CONNECTOR_SDK_END_NAMESPACE
