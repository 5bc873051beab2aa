#define BOOST_TEST_MODULE keystore
#include <boost/test/unit_test.hpp>

#include "transport/keystore.hpp"

#include <connector_support/openssl_handles.hpp>

#include <openssl/pkcs12.h>
#include <test_pki.hpp>

#include <chrono>
#include <memory>
#include <span>
#include <string>

namespace {

using namespace std::chrono_literals;

test_pki::certificate_options client_options(std::string common_name, std::chrono::seconds not_before = -1h,
                                             std::chrono::seconds not_after = 24h * 30)
{
    test_pki::certificate_options options;
    options.common_name = std::move(common_name);
    options.not_before = not_before;
    options.not_after = not_after;
    options.server = false;
    return options;
}

// One throw-away PKI for the whole suite: generating keys is the slow part.
struct pki {
    test_pki::identity ca = test_pki::make_ca("Keystore Test CA");
    test_pki::identity other_ca = test_pki::make_ca("Other Test CA");
    test_pki::identity client = test_pki::make_certificate(ca, client_options("connector client"));
    test_pki::identity other_client = test_pki::make_certificate(ca, client_options("someone else"));
    test_pki::identity expired_client = test_pki::make_certificate(ca, client_options("expired client", -48h, -24h));
};

const pki& the_pki()
{
    static const pki instance;
    return instance;
}

std::span<const std::uint8_t> bytes(const std::string& text)
{
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// The labels the connector's form gives the keystore's two fields.
const sage::keystore_labels labels{"Upload Keystore File", "Keystore Password"};

connector_support::result<sage::keystore>
load(const std::string& content, std::optional<std::string> password = std::nullopt, std::string_view name = "keystore")
{
    return sage::load_keystore(bytes(content), name, password, std::chrono::system_clock::now(), labels);
}

// The private key of `pem` re-encoded, encrypted with `password`: PKCS#8 ("ENCRYPTED PRIVATE KEY")
// or the traditional OpenSSL form ("Proc-Type: 4,ENCRYPTED").
std::string encrypted_key_pem(const std::string& key_pem, const std::string& password, bool traditional)
{
    const connector_support::pkey_ptr key = connector_support::read_pem_key(key_pem);
    BOOST_REQUIRE(key != nullptr);
    const connector_support::bio_ptr out(BIO_new(BIO_s_mem()));
    auto* pass = reinterpret_cast<const unsigned char*>(password.data());
    const int ok = traditional
                       ? PEM_write_bio_PrivateKey_traditional(out.get(), key.get(), EVP_aes_256_cbc(), pass,
                                                              static_cast<int>(password.size()), nullptr, nullptr)
                       : PEM_write_bio_PKCS8PrivateKey(out.get(), key.get(), EVP_aes_256_cbc(), password.data(),
                                                       static_cast<int>(password.size()), nullptr, nullptr);
    BOOST_REQUIRE(ok == 1);
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

// Which field a failure is attached to.
enum class field { file, password };

field blamed(const connector_support::failure& why)
{
    return sage::blames_password(why, labels) ? field::password : field::file;
}

bool error_is(const connector_support::result<sage::keystore>& r, field at_fault, std::string_view fragment)
{
    if (r)
        return false;
    return r.error().category == connector_sdk::error_category::config && blamed(r.error()) == at_fault &&
           r.error().message.find(fragment) != std::string::npos;
}

std::string describe(const connector_support::result<sage::keystore>& r)
{
    if (r)
        return "loaded";
    return std::string(blamed(r.error()) == field::password ? "password: " : "file: ") + r.error().message;
}

struct openssl_queue_is_left_empty {
    ~openssl_queue_is_left_empty() { BOOST_TEST(ERR_peek_error() == 0ul); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(pem)

BOOST_AUTO_TEST_CASE(ca_certificates_only)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    const auto r = load(p.ca.cert_pem + p.other_ca.cert_pem, std::nullopt, "cas.pem");
    BOOST_REQUIRE_MESSAGE(r.has_value(), describe(r));
    BOOST_TEST((r->format() == sage::keystore_format::pem));
    BOOST_TEST(r->ca_certificates().size() == 2u);
    BOOST_TEST(!r->has_client_identity());
    BOOST_TEST(r->client_certificate() == nullptr);
    BOOST_TEST(r->client_key() == nullptr);
    BOOST_TEST(r->notes().empty());
}

BOOST_AUTO_TEST_CASE(client_identity_with_its_ca_in_any_order)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    // Text around the blocks (as "openssl pkcs12 -nodes" writes it) is ignored.
    const auto r = load("Bag Attributes: none\n" + p.ca.cert_pem + p.client.key_pem + p.client.cert_pem);
    BOOST_REQUIRE_MESSAGE(r.has_value(), describe(r));
    BOOST_TEST(r->has_client_identity());
    BOOST_TEST(r->ca_certificates().size() == 1u);
    BOOST_TEST(X509_check_private_key(r->client_certificate(), r->client_key()) == 1);
    // The CA left for trust is the CA, not the client certificate.
    BOOST_TEST(X509_NAME_cmp(X509_get_subject_name(r->ca_certificates()[0].get()),
                             X509_get_issuer_name(r->client_certificate())) == 0);
}

BOOST_AUTO_TEST_CASE(the_accessors_load_into_an_ssl_context)
{
    const auto& p = the_pki();
    const auto r = load(p.client.cert_pem + p.client.key_pem + p.ca.cert_pem);
    BOOST_REQUIRE_MESSAGE(r.has_value(), describe(r));
    const connector_support::ssl_ctx_ptr ctx(SSL_CTX_new(TLS_client_method()));
    BOOST_REQUIRE(ctx != nullptr);
    BOOST_TEST(SSL_CTX_use_certificate(ctx.get(), r->client_certificate()) == 1);
    BOOST_TEST(SSL_CTX_use_PrivateKey(ctx.get(), r->client_key()) == 1);
    BOOST_TEST(SSL_CTX_check_private_key(ctx.get()) == 1);
    for (const auto& ca : r->ca_certificates())
        BOOST_TEST(X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), ca.get()) == 1);
}

BOOST_AUTO_TEST_CASE(encrypted_private_keys_open_with_the_right_password)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    for (bool traditional : {false, true}) {
        BOOST_TEST_CONTEXT((traditional ? "traditional" : "PKCS#8"))
        {
            const std::string bundle =
                p.client.cert_pem + encrypted_key_pem(p.client.key_pem, "open sesame", traditional);
            const auto right = load(bundle, "open sesame");
            BOOST_REQUIRE_MESSAGE(right.has_value(), describe(right));
            BOOST_TEST(right->has_client_identity());

            const auto wrong = load(bundle, "not it");
            BOOST_TEST(error_is(wrong, field::password, "Keystore Password is wrong"), describe(wrong));
            BOOST_TEST(describe(wrong).find("not it") == std::string::npos);

            const auto none = load(bundle, std::nullopt, "client.pem");
            BOOST_TEST(
                error_is(none, field::password,
                         "Upload Keystore File ('client.pem') is an encrypted private key protected by a password"),
                describe(none));
        }
    }
}

