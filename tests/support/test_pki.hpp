// A throw-away public-key infrastructure made at run time (OpenSSL EVP/X509): certificate
// authorities, server and client certificates, PKCS#12 bundles. Nothing is ever written to the
// source tree; tests and the Sage sandbox create what they need when they start.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace test_pki {

struct identity {
    std::string key_pem;  // PKCS#8 private key (EC P-256), unencrypted
    std::string cert_pem; // X.509 certificate
};

struct certificate_options {
    std::string common_name;
    std::vector<std::string> dns_names;                       // subjectAltName DNS entries
    std::vector<std::string> ip_addresses;                    // subjectAltName IP entries ("127.0.0.1", "::1")
    std::chrono::seconds not_before = std::chrono::hours(-1); // relative to now
    std::chrono::seconds not_after = std::chrono::hours(24 * 30);
    bool server = true; // extendedKeyUsage serverAuth, else clientAuth
};

// A self-signed certificate authority.
identity make_ca(const std::string& common_name, std::chrono::seconds not_before = std::chrono::hours(-1),
                 std::chrono::seconds not_after = std::chrono::hours(24 * 365));

// A leaf certificate signed by `issuer`.
identity make_certificate(const identity& issuer, const certificate_options& options);

// A PKCS#12 bundle (DER bytes) holding `leaf` (key + certificate, may be empty) and `ca_pems`,
// protected by `password` with AES-256 and PBKDF2 (OpenSSL 3 defaults).
std::string make_pkcs12(const identity* leaf, const std::vector<std::string>& ca_pems, const std::string& password);

} // namespace test_pki
