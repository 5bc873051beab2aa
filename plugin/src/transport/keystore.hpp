// Reads the uploaded keystore (Upload Keystore File + Keystore Password) with OpenSSL 3: a PEM bundle
// or a PKCS#12 file, into CA certificates to trust and an optional client certificate with its key,
// ready to load into an SSL_CTX (boost::asio::ssl::context::native_handle()).
#pragma once

#include <openssl/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sage {

struct x509_deleter {
    void operator()(X509* certificate) const noexcept;
};
struct evp_pkey_deleter {
    void operator()(EVP_PKEY* key) const noexcept;
};
using x509_ptr = std::unique_ptr<X509, x509_deleter>;
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_deleter>;

enum class keystore_format : std::uint8_t { pem, pkcs12 };

// A keystore read successfully. Owns its certificates and key; the raw pointers it hands out stay
// valid while it lives (SSL_CTX_use_certificate / X509_STORE_add_cert take their own references).
class keystore {
public:
    keystore(keystore_format format, std::vector<x509_ptr> ca_certificates, x509_ptr client_certificate,
             evp_pkey_ptr client_key, std::vector<std::string> notes) noexcept;

    [[nodiscard]] keystore_format format() const noexcept { return format_; }

    // Certificates to trust in addition to the system's (for a bundle with a client identity, also
    // the client's chain: certificates other than the client certificate itself).
    [[nodiscard]] const std::vector<x509_ptr>& ca_certificates() const noexcept { return ca_certificates_; }

    // The client certificate and its private key (which match), or both nullptr.
    [[nodiscard]] bool has_client_identity() const noexcept { return client_certificate_ != nullptr; }
    [[nodiscard]] X509* client_certificate() const noexcept { return client_certificate_.get(); }
    [[nodiscard]] EVP_PKEY* client_key() const noexcept { return client_key_.get(); }

    // Things a user may want to know that do not stop the keystore from being used, e.g. an expired
    // client certificate. Never contain secret values.
    [[nodiscard]] const std::vector<std::string>& notes() const noexcept { return notes_; }

private:
    keystore_format format_;
    std::vector<x509_ptr> ca_certificates_;
    x509_ptr client_certificate_;
    evp_pkey_ptr client_key_;
    std::vector<std::string> notes_;
};

enum class keystore_problem : std::uint8_t {
    empty,                 // no bytes
    too_large,             // more than max_keystore_size
    unrecognised_format,   // neither PEM nor PKCS#12
    malformed,             // PEM armour or PKCS#12 structure broken
    no_certificate,        // PEM without a single certificate
    password_required,     // protected, and no Keystore Password given
    wrong_password,        // the Keystore Password does not open it
    unsupported_algorithm, // protected with an algorithm OpenSSL 3 disables by default (RC2, DES)
    several_keys,          // more than one private key in a PEM bundle
    key_mismatch,          // the private key belongs to none of the certificates
};

struct keystore_error {
    keystore_problem problem = keystore_problem::malformed;
    std::string key;     // the property to attach the error to: KeystoreFile or KeystorePassword
    std::string message; // names the field, the cause and the remedy; never a secret or file bytes
};

struct keystore_load_result {
    std::optional<keystore> value;
    std::optional<keystore_error> error; // set exactly when value is empty

    [[nodiscard]] bool ok() const noexcept { return value.has_value(); }
};

inline constexpr std::size_t max_keystore_size = 4u * 1024u * 1024u;

// Reads `content` (the uploaded bytes; `file_name` only for messages). `password` opens a PKCS#12 file
// or decrypts an encrypted PEM private key. `now` judges certificate validity (for notes only).
// Never throws; leaves OpenSSL's error queue empty.
[[nodiscard]] keystore_load_result load_keystore(std::span<const std::uint8_t> content, std::string_view file_name,
                                                 const std::optional<std::string>& password,
                                                 std::chrono::system_clock::time_point now) noexcept;

} // namespace sage
