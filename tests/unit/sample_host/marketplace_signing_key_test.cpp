// marketplace_signing_key / signing_key_store, on SQLite and, registered a second time, on PostgreSQL:
// the key lives in the host database sealed under the host key (bound to its key id), never in a data
// folder; the build's dev key is imported on first need, the first host to do so winning (also when
// each imports inside its own write transaction, as the marketplace does); without one
// the refusal names `marketplace init`; a legacy <data>/marketplace/signing-key.pem is moved into the
// database and deleted (unchanged when the same key is there, refused naming both key ids when another
// is); import refuses anything but an Ed25519 private key (RSA, EC, a public key, an encrypted key, a
// certificate, garbage) and a different key without --replace; a key sealed under another host key or
// altered is refused with the remedy; no message ever repeats key material.
#define BOOST_TEST_MODULE marketplace_signing_key
#include <boost/test/unit_test.hpp>

#include "file_mode.hpp"
#include "marketplace/marketplace_signing_key.hpp"
#include "refusal.hpp"
#include "runtime/host_error.hpp"
#include "security/host_key.hpp"
#include "security/secret_cipher.hpp"
#include "storage/database.hpp"
#include "storage/schema_migrations.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"
#include "test_marketplace.hpp"

#include <connector_sdk/license.hpp>

#include <connector_support/openssl_handles.hpp>

#include <sys/stat.h>

#include <chrono>
#include <sstream>
#include <thread>

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

std::string key_id_of(const std::string& pem)
{
    return connector_sdk::license_key_id(connector_sdk::license_public_key(pem));
}

// A host's view: a data folder, the shared test database and host key. Every test runs with a
// permissive umask, so modes come from the code, not from the environment.
struct umask_fixture {
    mode_t previous = ::umask(0);
    ~umask_fixture() { ::umask(previous); }
    test_support::temp_dir dir{"signing-key"};
    fs::path data = dir / "data";
    std::unique_ptr<database> db = open();
    std::unique_ptr<secret_cipher> cipher = std::make_unique<secret_cipher>(load_or_create_host_key(dir / "host.key"));

    umask_fixture() { fs::create_directories(data); }

    std::unique_ptr<database> open()
    {
        auto opened = test_database::open(dir.path());
        migrate(*opened, host_migrations());
        return opened;
    }

    signing_key_store store_for(database& on, const fs::path& data_dir, const fs::path& dev = {})
    {
        return signing_key_store(
            on, [this]() -> const secret_cipher& { return *cipher; }, data_dir, dev);
    }
    signing_key_store store(const fs::path& dev = {}) { return store_for(*db, data, dev); }

    // A legacy key file as an older sample_host kept it.
    fs::path legacy(const fs::path& data_dir, const std::string& pem)
    {
        fs::create_directories(data_dir / "marketplace");
        fs::permissions(data_dir / "marketplace", fs::perms(0700));
        test_support::write_file(data_dir / "marketplace" / "signing-key.pem", pem);
        fs::permissions(data_dir / "marketplace" / "signing-key.pem", fs::perms(0600));
        return data_dir / "marketplace" / "signing-key.pem";
    }