// An encrypted PKCS#8 key asking for 8,388,607 PBKDF2 iterations is refused before the password is
// tried (it used to take seconds on every validation).
BOOST_AUTO_TEST_CASE(an_encrypted_key_with_an_absurd_iteration_count_is_refused_at_once)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    const connector_support::pkey_ptr key = connector_support::read_pem_key(p.client.key_pem);
    BOOST_TEST_REQUIRE(key != nullptr);
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> info(EVP_PKEY2PKCS8(key.get()),
                                                                                   &PKCS8_PRIV_KEY_INFO_free);
    BOOST_TEST_REQUIRE(info != nullptr);
    // 65,536 iterations, then raised to 8,388,607 in the DER (same length), as a hostile file would.
    connector_support::x509_sig_ptr sealed(
        PKCS8_encrypt(-1, EVP_aes_256_cbc(), "pw", 2, nullptr, 0, 65'536, info.get()));
    BOOST_TEST_REQUIRE(sealed != nullptr);
    unsigned char* der = nullptr;
    const int length = i2d_X509_SIG(sealed.get(), &der);
    BOOST_TEST_REQUIRE(length > 0);
    std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    const std::string count("\x02\x03\x01\x00\x00", 5);
    const auto at = bytes.find(count);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    bytes.replace(at, count.size(), std::string("\x02\x03\x7f\xff\xff", 5));
    const connector_support::bio_ptr out(BIO_new(BIO_s_mem()));
    BOOST_TEST_REQUIRE(PEM_write_bio(out.get(), "ENCRYPTED PRIVATE KEY", "",
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<long>(bytes.size())) > 0);
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    const std::string bundle = p.client.cert_pem + std::string(data, static_cast<std::size_t>(size));

    const auto started = std::chrono::steady_clock::now();
    const auto r = load(bundle, "pw", "client.pem");
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    BOOST_TEST(error_is(r, field::file,
                        "Upload Keystore File ('client.pem') has an encrypted private key (block 2) asking for more "
                        "key-derivation iterations"),
               describe(r));
    BOOST_TEST(took.count() < 500);
}

BOOST_AUTO_TEST_CASE(a_pem_without_certificates_is_refused)
{
    openssl_queue_is_left_empty check;
    const auto r = load(the_pki().client.key_pem, std::nullopt, "key.pem");
    BOOST_TEST(error_is(r, field::file, "Upload Keystore File ('key.pem') is a PEM file without any certificate"),
               describe(r));
}

BOOST_AUTO_TEST_CASE(a_key_that_matches_no_certificate_is_refused)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    const auto r = load(p.client.cert_pem + p.other_client.key_pem + p.ca.cert_pem);
    BOOST_TEST(error_is(r, field::file, "belongs to none of its certificates"), describe(r));
}

