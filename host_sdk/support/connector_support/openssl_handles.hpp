// RAII owners for every OpenSSL object this repository's code holds (host SDK, connector, sample
// host): one deleter per type, defined here once, and a PEM key reader.
#pragma once

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string_view>

namespace connector_support {

// openssl_ptr<T>: a unique_ptr that frees T with its OpenSSL free function.
template <auto Free>
struct openssl_free {
    template <typename T>
    void operator()(T* p) const noexcept
    {
        Free(p);
    }
};

using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_free<&EVP_PKEY_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_free<&BIO_free_all>>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, openssl_free<&EVP_MD_CTX_free>>;
using cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, openssl_free<&EVP_CIPHER_CTX_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_free<&X509_free>>;
using pkcs12_ptr = std::unique_ptr<PKCS12, openssl_free<&PKCS12_free>>;
using ssl_ctx_ptr = std::unique_ptr<SSL_CTX, openssl_free<&SSL_CTX_free>>;
using ssl_session_ptr = std::unique_ptr<SSL_SESSION, openssl_free<&SSL_SESSION_free>>;

// Memory OpenSSL allocated for the caller (e.g. PEM_read_bio's name, header and data), freed with
// OPENSSL_free (a macro, so it cannot be an openssl_free argument).
struct openssl_memory_free {
    void operator()(void* memory) const noexcept { OPENSSL_free(memory); }
};
template <typename T>
using openssl_memory_ptr = std::unique_ptr<T, openssl_memory_free>;

// A stack of certificates, freed with its certificates.
struct x509_stack_free {
    void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_pop_free(stack, X509_free); }
};
using x509_stack_ptr = std::unique_ptr<STACK_OF(X509), x509_stack_free>;

// The parts of a PKCS#12 file (its authenticated safes and their bags) and of an encrypted key, and
// the password-based encryption parameters read from them.
struct pkcs7_stack_free {
    void operator()(STACK_OF(PKCS7) * stack) const noexcept { sk_PKCS7_pop_free(stack, PKCS7_free); }
};
using pkcs7_stack_ptr = std::unique_ptr<STACK_OF(PKCS7), pkcs7_stack_free>;
struct safebag_stack_free {
    void operator()(STACK_OF(PKCS12_SAFEBAG) * stack) const noexcept
    {
        sk_PKCS12_SAFEBAG_pop_free(stack, PKCS12_SAFEBAG_free);
    }
};
using safebag_stack_ptr = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), safebag_stack_free>;
using x509_sig_ptr = std::unique_ptr<X509_SIG, openssl_free<&X509_SIG_free>>;
using pbe_param_ptr = std::unique_ptr<PBEPARAM, openssl_free<&PBEPARAM_free>>;
using pbes2_param_ptr = std::unique_ptr<PBE2PARAM, openssl_free<&PBE2PARAM_free>>;
using pbkdf2_param_ptr = std::unique_ptr<PBKDF2PARAM, openssl_free<&PBKDF2PARAM_free>>;
using scrypt_param_ptr = std::unique_ptr<SCRYPT_PARAMS, openssl_free<&SCRYPT_PARAMS_free>>;

// A read-only memory BIO over `bytes` (which must outlive it).
inline bio_ptr memory_bio(std::string_view bytes)
{
    return bio_ptr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// A private key, or failing that a public key, from PEM text; null when neither parses.
inline pkey_ptr read_pem_key(std::string_view pem)
{
    bio_ptr bio = memory_bio(pem);
    pkey_ptr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) {
        ERR_clear_error();
        bio = memory_bio(pem);
        key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    }
    ERR_clear_error();
    return key;
}

} // namespace connector_support
