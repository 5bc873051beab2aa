// marketplace_signing_key / signing_key_store: the key lives at <data>/marketplace/signing-key.pem
// with mode 0600 in a 0700 folder whatever the umask; the build's dev key is imported on first need;
// without one the refusal names `marketplace init`; import refuses anything but an Ed25519 private
// key (RSA, EC, a public key, an encrypted key, a certificate, garbage), a different key without
// --replace, a key file others can read, and a symbolic link; no message ever repeats key material.
#define BOOST_TEST_MODULE marketplace_signing_key
#include <boost/test/unit_test.hpp>

#include "file_mode.hpp"
#include "marketplace/marketplace_signing_key.hpp"
#include "refusal.hpp"
#include "runtime/host_error.hpp"
#include "temp_dir.hpp"
#include "test_marketplace.hpp"

#include <connector_sdk/license.hpp>

#include <connector_support/openssl_handles.hpp>

#include <sys/stat.h>

#include <chrono>
#include <sstream>

using namespace sample_host;
namespace fs = std::filesystem;

using test_support::refusal_of;

namespace {

using connector_support::bio_ptr;
using connector_support::pkey_ptr;

std::string bio_text(BIO* bio)
{
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

// A private key of another type in PEM form (PKCS#8).
std::string private_pem(EVP_PKEY* key, const EVP_CIPHER* cipher = nullptr, const char* passphrase = nullptr)
{
    bio_ptr bio(BIO_new(BIO_s_mem()));
    BOOST_REQUIRE(
        PEM_write_bio_PKCS8PrivateKey(bio.get(), key, cipher, nullptr, 0, nullptr, const_cast<char*>(passphrase)) == 1);
    return bio_text(bio.get());
}

std::string rsa_private_pem()
{
    pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
    BOOST_REQUIRE(key);
    return private_pem(key.get());
}

std::string ec_private_pem()
{
    pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    BOOST_REQUIRE(key);
    return private_pem(key.get());
}

std::string ed25519_public_pem(const std::string& private_key)
{
    const pkey_ptr key = connector_support::read_pem_key(private_key);
    BOOST_REQUIRE(key);
    bio_ptr out(BIO_new(BIO_s_mem()));
    BOOST_REQUIRE(PEM_write_bio_PUBKEY(out.get(), key.get()) == 1);
    return bio_text(out.get());
}

std::string encrypted_ed25519_pem(const std::string& private_key)
{
    const pkey_ptr key = connector_support::read_pem_key(private_key);
    BOOST_REQUIRE(key);
    return private_pem(key.get(), EVP_aes_256_cbc(), "passphrase");
}

// The base64 lines of a PEM document: what must never appear in a message.
std::vector<std::string> body_lines(const std::string& pem)
{
    std::vector<std::string> lines;
    std::istringstream in(pem);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line.rfind("-----", 0) != 0)
            lines.push_back(line);
    return lines;
}

bool contains(const std::string& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

// Every test runs with a permissive umask, so modes come from the code, not from the environment.
struct umask_fixture {
    mode_t previous = ::umask(0);
    ~umask_fixture() { ::umask(previous); }
    test_support::temp_dir dir{"signing-key"};
    fs::path data = dir / "data";
    umask_fixture() { fs::create_directories(data); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(signing_key_store_suite, umask_fixture)

BOOST_AUTO_TEST_CASE(the_dev_key_is_imported_on_first_need_with_mode_0600_in_a_0700_folder)
{
    const std::string dev_pem = connector_sdk::generate_license_signing_key();
    test_support::write_file(dir / "build" / "signing-key.pem", dev_pem);
    const signing_key_store store(data, dir / "build" / "signing-key.pem");
    BOOST_TEST(store.file() == data / "marketplace" / "signing-key.pem");
    BOOST_TEST(!store.present());

    const auto loaded = store.load();
    BOOST_REQUIRE(loaded.imported_dev_key.has_value());
    BOOST_TEST(*loaded.imported_dev_key == dir / "build" / "signing-key.pem");
    BOOST_TEST(loaded.key.key_id() == connector_sdk::license_key_id(connector_sdk::license_public_key(dev_pem)));
    BOOST_TEST(test_support::file_mode(store.folder()) == 0700u);
    BOOST_TEST(test_support::file_mode(store.file()) == 0600u);
    BOOST_TEST(connector_sdk::license_public_key(test_support::read_file(store.file())) ==
               connector_sdk::license_public_key(dev_pem));

    // Later loads read the key in place; the dev key is not imported again.
    const auto again = store.load();
    BOOST_TEST(!again.imported_dev_key.has_value());
    BOOST_TEST(again.key.key_id() == loaded.key.key_id());
}

BOOST_AUTO_TEST_CASE(without_a_key_or_dev_key_the_refusal_names_marketplace_init)
{
    for (const fs::path& dev : {fs::path(), dir / "no-such-dev-key.pem"}) {
        const signing_key_store store(data, dev);
        const std::string message = refusal_of<host_error>([&] { (void)store.load(); });
        BOOST_TEST(contains(message, "sample_host marketplace init --signing-key FILE"), message);
        BOOST_TEST(contains(message, store.file().string()), message);
        BOOST_TEST(!store.present());
    }
}

BOOST_AUTO_TEST_CASE(import_writes_mode_0600_and_is_idempotent)
{
    const std::string pem = connector_sdk::generate_license_signing_key();
    test_support::write_file(dir / "key.pem", pem);
    fs::permissions(dir / "key.pem", fs::perms(0644)); // the source's own mode does not matter
    const signing_key_store store(data, {});
    const auto first = store.import(dir / "key.pem", false);
    BOOST_TEST((first.outcome == signing_key_store::import_outcome::imported));
    BOOST_TEST(first.key_id == connector_sdk::license_key_id(connector_sdk::license_public_key(pem)));
    BOOST_TEST(test_support::file_mode(store.folder()) == 0700u);
    BOOST_TEST(test_support::file_mode(store.file()) == 0600u);
    BOOST_TEST(store.load().key.key_id() == first.key_id);

    const auto second = store.import(dir / "key.pem", false);
    BOOST_TEST((second.outcome == signing_key_store::import_outcome::unchanged));
    BOOST_TEST(test_support::file_mode(store.file()) == 0600u);
}

BOOST_AUTO_TEST_CASE(a_different_key_is_replaced_only_when_asked)
{
    const std::string first_pem = connector_sdk::generate_license_signing_key();
    const std::string second_pem = connector_sdk::generate_license_signing_key();
    test_support::write_file(dir / "first.pem", first_pem);
    test_support::write_file(dir / "second.pem", second_pem);
    const signing_key_store store(data, {});
    const auto first = store.import(dir / "first.pem", false);

    const std::string message = refusal_of<host_error>([&] { (void)store.import(dir / "second.pem", false); });
    BOOST_TEST(contains(message, "--replace"), message);
    BOOST_TEST(store.load().key.key_id() == first.key_id);

    const auto replaced = store.import(dir / "second.pem", true);
    BOOST_TEST((replaced.outcome == signing_key_store::import_outcome::replaced));
    BOOST_TEST(replaced.previous_key_id == first.key_id);
    BOOST_TEST(store.load().key.key_id() == replaced.key_id);
    BOOST_TEST(replaced.key_id != first.key_id);
    BOOST_TEST(test_support::file_mode(store.file()) == 0600u);
}

BOOST_AUTO_TEST_CASE(import_refuses_anything_but_an_ed25519_private_key)
{
    const std::string ed25519 = connector_sdk::generate_license_signing_key();
    struct bad_key {
        const char* name;
        std::string pem;
        const char* expected;
    };
    const bad_key cases[] = {
        {"rsa.pem", rsa_private_pem(), "holds an RSA key, not an Ed25519 key"},
        {"ec.pem", ec_private_pem(), "not an Ed25519 key"},
        {"public.pem", ed25519_public_pem(ed25519), "public key, not a private key"},
        {"encrypted.pem", encrypted_ed25519_pem(ed25519), "passphrase-protected"},
        {"certificate.pem",
         "-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END CERTIFICATE-----\n",
         "certificate, not a private key"},
        {"garbage.pem", "this is not a key at all\n", "is not a PEM file"},
        {"empty.pem", "", "is not a PEM file"},
    };
    const signing_key_store store(data, {});
    for (const auto& c : cases) {
        test_support::write_file(dir / c.name, c.pem);
        const std::string message = refusal_of<host_error>([&] { (void)store.import(dir / c.name, false); });
        BOOST_TEST(contains(message, c.expected), c.name << ": " << message);
        BOOST_TEST(contains(message, c.name), c.name << ": " << message);
        for (const auto& line : body_lines(c.pem))
            BOOST_TEST(!contains(message, line), c.name << " repeats key material: " << message);
        BOOST_TEST(!store.present(), c.name);
    }
    // A refused import leaves a key in place untouched.
    test_support::write_file(dir / "good.pem", ed25519);
    const auto good = store.import(dir / "good.pem", false);
    (void)refusal_of<host_error>([&] { (void)store.import(dir / "rsa.pem", true); });
    BOOST_TEST(store.load().key.key_id() == good.key_id);
}

BOOST_AUTO_TEST_CASE(a_key_file_others_can_read_is_refused_and_a_loose_folder_is_tightened)
{
    const std::string pem = connector_sdk::generate_license_signing_key();
    test_support::write_file(dir / "key.pem", pem);
    const signing_key_store store(data, {});
    (void)store.import(dir / "key.pem", false);

    fs::permissions(store.folder(), fs::perms(0755));
    (void)store.load();
    BOOST_TEST(test_support::file_mode(store.folder()) == 0700u);

    fs::permissions(store.file(), fs::perms(0644));
    const std::string message = refusal_of<host_error>([&] { (void)store.load(); });
    BOOST_TEST(contains(message, "chmod 600"), message);
    for (const auto& line : body_lines(pem))
        BOOST_TEST(!contains(message, line));
}

BOOST_AUTO_TEST_CASE(a_symbolic_link_in_place_of_the_key_is_refused)
{
    const std::string pem = connector_sdk::generate_license_signing_key();
    test_support::write_file(dir / "elsewhere.pem", pem);
    fs::permissions(dir / "elsewhere.pem", fs::perms(0600));
    const signing_key_store store(data, {});
    fs::create_directories(store.folder());
    fs::create_symlink(dir / "elsewhere.pem", store.file());
    const std::string message = refusal_of<host_error>([&] { (void)store.load(); });
    BOOST_TEST(contains(message, store.file().string()), message);
}

BOOST_AUTO_TEST_CASE(a_loaded_key_signs_licences_its_public_half_verifies)
{
    const std::string pem = connector_sdk::generate_license_signing_key();
    const marketplace_signing_key key(pem, "test key");
    BOOST_TEST(key.key_id() == connector_sdk::license_key_id(connector_sdk::license_public_key(pem)));

    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    connector_sdk::license_claims claims = test_support::test_license_claims(now, "default");
    claims.key_id = "ignored: the key sets its own";
    const std::string token = key.sign(claims);

    const connector_sdk::trusted_license_key trusted[] = {{key.key_id(), key.public_key()}};
    connector_sdk::license_check check;
    check.token = token;
    check.connector_id = "sage-cloud-accounting";
    check.connector_display = "Sage Cloud Accounting";
    check.tenant_id = "default";
    check.now = now;
    const auto evaluation = connector_sdk::evaluate_license(check, trusted);
    BOOST_TEST((evaluation.status.state == connector_sdk::license_state::trial_active), evaluation.status.reason);
    BOOST_REQUIRE(evaluation.claims.has_value());
    BOOST_TEST(evaluation.claims->key_id == key.key_id());
}

BOOST_AUTO_TEST_CASE(the_build_names_its_dev_key_and_that_key_is_ed25519)
{
    // In this (dev/test) build the compile definition points at the key the build generated.
    const fs::path dev = build_dev_signing_key();
    BOOST_TEST_REQUIRE(!dev.empty());
    BOOST_TEST(dev.filename() == "signing-key.pem");
    if (fs::exists(dev))
        BOOST_TEST(
            !connector_sdk::license_key_id(connector_sdk::license_public_key(test_support::read_file(dev))).empty());
}

BOOST_AUTO_TEST_SUITE_END()