BOOST_AUTO_TEST_CASE(two_private_keys_are_refused)
{
    const auto& p = the_pki();
    const auto r = load(p.client.cert_pem + p.client.key_pem + p.other_client.key_pem);
    BOOST_TEST(error_is(r, field::file, "more than one private key"), describe(r));
}

BOOST_AUTO_TEST_CASE(damaged_armour_is_refused)
{
    openssl_queue_is_left_empty check;
    const auto r = load("-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n");
    BOOST_TEST(error_is(r, field::file, "block 1"), describe(r));
}

BOOST_AUTO_TEST_CASE(an_expired_client_certificate_is_loaded_with_a_note)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    const auto r = load(p.expired_client.cert_pem + p.expired_client.key_pem);
    BOOST_REQUIRE_MESSAGE(r.has_value(), describe(r));
    BOOST_TEST(r->has_client_identity());
    BOOST_REQUIRE(r->notes().size() == 1u);
    BOOST_TEST(r->notes()[0].find("expired on") != std::string::npos, r->notes()[0]);
    BOOST_TEST(r->notes()[0].find("CN=expired client") != std::string::npos, r->notes()[0]);
}

BOOST_AUTO_TEST_CASE(validity_is_judged_by_the_clock_given)
{
    const auto& p = the_pki();
    const auto r = sage::load_keystore(bytes(p.client.cert_pem + p.client.key_pem), "c.pem", std::nullopt,
                                       std::chrono::system_clock::now() + std::chrono::hours(24 * 365), labels);
    BOOST_REQUIRE_MESSAGE(r.has_value(), describe(r));
    BOOST_REQUIRE(r->notes().size() == 1u);
    BOOST_TEST(r->notes()[0].find("expired") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_blocks_are_ignored_with_a_note)
{
    const auto& p = the_pki();
    const auto r = load(p.ca.cert_pem + "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
    BOOST_REQUIRE_MESSAGE(r.has_value(), describe(r));
    BOOST_REQUIRE(r->notes().size() == 1u);
    BOOST_TEST(r->notes()[0].find("X509 CRL") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pkcs12)

BOOST_AUTO_TEST_CASE(right_password)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    const std::string p12 = test_pki::make_pkcs12(&p.client, {p.ca.cert_pem}, "correct horse");
    const auto r = load(p12, "correct horse", "client.p12");
    BOOST_REQUIRE_MESSAGE(r.has_value(), describe(r));
    BOOST_TEST((r->format() == sage::keystore_format::pkcs12));
    BOOST_TEST(r->has_client_identity());
    BOOST_TEST(r->ca_certificates().size() == 1u);
    BOOST_TEST(X509_check_private_key(r->client_certificate(), r->client_key()) == 1);
}

BOOST_AUTO_TEST_CASE(wrong_password_is_attached_to_the_password_field)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    const std::string p12 = test_pki::make_pkcs12(&p.client, {p.ca.cert_pem}, "correct horse");
    const auto r = load(p12, "battery staple", "client.p12");
    BOOST_TEST(error_is(r, field::password,
                        "Keystore Password is wrong: it does not open Upload Keystore File ('client.p12')"),
               describe(r));
    BOOST_TEST(describe(r).find("battery") == std::string::npos);
    const auto empty = load(p12, std::string(), "client.p12");
    BOOST_TEST(error_is(empty, field::password, "is wrong"), describe(empty));
}

BOOST_AUTO_TEST_CASE(a_missing_password_is_asked_for)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    const auto r = load(test_pki::make_pkcs12(&p.client, {}, "secret"), std::nullopt, "client.pfx");
    BOOST_TEST(error_is(r, field::password,
                        "is a PKCS#12 file protected by a password; enter that password in Keystore Password"),
               describe(r));
}

