// secret_cipher and host_key: AES-256-GCM round trips, tampering and wrong keys reported as such,
// associated data binding a value to its tenant, connection and field, and the key file's creation.
#define BOOST_TEST_MODULE secret_cipher
#include <boost/test/unit_test.hpp>

#include "file_mode.hpp"
#include "security/host_key.hpp"
#include "security/secret_cipher.hpp"
#include "temp_dir.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <thread>

using namespace sample_host;

namespace {

std::vector<std::uint8_t> bytes(std::string_view text)
{
    return {text.begin(), text.end()};
}

host_key fixed_key(std::uint8_t fill, const char* file = "/nowhere/host.key")
{
    host_key::bytes material{};
    material.fill(fill);
    return host_key(material, file);
}

secret_error::reason failure_of(const secret_cipher& cipher, const sealed_value& sealed, std::string_view aad,
                                std::string* message = nullptr)
{
    try {
        (void)cipher.open(sealed, aad, "the secret 'ClientSecret' of connection 'Books'");
    } catch (const secret_error& e) {
        if (message != nullptr)
            *message = e.what();
        return e.why();
    }
    BOOST_FAIL("open accepted a value it must refuse");
    return secret_error::reason::tampered;
}

const std::string aad = secret_aad("default", "Books", "ClientSecret");

} // namespace

BOOST_AUTO_TEST_SUITE(sealing)

BOOST_AUTO_TEST_CASE(a_sealed_value_opens_to_the_same_bytes)
{
    const secret_cipher cipher(fixed_key(7));
    for (const std::string& plain :
         {std::string(), std::string("s3cr3t"), std::string("\0binary\xff", 8), std::string(100000, 'x')}) {
        const sealed_value sealed = cipher.seal(bytes(plain), aad);
        BOOST_TEST(sealed.nonce.size() == secret_cipher::nonce_size);
        BOOST_TEST(sealed.ciphertext.size() == plain.size() + secret_cipher::tag_size);
        BOOST_TEST(sealed.key_id == cipher.key().id());
        const auto opened = cipher.open(sealed, aad, "the secret");
        BOOST_TEST((std::string(opened.begin(), opened.end()) == plain));
    }
}

