#include "test_pki.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace test_pki {
namespace {

template <auto Free>
struct deleter {
    template <typename T>
    void operator()(T* p) const noexcept
    {
        Free(p);
    }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free_all>>;

[[noreturn]] void fail(const char* what)
{
    unsigned long code = ERR_get_error();
    char text[256] = "no OpenSSL error queued";
    if (code != 0)
        ERR_error_string_n(code, text, sizeof text);
    throw std::runtime_error(std::string("test_pki: ") + what + ": " + text);
}

void check(int ok, const char* what)
{
    if (ok != 1)
        fail(what);
}

pkey_ptr new_key()
{
    pkey_ptr key(EVP_EC_gen("P-256"));
    if (!key)
        fail("EVP_EC_gen");
    return key;
}

std::string bio_text(BIO* bio)
{
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string key_pem(EVP_PKEY* key)
{
    bio_ptr bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "PEM_write_bio_PrivateKey");
    return bio_text(bio.get());
}

std::string cert_pem(X509* cert)
{
    bio_ptr bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_X509(bio.get(), cert), "PEM_write_bio_X509");
    return bio_text(bio.get());
}

pkey_ptr read_key(const std::string& pem)
{
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    pkey_ptr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key)
        fail("PEM_read_bio_PrivateKey");
    return key;
}

x509_ptr read_cert(const std::string& pem)
{
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    x509_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert)
        fail("PEM_read_bio_X509");
    return cert;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr)
        fail("X509V3_EXT_conf_nid");
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(ok, "X509_add_ext");
}

x509_ptr new_certificate(EVP_PKEY* key, const std::string& common_name, std::chrono::seconds not_before,
                         std::chrono::seconds not_after)
{
    x509_ptr cert(X509_new());
    if (!cert)
        fail("X509_new");
    check(X509_set_version(cert.get(), 2), "X509_set_version");
    unsigned char serial[16];
    check(RAND_bytes(serial, sizeof serial), "RAND_bytes");
    serial[0] &= 0x7f; // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    ASN1_INTEGER* asn = BN_to_ASN1_INTEGER(bn, nullptr);
    BN_free(bn);
    const int ok = X509_set_serialNumber(cert.get(), asn);
    ASN1_INTEGER_free(asn);
    check(ok, "X509_set_serialNumber");
    if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(not_before.count())) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(not_after.count())) == nullptr)
        fail("X509_gmtime_adj");
    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>("Connector test PKI"), -1, -1, 0),
          "X509_NAME_add_entry_by_txt O");
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0),
          "X509_NAME_add_entry_by_txt CN");
    check(X509_set_pubkey(cert.get(), key), "X509_set_pubkey");
    return cert;
}

} // namespace

identity make_ca(const std::string& common_name, std::chrono::seconds not_before, std::chrono::seconds not_after)
{
    pkey_ptr key = new_key();
    x509_ptr cert = new_certificate(key.get(), common_name, not_before, not_after);
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())), "X509_set_issuer_name");
    add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
        fail("X509_sign");
    return {key_pem(key.get()), cert_pem(cert.get())};
}

identity make_certificate(const identity& issuer, const certificate_options& options)
{
    pkey_ptr issuer_key = read_key(issuer.key_pem);
    x509_ptr issuer_cert = read_cert(issuer.cert_pem);
    pkey_ptr key = new_key();
    x509_ptr cert = new_certificate(key.get(), options.common_name, options.not_before, options.not_after);
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert.get())), "X509_set_issuer_name");
    add_extension(cert.get(), issuer_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), issuer_cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_extension(cert.get(), issuer_cert.get(), NID_ext_key_usage, options.server ? "serverAuth" : "clientAuth");
    add_extension(cert.get(), issuer_cert.get(), NID_authority_key_identifier, "keyid:always");
    std::string alt_names;
    for (const auto& dns : options.dns_names)
        alt_names += (alt_names.empty() ? "" : ",") + std::string("DNS:") + dns;
    for (const auto& ip : options.ip_addresses)
        alt_names += (alt_names.empty() ? "" : ",") + std::string("IP:") + ip;
    if (!alt_names.empty())
        add_extension(cert.get(), issuer_cert.get(), NID_subject_alt_name, alt_names);
    if (X509_sign(cert.get(), issuer_key.get(), EVP_sha256()) == 0)
        fail("X509_sign");
    return {key_pem(key.get()), cert_pem(cert.get())};
}

std::string make_pkcs12(const identity* leaf, const std::vector<std::string>& ca_pems, const std::string& password)
{
    pkey_ptr key;
    x509_ptr cert;
    if (leaf != nullptr) {
        key = read_key(leaf->key_pem);
        cert = read_cert(leaf->cert_pem);
    }
    STACK_OF(X509)* cas = sk_X509_new_null();
    for (const auto& pem : ca_pems)
        sk_X509_push(cas, read_cert(pem).release());
    // nid 0 / iter 0 / mac_iter 0: OpenSSL 3's defaults (AES-256-CBC, PBKDF2, SHA-256 MAC).
    PKCS12* p12 = PKCS12_create(password.c_str(), "connector test", key.get(), cert.get(), cas, 0, 0, 0, 0, 0);
    sk_X509_pop_free(cas, X509_free);
    if (p12 == nullptr)
        fail("PKCS12_create");
    bio_ptr bio(BIO_new(BIO_s_mem()));
    const int ok = i2d_PKCS12_bio(bio.get(), p12);
    PKCS12_free(p12);
    check(ok, "i2d_PKCS12_bio");
    return bio_text(bio.get());
}

} // namespace test_pki
