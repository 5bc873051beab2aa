// Reads the uploaded keystore (Upload Keystore File + Keystore Password) with OpenSSL 3: a PEM bundle
// or a PKCS#12 file, into CA certificates to trust and an optional client certificate with its key,
// ready to load into an SSL_CTX (boost::asio::ssl::context::native_handle()).
#pragma once

#include <connector_support/openssl_handles.hpp>
#include <connector_support/result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sage {

using connector_support::pkey_ptr;
using connector_support::x509_ptr;

enum class keystore_format : std::uint8_t { pem, pkcs12 };

// A keystore read successfully. Owns its certificates and key; the raw pointers it hands out stay
// valid while it lives (SSL_CTX_use_certificate / X509_STORE_add_cert take their own references).
class keystore {
public:
    keystore(keystore_format format, std::vector<x509_ptr> ca_certificates, x509_ptr client_certificate,
             pkey_ptr client_key, std::vector<std::string> notes) noexcept;

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
    pkey_ptr client_key_;
    std::vector<std::string> notes_;
};

// What the caller calls the keystore's two inputs (the form's labels, e.g. "Upload Keystore File" and
// "Keystore Password"): failures name them.
struct keystore_labels {
    std::string file;
    std::string password;
};

inline constexpr std::size_t max_keystore_size = std::size_t{4} * 1024 * 1024;

// Reads `content` (the uploaded bytes; `file_name` only for messages). `password` opens a PKCS#12 file
// or decrypts an encrypted PEM private key. `now` judges certificate validity (for notes only).
// A failure (category config) names the input at fault, the cause and the remedy, and starts with
// that input's label: see blames_password. It never holds a secret or the file's bytes.
// Never throws; leaves OpenSSL's error queue empty.
[[nodiscard]] connector_support::result<keystore> load_keystore(std::span<const std::uint8_t> content,
                                                                std::string_view file_name,
                                                                const std::optional<std::string>& password,
                                                                std::chrono::system_clock::time_point now,
                                                                const keystore_labels& labels) noexcept;

// Whether a failure of load_keystore is about the password (missing or wrong) rather than the file.
[[nodiscard]] bool blames_password(const connector_support::failure& why, const keystore_labels& labels) noexcept;

} // namespace sage