BOOST_AUTO_TEST_CASE(the_ciphertext_holds_no_clear_text_and_every_nonce_is_fresh)
{
    const secret_cipher cipher(fixed_key(7));
    std::set<std::vector<std::uint8_t>> nonces;
    std::set<std::vector<std::uint8_t>> ciphertexts;
    for (int i = 0; i < 64; ++i) {
        const sealed_value sealed = cipher.seal(bytes("the-same-secret"), aad);
        const std::string stored(sealed.ciphertext.begin(), sealed.ciphertext.end());
        BOOST_TEST(stored.find("the-same-secret") == std::string::npos);
        nonces.insert(sealed.nonce);
        ciphertexts.insert(sealed.ciphertext);
    }
    BOOST_TEST(nonces.size() == 64u);
    BOOST_TEST(ciphertexts.size() == 64u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(refusals)

BOOST_AUTO_TEST_CASE(any_flipped_bit_is_reported_as_tampering)
{
    const secret_cipher cipher(fixed_key(7));
    const sealed_value sealed = cipher.seal(bytes("s3cr3t"), aad);
    for (std::size_t i = 0; i < sealed.ciphertext.size(); ++i) { // body and tag
        sealed_value altered = sealed;
        altered.ciphertext[i] ^= 0x01;
        BOOST_TEST((failure_of(cipher, altered, aad) == secret_error::reason::tampered), "byte " << i);
    }
    sealed_value nonce = sealed;
    nonce.nonce[0] ^= 0x80;
    BOOST_TEST((failure_of(cipher, nonce, aad) == secret_error::reason::tampered));
    sealed_value truncated = sealed;
    truncated.ciphertext.resize(secret_cipher::tag_size - 1);
    BOOST_TEST((failure_of(cipher, truncated, aad) == secret_error::reason::tampered));
    sealed_value short_nonce = sealed;
    short_nonce.nonce.pop_back();
    std::string message;
    BOOST_TEST((failure_of(cipher, short_nonce, aad, &message) == secret_error::reason::tampered));
    BOOST_TEST(message.find("the secret 'ClientSecret' of connection 'Books' failed its integrity check") == 0u,
               message);
    BOOST_TEST(message.find("create it again") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(another_key_is_reported_as_a_wrong_key_naming_the_key_file)
{
    const secret_cipher sealer(fixed_key(7));
    const secret_cipher other(fixed_key(9, "/data/host.key"));
    const sealed_value sealed = sealer.seal(bytes("s3cr3t"), aad);
    std::string message;
    BOOST_TEST((failure_of(other, sealed, aad, &message) == secret_error::reason::wrong_key));
    BOOST_TEST(message.find("/data/host.key") != std::string::npos, message);
    BOOST_TEST(message.find("another host key") != std::string::npos, message);
    BOOST_TEST(message.find("s3cr3t") == std::string::npos, message);

    // A forged key id does not help: the tag still fails.
    sealed_value forged = sealed;
    forged.key_id = other.key().id();
    BOOST_TEST((failure_of(other, forged, aad) == secret_error::reason::tampered));
}

BOOST_AUTO_TEST_CASE(the_associated_data_binds_tenant_connection_and_field)
{
    const secret_cipher cipher(fixed_key(7));
    const sealed_value sealed = cipher.seal(bytes("s3cr3t"), aad);
    for (const auto& elsewhere :
         {secret_aad("other", "Books", "ClientSecret"), secret_aad("default", "Other", "ClientSecret"),
          secret_aad("default", "Books", "AccessToken")})
        BOOST_TEST((failure_of(cipher, sealed, elsewhere) == secret_error::reason::tampered));
}

BOOST_AUTO_TEST_CASE(associated_data_is_unambiguous)
{
    BOOST_TEST(secret_aad("ab", "c", "d") != secret_aad("a", "bc", "d"));
    BOOST_TEST(secret_aad("a", "b", "cd") != secret_aad("a", "bc", "d"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(key_file)

BOOST_AUTO_TEST_CASE(is_created_once_with_mode_0600_and_read_back)
{
    test_support::temp_dir dir;
    const auto file = dir / "host.key";
    const host_key created = load_or_create_host_key(file);
    BOOST_TEST(std::filesystem::file_size(file) == host_key::size);
    BOOST_TEST(test_support::file_mode(file) == 0600u);
    const host_key again = load_or_create_host_key(file);
    BOOST_TEST(again.id() == created.id());
    BOOST_TEST((again.material() == created.material()));
    BOOST_TEST(created.id().size() == 16u);
    // No temporary file is left behind.
    BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) ==
               1);
}

BOOST_AUTO_TEST_CASE(concurrent_creators_end_up_with_the_same_key)
{
    test_support::temp_dir dir;
    const auto file = dir / "host.key";
    std::vector<std::string> ids(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < ids.size(); ++i)
        threads.emplace_back([&, i] { ids[i] = load_or_create_host_key(file).id(); });
    for (auto& t : threads)
        t.join();
    BOOST_TEST(std::set<std::string>(ids.begin(), ids.end()).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_damaged_or_exposed_key_file_is_refused_naming_the_file_and_the_remedy)
{
    test_support::temp_dir dir;
    const auto file = dir / "host.key";
    test_support::write_file(file, "too short");
    ::chmod(file.c_str(), 0600);
    try {
        (void)load_or_create_host_key(file);
        BOOST_FAIL("a short key was accepted");
    } catch (const host_error& e) {
        const std::string why = e.what();
        BOOST_TEST(why.find(file.string()) != std::string::npos, why);
        BOOST_TEST(why.find("is 9 bytes, not 32") != std::string::npos, why);
        BOOST_TEST(why.find("restore it from a backup") != std::string::npos, why);
    }
    test_support::write_file(file, std::string(32, 'k'));
    ::chmod(file.c_str(), 0644);
    try {
        (void)load_host_key(file);
        BOOST_FAIL("a world-readable key was accepted");
    } catch (const host_error& e) {
        BOOST_TEST(std::string(e.what()).find("chmod 600") != std::string::npos, e.what());
    }
    try {
        (void)load_host_key(dir / "absent.key");
        BOOST_FAIL("a missing key was accepted");
    } catch (const host_error& e) {
        BOOST_TEST(std::string(e.what()).find("absent.key") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_SUITE_END()