    void check_no_key_material_stored(const std::string& pem)
    {
        const std::string stored = test_database::stored_bytes(dir.path());
        for (const auto& line : body_lines(pem))
            BOOST_TEST(!contains(stored, line));
        BOOST_TEST(!contains(stored, "PRIVATE KEY"));
        BOOST_TEST(!fs::exists(data / "marketplace"));
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(signing_key_store_suite, umask_fixture)

BOOST_AUTO_TEST_CASE(the_dev_key_is_imported_into_the_database_on_first_need_sealed)
{
    const std::string dev_pem = connector_sdk::generate_license_signing_key();
    test_support::write_file(dir / "build" / "signing-key.pem", dev_pem);
    auto keys = store(dir / "build" / "signing-key.pem");
    BOOST_TEST(!keys.stored_key_id().has_value());

    const auto loaded = keys.load();
    BOOST_REQUIRE(loaded.imported_from.has_value());
    BOOST_TEST(*loaded.imported_from == dir / "build" / "signing-key.pem");
    BOOST_REQUIRE(loaded.note.has_value());
    BOOST_TEST(contains(*loaded.note, "development signing key"), *loaded.note);
    BOOST_TEST(loaded.key.key_id() == key_id_of(dev_pem));
    BOOST_TEST((keys.stored_key_id() == loaded.key.key_id()));
    check_no_key_material_stored(dev_pem);

    // Later loads read the key stored; the dev key is not imported again.
    const auto again = keys.load();
    BOOST_TEST(!again.imported_from.has_value());
    BOOST_TEST(!again.note.has_value());
    BOOST_TEST(again.key.key_id() == loaded.key.key_id());
}

BOOST_AUTO_TEST_CASE(without_a_key_or_dev_key_the_refusal_names_marketplace_init)
{
    for (const fs::path& dev : {fs::path(), dir / "no-such-dev-key.pem"}) {
        auto keys = store(dev);
        const std::string message = refusal_of<host_error>([&] { (void)keys.load(); });
        BOOST_TEST(contains(message, "sample_host marketplace init --signing-key FILE"), message);
        BOOST_TEST(contains(message, db->location()), message);
        BOOST_TEST(!keys.stored_key_id().has_value());
    }
}

BOOST_AUTO_TEST_CASE(import_stores_the_key_sealed_and_is_idempotent)
{
    const std::string pem = connector_sdk::generate_license_signing_key();
    test_support::write_file(dir / "key.pem", pem);
    fs::permissions(dir / "key.pem", fs::perms(0644)); // the source's own mode does not matter
    auto keys = store();
    const auto first = keys.import(dir / "key.pem", false, "admin");
    BOOST_TEST((first.outcome == signing_key_store::import_outcome::imported));
    BOOST_TEST(first.key_id == key_id_of(pem));
    BOOST_TEST(keys.load().key.key_id() == first.key_id);
    check_no_key_material_stored(pem);

    const auto second = keys.import(dir / "key.pem", false, "admin");
    BOOST_TEST((second.outcome == signing_key_store::import_outcome::unchanged));
}

BOOST_AUTO_TEST_CASE(a_different_key_is_replaced_only_when_asked)
{
    const std::string first_pem = connector_sdk::generate_license_signing_key();
    const std::string second_pem = connector_sdk::generate_license_signing_key();
    test_support::write_file(dir / "first.pem", first_pem);
    test_support::write_file(dir / "second.pem", second_pem);
    auto keys = store();
    const auto first = keys.import(dir / "first.pem", false, "admin");

    const std::string message = refusal_of<host_error>([&] { (void)keys.import(dir / "second.pem", false, "admin"); });
    BOOST_TEST(contains(message, "--replace"), message);
    BOOST_TEST(contains(message, first.key_id), message);
    BOOST_TEST(keys.load().key.key_id() == first.key_id);

    const auto replaced = keys.import(dir / "second.pem", true, "admin");
    BOOST_TEST((replaced.outcome == signing_key_store::import_outcome::replaced));
    BOOST_TEST(replaced.previous_key_id == first.key_id);
    BOOST_TEST(keys.load().key.key_id() == replaced.key_id);
    BOOST_TEST(replaced.key_id != first.key_id);
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
    auto keys = store();
    for (const auto& c : cases) {
        test_support::write_file(dir / c.name, c.pem);
        const std::string message = refusal_of<host_error>([&] { (void)keys.import(dir / c.name, false, "admin"); });
        BOOST_TEST(contains(message, c.expected), c.name << ": " << message);
        BOOST_TEST(contains(message, c.name), c.name << ": " << message);
        for (const auto& line : body_lines(c.pem))
            BOOST_TEST(!contains(message, line), c.name << " repeats key material: " << message);
        BOOST_TEST(!keys.stored_key_id().has_value(), c.name);
    }
    // A refused import leaves a key in place untouched.
    test_support::write_file(dir / "good.pem", ed25519);
    const auto good = keys.import(dir / "good.pem", false, "admin");
    (void)refusal_of<host_error>([&] { (void)keys.import(dir / "rsa.pem", true, "admin"); });
    BOOST_TEST(keys.load().key.key_id() == good.key_id);
}

BOOST_AUTO_TEST_CASE(a_legacy_key_file_is_moved_into_the_database_and_deleted)
{
    const std::string pem = connector_sdk::generate_license_signing_key();
    const fs::path file = legacy(data, pem);
    auto keys = store(); // no dev key: the legacy file is what is used
    const auto note = keys.move_legacy_file();
    BOOST_REQUIRE(note.has_value());
    BOOST_TEST(contains(*note, file.string()), *note);
    BOOST_TEST(contains(*note, key_id_of(pem)), *note);
    BOOST_TEST(keys.load().key.key_id() == key_id_of(pem));
    BOOST_TEST(!keys.move_legacy_file().has_value()); // nothing left to move
    BOOST_TEST(!fs::exists(file));
    BOOST_TEST(!fs::exists(data / "marketplace")); // the folder held only the key
    check_no_key_material_stored(pem);

    // Another host of the fleet with the same legacy key: nothing changes, its file goes too.
    const fs::path other_data = dir / "other-data";
    const fs::path other_file = legacy(other_data, pem);
    auto other_db = open();
    auto other = store_for(*other_db, other_data);
    BOOST_TEST(other.move_legacy_file().has_value());
    BOOST_TEST(other.load().key.key_id() == key_id_of(pem));
    BOOST_TEST(!fs::exists(other_file));
    BOOST_TEST(!fs::exists(other_data / "marketplace"));

    // A third host's legacy file holds another key: refused, naming both, the file and the remedy.
    const std::string stray = connector_sdk::generate_license_signing_key();
    const fs::path third_data = dir / "third-data";
    const fs::path third_file = legacy(third_data, stray);
    test_support::write_file(third_data / "marketplace" / "notes.txt", "kept");
    auto third = store_for(*db, third_data);
    const std::string message = refusal_of<host_error>([&] { (void)third.move_legacy_file(); });
    BOOST_TEST(contains(message, key_id_of(pem)), message);
    BOOST_TEST(contains(message, key_id_of(stray)), message);
    BOOST_TEST(contains(message, third_file.string()), message);
    BOOST_TEST(contains(message, "--replace"), message);
    for (const auto& line : body_lines(stray))
        BOOST_TEST(!contains(message, line));
    BOOST_TEST(fs::exists(third_file));
    BOOST_TEST((keys.stored_key_id() == key_id_of(pem)));

    // The remedy: init with the file's key and --replace moves the file's key in (and the file goes).
    const auto replaced = third.import(third_file, true, "admin");
    BOOST_TEST((replaced.outcome == signing_key_store::import_outcome::replaced));
    BOOST_TEST(replaced.key_id == key_id_of(stray));
    BOOST_TEST(!fs::exists(third_file));
    BOOST_TEST(fs::exists(third_data / "marketplace" / "notes.txt")); // not ours to delete
    BOOST_TEST(keys.load().key.key_id() == key_id_of(stray));
}

BOOST_AUTO_TEST_CASE(a_legacy_key_file_others_can_read_or_a_symbolic_link_is_refused_and_kept)
{
    const std::string pem = connector_sdk::generate_license_signing_key();
    const fs::path file = legacy(data, pem);
    fs::permissions(file, fs::perms(0644));
    auto keys = store();
    const std::string message = refusal_of<host_error>([&] { (void)keys.move_legacy_file(); });
    BOOST_TEST(contains(message, "chmod 600"), message);
    for (const auto& line : body_lines(pem))
        BOOST_TEST(!contains(message, line));
    BOOST_TEST(fs::exists(file));
    BOOST_TEST(!keys.stored_key_id().has_value());

    fs::remove(file);
    test_support::write_file(dir / "elsewhere.pem", pem);
    fs::permissions(dir / "elsewhere.pem", fs::perms(0600));
    fs::create_symlink(dir / "elsewhere.pem", file);
    const std::string link = refusal_of<host_error>([&] { (void)keys.move_legacy_file(); });
    BOOST_TEST(contains(link, file.string()), link);
    BOOST_TEST(!keys.stored_key_id().has_value());
}

BOOST_AUTO_TEST_CASE(hosts_importing_their_dev_keys_at_once_all_sign_with_the_first_one_stored)
{
    std::vector<std::string> dev_pems;
    for (int i = 0; i < 4; ++i) {
        dev_pems.push_back(connector_sdk::generate_license_signing_key());
        test_support::write_file(dir / ("dev-" + std::to_string(i) + ".pem"), dev_pems.back());
    }
    std::vector<std::string> used(dev_pems.size());
    std::vector<std::string> errors(dev_pems.size());
    std::vector<std::thread> hosts;
    for (std::size_t i = 0; i < dev_pems.size(); ++i)
        hosts.emplace_back([&, i] {
            try {
                auto connection = open();
                const fs::path host_data = dir / ("host-" + std::to_string(i));
                fs::create_directories(host_data);
                // Half of them inside a write transaction, as the marketplace loads the key.
                auto keys = store_for(*connection, host_data, dir / ("dev-" + std::to_string(i) + ".pem"));
                if (i % 2 == 0) {
                    transaction writing(*connection);
                    used[i] = keys.load().key.key_id();
                    writing.commit();
                } else {
                    used[i] = keys.load().key.key_id();
                }
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    for (auto& h : hosts)
        h.join();
    for (std::size_t i = 0; i < used.size(); ++i) {
        BOOST_TEST(errors[i].empty(), errors[i]);
        BOOST_TEST(used[i] == used[0]);
    }
    BOOST_TEST((store().stored_key_id() == used[0]));
}

BOOST_AUTO_TEST_CASE(a_key_sealed_under_another_host_key_or_altered_is_refused_with_the_remedy)
{
    const std::string pem = connector_sdk::generate_license_signing_key();
    test_support::write_file(dir / "key.pem", pem);
    (void)store().import(dir / "key.pem", false, "admin");

    test_support::temp_dir elsewhere{"another-host-key"};
    const secret_cipher other(load_or_create_host_key(elsewhere / "host.key"));
    auto wrong = signing_key_store(*db, [&]() -> const secret_cipher& { return other; }, data, {});
    const std::string message = refusal_of<host_error>([&] { (void)wrong.load(); });
    BOOST_TEST(contains(message, "another host key"), message);
    BOOST_TEST(contains(message, "--host-key"), message);
    BOOST_TEST(contains(message, key_id_of(pem)), message);

    // The sealed key moved to another key id (a row edited by hand) fails its integrity check.
    db->execute("UPDATE marketplace_signing_key SET signing_key_id = 'mk-0000000000000000'");
    const std::string altered = refusal_of<host_error>([&] { (void)store().load(); });
    BOOST_TEST(contains(altered, "integrity check"), altered);
    BOOST_TEST(contains(altered, "--replace"), altered);
    // ...and --replace is the way out.
    const auto replaced = store().import(dir / "key.pem", true, "admin");
    BOOST_TEST((replaced.outcome == signing_key_store::import_outcome::replaced));
    BOOST_TEST(store().load().key.key_id() == key_id_of(pem));
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