BOOST_AUTO_TEST_CASE(a_file_exported_with_an_empty_password_opens_without_one)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    const std::string p12 = test_pki::make_pkcs12(&p.client, {p.ca.cert_pem}, "");
    for (const auto& password : {std::optional<std::string>{}, std::optional<std::string>{""}}) {
        const auto r = load(p12, password);
        BOOST_REQUIRE_MESSAGE(r.has_value(), describe(r));
        BOOST_TEST(r->has_client_identity());
    }
}

BOOST_AUTO_TEST_CASE(certificates_without_a_key_are_trusted)
{
    const auto& p = the_pki();
    const auto r = load(test_pki::make_pkcs12(nullptr, {p.ca.cert_pem, p.other_ca.cert_pem}, "pw"), "pw");
    BOOST_REQUIRE_MESSAGE(r.has_value(), describe(r));
    BOOST_TEST(!r->has_client_identity());
    BOOST_TEST(r->ca_certificates().size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_expired_client_certificate_is_noted)
{
    const auto& p = the_pki();
    const auto r = load(test_pki::make_pkcs12(&p.expired_client, {}, "pw"), "pw");
    BOOST_REQUIRE_MESSAGE(r.has_value(), describe(r));
    BOOST_REQUIRE(r->notes().size() == 1u);
    BOOST_TEST(r->notes()[0].find("expired") != std::string::npos);
}

// A 1 KB PKCS#12 whose MAC asks for 20,000,000 key-derivation iterations made validate take 12.6 s:
// such a file is refused before any derivation, quickly and with a clear message.
BOOST_AUTO_TEST_CASE(an_absurd_iteration_count_is_refused_at_once)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    const std::string normal = test_pki::make_pkcs12(&p.client, {}, "pw");
    const auto* bytes = reinterpret_cast<const unsigned char*>(normal.data());
    connector_support::pkcs12_ptr p12(d2i_PKCS12(nullptr, &bytes, static_cast<long>(normal.size())));
    BOOST_TEST_REQUIRE(p12 != nullptr);
    const ASN1_INTEGER* iterations = nullptr;
    PKCS12_get0_mac(nullptr, nullptr, nullptr, &iterations, p12.get());
    BOOST_TEST_REQUIRE(iterations != nullptr);
    BOOST_TEST_REQUIRE(ASN1_INTEGER_set(const_cast<ASN1_INTEGER*>(iterations), 20'000'000) == 1);
    unsigned char* der = nullptr;
    const int length = i2d_PKCS12(p12.get(), &der);
    BOOST_TEST_REQUIRE(length > 0);
    const std::string hostile(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);

    const auto started = std::chrono::steady_clock::now();
    const auto r = load(hostile, "pw", "client.p12");
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(describe(r).find("20000000") != std::string::npos, describe(r));
    BOOST_TEST(describe(r).find("export it again") != std::string::npos, describe(r));
    BOOST_TEST(took.count() < 500);
}

