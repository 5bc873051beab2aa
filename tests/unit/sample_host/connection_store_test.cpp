// connection_store (with the host context that opens it): names trimmed, non-empty and unique per
// tenant, listing order, deletion, secrets sealed at rest and opened only by load_form, tampering and
// wrong keys reported, file modes of the data folder and key, and two stores sharing one database.
#define BOOST_TEST_MODULE connection_store
#include <boost/test/unit_test.hpp>

#include "commands/host_context.hpp"
#include "file_mode.hpp"
#include "refusal.hpp"
#include "runtime/host_error.hpp"
#include "security/host_key.hpp"
#include "storage/connection_store.hpp"
#include "storage/database.hpp"
#include "storage/schema_migrations.hpp"
#include "storage/user_directory.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

using namespace sample_host;
using connector_sdk::connection_record;
using connector_sdk::record_field;

using test_support::refusal_of;

namespace {

const std::chrono::sys_seconds t0{std::chrono::seconds(1'800'000'000)};

// A migrated database in a temporary folder with tenants "default" and "acme", and a store whose
// key lives beside it.
struct store_fixture {
    test_support::temp_dir dir{"connection-store"};
    std::filesystem::path key_file = dir / "host.key";
    std::unique_ptr<database> db = open();
    std::unique_ptr<secret_cipher> cipher;
    connection_store store{*db, [this]() -> const secret_cipher& { return key(); }};

    std::unique_ptr<database> open()
    {
        auto database = test_database::open_bootstrapped(dir.path(), t0);
        user_directory users(*database);
        const user_account admin = *users.find("admin");
        users.add(admin, "carol", role::user, std::string_view("acme"), t0);
        return database;
    }

    const secret_cipher& key()
    {
        if (!cipher)
            cipher = std::make_unique<secret_cipher>(load_or_create_host_key(key_file));
        return *cipher;
    }

    // Everything the database stores (SQLite: the file and its write-ahead log; PostgreSQL: a dump).
    std::string database_bytes() const { return test_database::stored_bytes(dir.path()); }
};

connection_record record(std::string name)
{
    connection_record r;
    r.name = std::move(name);
    r.connector_id = "sage-cloud-accounting";
    r.fields = {
        {"ConnectionName", std::string("Books"), false},
        {"ClientId", std::string("client-id-123"), false},
        {"ClientSecret", std::string("client-secret-456"), true},
        {"EnableSSL", true, false},
        {"Timeout", std::int64_t{60}, false},
        {"KeystoreFile", connector_sdk::file_value{"ca.pem", {'P', 'E', 'M'}}, false},
        {"KeystorePassword", std::string("keystore-pass-789"), true},
        {"AdditionalConfiguration", connector_sdk::key_value_pairs{{"Scope", "readonly"}}, false},
    };
    return r;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(names, store_fixture)

BOOST_AUTO_TEST_CASE(names_are_trimmed)
{
    const auto saved = store.save("default", record("  My Books \t"), "admin", t0);
    BOOST_TEST(saved.name == "My Books");
    BOOST_TEST(store.exists("default", " my books "));
    BOOST_TEST(normalise_connection_name("\n x y \r") == "x y");
}

BOOST_AUTO_TEST_CASE(empty_and_unusable_names_are_refused)
{
    for (const char* bad : {"", "   ", "\t\n"})
        BOOST_TEST(refusal_of<host_error>([&] {
                       store.save("default", record(bad), "admin", t0);
                   }).find("Connection Name is empty") != std::string::npos);
    BOOST_TEST(refusal_of<host_error>([&] {
                   store.save("default", record("a\x01z"), "admin", t0);
               }).find("control characters") != std::string::npos);
    BOOST_TEST(refusal_of<host_error>([&] {
                   store.save("default", record(std::string(201, 'n')), "admin", t0);
               }).find("200") != std::string::npos);
    BOOST_TEST(store.list("default").empty());
}

BOOST_AUTO_TEST_CASE(names_are_unique_per_tenant_ignoring_case)
{
    store.save("default", record("Books"), "admin", t0);
    const std::string why = refusal_of<host_error>([&] { store.save("default", record(" BOOKS "), "admin", t0); });
    BOOST_TEST(why.find("a connection named 'Books' already exists in tenant 'default'") != std::string::npos, why);
    BOOST_TEST(why.find("--replace") != std::string::npos, why);
    // Another tenant may use the same name.
    BOOST_CHECK_NO_THROW(store.save("acme", record("Books"), "carol", t0));
    BOOST_TEST(store.list("default").size() == 1u);
    BOOST_TEST(store.list("acme").size() == 1u);
}

BOOST_AUTO_TEST_CASE(replace_keeps_created_at_and_swaps_the_fields)
{
    store.save("default", record("Books"), "admin", t0);
    connection_record smaller = record("books");
    smaller.fields.resize(2);
    const auto later = t0 + std::chrono::hours(1);
    const auto saved = store.save("default", smaller, "admin", later, connection_store::on_duplicate::replace);
    BOOST_TEST(saved.name == "books");
    BOOST_TEST(saved.field_count == 2u);
    BOOST_TEST(saved.secret_count == 0u);
    BOOST_TEST((saved.created_at == t0));
    BOOST_TEST((saved.updated_at == later));
    BOOST_TEST(store.list("default").size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(listing_and_deleting, store_fixture)

BOOST_AUTO_TEST_CASE(list_is_ordered_by_name_ignoring_case_and_scoped_to_the_tenant)
{
    for (const char* name : {"zeta", "Alpha", "beta", "Gamma"})
        store.save("default", record(name), "admin", t0);
    store.save("acme", record("aaa"), "carol", t0);
    std::vector<std::string> names;
    for (const auto& c : store.list("default"))
        names.push_back(c.name);
    BOOST_TEST((names == std::vector<std::string>{"Alpha", "beta", "Gamma", "zeta"}));
    const auto first = store.list("default").front();
    BOOST_TEST(first.connector_id == "sage-cloud-accounting");
    BOOST_TEST(first.created_by == "admin");
    BOOST_TEST(first.field_count == 8u);
    BOOST_TEST(first.secret_count == 2u);
}

BOOST_AUTO_TEST_CASE(delete_removes_the_connection_and_its_fields)
{
    store.save("default", record("Books"), "admin", t0);
    store.save("acme", record("Books"), "carol", t0);
    BOOST_TEST(!store.remove("default", "nothing"));
    BOOST_TEST(store.remove("default", " BOOKS"));
    BOOST_TEST(!store.exists("default", "Books"));
    BOOST_TEST(store.exists("acme", "Books")); // the other tenant's is untouched
    auto count = db->prepare("SELECT COUNT(*) FROM connection_fields");
    count.step();
    BOOST_TEST(count.integer(0) == 8); // only acme's fields remain
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(secrets, store_fixture)

BOOST_AUTO_TEST_CASE(show_masks_secrets_and_load_form_gives_every_value_back)
{
    store.save("default", record("Books"), "admin", t0);
    const auto details = store.show("default", "books");
    BOOST_REQUIRE(details.has_value());
    BOOST_REQUIRE(details->fields.size() == 8u);
    for (const auto& f : details->fields) {
        BOOST_TEST(f.secret == (f.key == "ClientSecret" || f.key == "KeystorePassword"), f.key);
        BOOST_TEST(f.value.has_value() == !f.secret, f.key);
    }
    BOOST_TEST(details->fields[2].size == std::string("client-secret-456").size());
    BOOST_TEST((details->fields[3].kind == field_kind::boolean));
    BOOST_TEST(details->fields[5].file_name == "ca.pem");

    const auto form = store.load_form("default", "Books");
    BOOST_TEST(*form.get_if<std::string>("ClientSecret") == "client-secret-456");
    BOOST_TEST(*form.get_if<std::string>("KeystorePassword") == "keystore-pass-789");
    BOOST_TEST(*form.get_if<bool>("EnableSSL") == true);
    BOOST_TEST(*form.get_if<std::int64_t>("Timeout") == 60);
    BOOST_TEST(form.get_if<connector_sdk::file_value>("KeystoreFile")->content.size() == 3u);
    BOOST_TEST(form.get_if<connector_sdk::key_value_pairs>("AdditionalConfiguration")->at(0).value == "readonly");
}

BOOST_AUTO_TEST_CASE(secrets_are_never_in_the_database_as_clear_text)
{
    store.save("default", record("Books"), "admin", t0);
    const std::string bytes = database_bytes();
    BOOST_TEST(bytes.find("client-id-123") != std::string::npos); // the check can see clear text
    BOOST_TEST(bytes.find("client-secret-456") == std::string::npos);
    BOOST_TEST(bytes.find("keystore-pass-789") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_key_is_created_only_when_a_secret_is_saved)
{
    connection_record plain = record("Plain");
    for (auto& f : plain.fields)
        f.secret = false;
    store.save("default", plain, "admin", t0);
    (void)store.list("default");
    BOOST_TEST(!std::filesystem::exists(key_file));
    BOOST_TEST(!store.has_sealed_values());
    store.save("default", record("Books"), "admin", t0);
    BOOST_TEST(std::filesystem::exists(key_file));
    BOOST_TEST(store.has_sealed_values());
}

BOOST_AUTO_TEST_CASE(a_tampered_ciphertext_is_reported_not_crashed_on)
{
    store.save("default", record("Books"), "admin", t0);
    auto read = db->prepare("SELECT value FROM connection_fields WHERE key = 'ClientSecret'");
    BOOST_REQUIRE(read.step());
    std::vector<std::uint8_t> altered = read.blob(0);
    altered[altered.size() / 2] ^= 0x01;
    db->prepare("UPDATE connection_fields SET value = ? WHERE key = 'ClientSecret'").bind_blob(1, altered).run();
    try {
        (void)store.load_form("default", "Books");
        BOOST_FAIL("a tampered secret was opened");
    } catch (const secret_error& e) {
        BOOST_TEST((e.why() == secret_error::reason::tampered));
        BOOST_TEST(std::string(e.what()).find("the secret 'ClientSecret' of connection 'Books'") == 0u, e.what());
    }
}

BOOST_AUTO_TEST_CASE(a_secret_moved_to_another_connection_does_not_open)
{
    store.save("default", record("Books"), "admin", t0);
    store.save("default", record("Other"), "admin", t0);
    db->execute("UPDATE connection_fields SET value = (SELECT f.value FROM connection_fields f JOIN connections c "
                "ON c.id = f.connection WHERE c.name = 'Books' AND f.key = 'ClientSecret'), nonce = (SELECT f.nonce "
                "FROM connection_fields f JOIN connections c ON c.id = f.connection WHERE c.name = 'Books' AND f.key "
                "= 'ClientSecret') WHERE key = 'ClientSecret' AND connection = (SELECT id FROM connections WHERE "
                "name = 'Other')");
    BOOST_CHECK_THROW((void)store.load_form("default", "Other"), secret_error);
    BOOST_CHECK_NO_THROW((void)store.load_form("default", "Books"));
}

BOOST_AUTO_TEST_CASE(a_different_key_file_is_reported_as_the_wrong_key)
{
    store.save("default", record("Books"), "admin", t0);
    cipher.reset();
    std::filesystem::remove(key_file);
    (void)key(); // a new key appears in place of the old one
    try {
        (void)store.load_form("default", "Books");
        BOOST_FAIL("a secret opened under another key");
    } catch (const secret_error& e) {
        BOOST_TEST((e.why() == secret_error::reason::wrong_key));
        BOOST_TEST(std::string(e.what()).find(key_file.string()) != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(sharing, store_fixture)

BOOST_AUTO_TEST_CASE(two_stores_on_one_database_see_each_others_connections)
{
    auto second_db = test_database::open(dir.path());
    connection_store second(*second_db, [this]() -> const secret_cipher& { return key(); });
    store.save("default", record("From first"), "admin", t0);
    second.save("default", record("From second"), "admin", t0);
    BOOST_TEST(store.list("default").size() == 2u);
    BOOST_TEST(second.list("default").size() == 2u);
    BOOST_TEST(*second.load_form("default", "From first").get_if<std::string>("ClientSecret") == "client-secret-456");
    // The uniqueness rule holds across connections too.
    BOOST_CHECK_THROW(second.save("default", record("from FIRST"), "admin", t0), host_error);
}

BOOST_AUTO_TEST_CASE(writers_in_two_threads_wait_for_each_other_instead_of_failing)
{
    auto second_db = test_database::open(dir.path());
    connection_store second(*second_db, [this]() -> const secret_cipher& { return key(); });
    (void)key();
    std::thread writer([&] {
        for (int i = 0; i < 25; ++i)
            second.save("default", record("second-" + std::to_string(i)), "admin", t0);
    });
    for (int i = 0; i < 25; ++i)
        store.save("default", record("first-" + std::to_string(i)), "admin", t0);
    writer.join();
    BOOST_TEST(store.list("default").size() == 50u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(host_context_files)

BOOST_AUTO_TEST_CASE(the_data_folder_is_0700_and_database_and_key_are_0600)
{
    test_support::temp_dir parent;
    const auto data = parent / "nested" / "data";
    global_options options;
    options.data = data.string();
    std::ostringstream out;
    std::ostringstream err;
    host_context ctx(
        options, "/usr/bin/sample_host", [](std::string_view) { return std::optional<std::string>(); }, out, err);
    (void)ctx.acting_user(); // opens the database and bootstraps
    BOOST_TEST(test_support::file_mode(data) == 0700u);
    BOOST_TEST(test_support::file_mode(data / "host.db") == 0600u);
    BOOST_TEST(!std::filesystem::exists(data / "host.key")); // not until a secret needs it
    ctx.connections().save("default", record("Books"), "admin", t0);
    BOOST_TEST(test_support::file_mode(data / "host.key") == 0600u);
    BOOST_TEST(ctx.acting_user().name == "admin");
    BOOST_TEST(ctx.acting_user().is_admin());
}

BOOST_AUTO_TEST_CASE(a_missing_key_is_not_replaced_while_sealed_secrets_exist)
{
    test_support::temp_dir data;
    global_options options;
    options.data = data.path().string();
    std::ostringstream out;
    std::ostringstream err;
    const auto no_env = [](std::string_view) { return std::optional<std::string>(); };
    {
        host_context ctx(options, "/usr/bin/sample_host", no_env, out, err);
        ctx.connections().save("default", record("Books"), "admin", t0);
    }
    std::filesystem::remove(data / "host.key");
    host_context ctx(options, "/usr/bin/sample_host", no_env, out, err);
    try {
        (void)ctx.cipher();
        BOOST_FAIL("a new key was minted over sealed secrets");
    } catch (const host_error& e) {
        BOOST_TEST(std::string(e.what()).find("is missing") != std::string::npos, e.what());
        BOOST_TEST(std::string(e.what()).find("restore host.key") != std::string::npos, e.what());
    }
    BOOST_TEST(!std::filesystem::exists(data / "host.key"));
}

BOOST_AUTO_TEST_SUITE_END()