// A PKCS#12 file of the client identity whose certificate bag and shrouded key bag are encrypted with
// 65,536 PBKDF2 iterations each (as `openssl pkcs12 -export -iter 65536` makes), with the `which`-th
// of those two counts (0: the certificate bag, 1: the key bag) raised to 8,388,607 and the MAC made
// again over the result, as a hostile exporter would.
std::string pkcs12_with_a_huge_inner_iteration_count(int which)
{
    const auto& p = the_pki();
    const connector_support::pkey_ptr key = connector_support::read_pem_key(p.client.key_pem);
    const connector_support::bio_ptr cert_bio = connector_support::memory_bio(p.client.cert_pem);
    const connector_support::x509_ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    BOOST_TEST_REQUIRE((key && cert));
    connector_support::pkcs12_ptr made(
        PKCS12_create("pw", "hostile", key.get(), cert.get(), nullptr, 0, 0, 65'536, 0, 0));
    BOOST_TEST_REQUIRE(made != nullptr);
    unsigned char* der = nullptr;
    const int length = i2d_PKCS12(made.get(), &der);
    BOOST_TEST_REQUIRE(length > 0);
    std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);

    // INTEGER 65536 is 02 03 01 00 00; 02 03 7f ff ff is 8,388,607, of the same length.
    const std::string count("\x02\x03\x01\x00\x00", 5);
    std::size_t at = bytes.find(count);
    for (int i = 0; i < which && at != std::string::npos; ++i)
        at = bytes.find(count, at + 1);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    bytes.replace(at, count.size(), std::string("\x02\x03\x7f\xff\xff", 5));

    const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
    connector_support::pkcs12_ptr hostile(d2i_PKCS12(nullptr, &in, static_cast<long>(bytes.size())));
    BOOST_TEST_REQUIRE(hostile != nullptr);
    BOOST_TEST_REQUIRE(PKCS12_set_mac(hostile.get(), "pw", -1, nullptr, 0, 2048, nullptr) == 1);
    der = nullptr;
    const int hostile_length = i2d_PKCS12(hostile.get(), &der);
    BOOST_TEST_REQUIRE(hostile_length > 0);
    std::string result(reinterpret_cast<const char*>(der), static_cast<std::size_t>(hostile_length));
    OPENSSL_free(der);
    return result;
}

// The bags' own encryption is paid on every validation too: 8,388,607 PBKDF2 iterations in the
// certificate bag or the key bag (several seconds each) are refused before any is derived.
BOOST_AUTO_TEST_CASE(an_absurd_iteration_count_inside_is_refused_at_once)
{
    openssl_queue_is_left_empty check;
    for (const int which : {0, 1}) {
        BOOST_TEST_CONTEXT((which == 0 ? "certificate bag" : "key bag"))
        {
            const std::string hostile = pkcs12_with_a_huge_inner_iteration_count(which);
            const auto started = std::chrono::steady_clock::now();
            const auto r = load(hostile, "pw", "client.p12");
            const auto took =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
            BOOST_TEST(error_is(r, field::file,
                                "Upload Keystore File ('client.p12') has encrypted contents (certificate or key "
                                "bags) asking for more key-derivation iterations than the 1000000"),
                       describe(r));
            BOOST_TEST(describe(r).find("export it again") != std::string::npos, describe(r));
            BOOST_TEST(took.count() < 500);
        }
    }
    // The same file with its usual count still opens (the cap is not in the way of real files).
    const auto& p = the_pki();
    const auto fine = load(test_pki::make_pkcs12(&p.client, {}, "pw"), "pw");
    BOOST_TEST(fine.has_value(), describe(fine));
}

BOOST_AUTO_TEST_CASE(a_truncated_file_is_not_recognised)
{
    openssl_queue_is_left_empty check;
    const auto& p = the_pki();
    const std::string p12 = test_pki::make_pkcs12(&p.client, {}, "pw");
    const auto r = load(p12.substr(0, p12.size() / 2), "pw");
    BOOST_TEST(error_is(r, field::file, "neither a PEM bundle nor a PKCS#12 file"), describe(r));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(neither)

BOOST_AUTO_TEST_CASE(garbage_bytes)
{
    openssl_queue_is_left_empty check;
    std::string garbage;
    for (int i = 0; i < 512; ++i)
        garbage += static_cast<char>((i * 37 + 11) % 256);
    const auto r = load(garbage, std::nullopt, "random.bin");
    BOOST_TEST(
        error_is(r, field::file, "Upload Keystore File ('random.bin') is neither a PEM bundle nor a PKCS#12 file"),
        describe(r));
    const auto text = load("just some text, no armour at all");
    BOOST_TEST(error_is(text, field::file, "neither"), describe(text));
}

BOOST_AUTO_TEST_CASE(empty_and_oversized_files)
{
    const auto empty = load("");
    BOOST_TEST(error_is(empty, field::file, "is empty"), describe(empty));
    const auto huge = load(std::string(sage::max_keystore_size + 1, 'A'));
    BOOST_TEST(error_is(huge, field::file, "larger than 4 MiB"), describe(huge));
}

BOOST_AUTO_TEST_CASE(a_der_certificate_is_refused_with_a_conversion_hint)
{
    const auto& p = the_pki();
    const connector_support::bio_ptr in = connector_support::memory_bio(p.ca.cert_pem);
    const connector_support::x509_ptr cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
    BOOST_REQUIRE(cert != nullptr);
    unsigned char* der = nullptr;
    const int size = i2d_X509(cert.get(), &der);
    const connector_support::openssl_memory_ptr<unsigned char> owned(der);
    BOOST_REQUIRE(size > 0);
    const std::string bytes_der(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
    const auto r = load(bytes_der, std::nullopt, "ca.cer");
    BOOST_TEST(error_is(r, field::file, "openssl x509 -inform der"), describe(r));
}

BOOST_AUTO_TEST_SUITE_END()
