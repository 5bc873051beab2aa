// oauth_app_store, on SQLite and, registered a second time, on PostgreSQL: the host's default OAuth
// apps set, replaced, listed (never with the secret) and removed; the client secret stored sealed and
// bound to connector and client id (a blob copied to another row does not open; another host key is
// refused with the remedy); a legacy oauth_apps.json moved into the database and deleted, the same
// content from a second host counted once, a conflicting app refused naming both client ids with the
// file kept, hosts moving the same file at once storing it once, and a malformed file refused without
// repeating any secret.
#define BOOST_TEST_MODULE oauth_app_store
#include <boost/test/unit_test.hpp>

#include "refusal.hpp"
#include "runtime/host_error.hpp"
#include "security/host_key.hpp"
#include "security/secret_cipher.hpp"
#include "storage/database.hpp"
#include "storage/oauth_app_store.hpp"
#include "storage/schema_migrations.hpp"
#include "test_database.hpp"

#include <chrono>
#include <thread>

using namespace sample_host;
namespace fs = std::filesystem;
using test_support::refusal_of;

namespace {

const auto t0 = std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000));

bool contains(const std::string& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

struct store_fixture {
    test_support::temp_dir dir{"oauth-apps"};
    std::unique_ptr<database> db = open();
    secret_cipher cipher{load_or_create_host_key(dir / "host.key")};
    oauth_app_store apps{*db, [this]() -> const secret_cipher& { return cipher; }};

    std::unique_ptr<database> open()
    {
        auto opened = test_database::open(dir.path());
        migrate(*opened, host_migrations());
        return opened;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(oauth_apps, store_fixture)

BOOST_AUTO_TEST_CASE(set_replace_list_and_remove)
{
    BOOST_TEST(!apps.find("sage").has_value());
    BOOST_TEST(apps.list().empty());
    BOOST_TEST((apps.put("sage", oauth_app("app-1", "secret-one-4711"), "admin", t0) == oauth_app_outcome::created));
    BOOST_TEST((apps.put("sage", oauth_app("app-1", "secret-one-4711"), "ops", t0) == oauth_app_outcome::unchanged));
    BOOST_TEST(
        (apps.put("demo", oauth_app("demo-app", "demo-secret-0815"), "admin", t0) == oauth_app_outcome::created));
    const auto found = apps.find("sage");
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST(found->client_id == "app-1");
    BOOST_TEST(found->client_secret == "secret-one-4711");

    BOOST_TEST((apps.put("sage", oauth_app("app-2", "secret-two-4712"), "ops", t0 + std::chrono::hours(1)) ==
                oauth_app_outcome::replaced));
    BOOST_TEST(apps.find("sage")->client_id == "app-2");
    BOOST_TEST(apps.find("sage")->client_secret == "secret-two-4712");

    const auto listed = apps.list();
    BOOST_REQUIRE(listed.size() == 2u);
    BOOST_TEST(listed[0].connector_id == "demo");
    BOOST_TEST(listed[1].connector_id == "sage");
    BOOST_TEST(listed[1].client_id == "app-2");
    BOOST_TEST(listed[1].updated_by == "ops");
    BOOST_TEST((listed[1].updated_at == t0 + std::chrono::hours(1)));

    BOOST_TEST(apps.remove("sage"));
    BOOST_TEST(!apps.remove("sage"));
    BOOST_TEST(!apps.find("sage").has_value());
    BOOST_TEST(apps.find("demo").has_value());
}

BOOST_AUTO_TEST_CASE(the_secret_is_stored_sealed_and_bound_to_its_connector_and_client_id)
{
    apps.put("sage", oauth_app("app-1", "plain-secret-never-stored"), "admin", t0);
    apps.put("demo", oauth_app("demo-app", "another-secret-value"), "admin", t0);
    const std::string stored = test_database::stored_bytes(dir.path());
    BOOST_TEST(contains(stored, "app-1")); // the search sees plain text
    BOOST_TEST(!contains(stored, "plain-secret-never-stored"));
    BOOST_TEST(!contains(stored, "another-secret-value"));

    // demo's sealed secret copied into sage's row does not open there.
    db->execute("UPDATE oauth_apps SET client_secret = (SELECT client_secret FROM oauth_apps WHERE connector_id = "
                "'demo'), nonce = (SELECT nonce FROM oauth_apps WHERE connector_id = 'demo') WHERE connector_id = "
                "'sage'");
    const std::string moved = refusal_of<host_error>([&] { (void)apps.find("sage"); });
    BOOST_TEST(contains(moved, "integrity check"), moved);
    BOOST_TEST(contains(moved, "oauth-apps set sage"), moved);
    BOOST_TEST(!contains(moved, "another-secret-value"), moved);

    // A client id edited by hand no longer opens the secret either.
    db->execute("UPDATE oauth_apps SET client_id = 'forged' WHERE connector_id = 'demo'");
    (void)refusal_of<host_error>([&] { (void)apps.find("demo"); });
}

BOOST_AUTO_TEST_CASE(an_app_sealed_under_another_host_key_is_refused_with_the_remedy)
{
    apps.put("sage", oauth_app("app-1", "secret-one-4711"), "admin", t0);
    test_support::temp_dir elsewhere{"another-host-key"};
    const secret_cipher other(load_or_create_host_key(elsewhere / "host.key"));
    oauth_app_store wrong(*db, [&]() -> const secret_cipher& { return other; });
    const std::string message = refusal_of<host_error>([&] { (void)wrong.find("sage"); });
    BOOST_TEST(contains(message, "another host key"), message);
    BOOST_TEST(contains(message, "--host-key"), message);
    BOOST_TEST(contains(message, "sage"), message);
    BOOST_TEST(!contains(message, "secret-one-4711"), message);
}

BOOST_AUTO_TEST_CASE(a_legacy_file_is_moved_in_then_deleted_and_a_second_host_with_the_same_counts_once)
{
    const std::string legacy = R"({"sage": {"client_id": "app-1", "client_secret": "legacy-secret-1"},)"
                               R"( "demo": {"client_id": "demo-app", "client_secret": "legacy-secret-2"}})";
    const fs::path file = dir / "data-1" / "oauth_apps.json";
    test_support::write_file(file, legacy);
    const auto moved = apps.import_legacy_file(file, t0);
    BOOST_REQUIRE(moved.has_value());
    BOOST_TEST(moved->imported == (std::vector<std::string>{"demo", "sage"}), boost::test_tools::per_element());
    BOOST_TEST(moved->unchanged.empty());
    BOOST_TEST(!fs::exists(file));
    BOOST_TEST(apps.find("sage")->client_secret == "legacy-secret-1");
    BOOST_TEST(apps.find("demo")->client_secret == "legacy-secret-2");
    BOOST_TEST(contains(apps.list()[0].updated_by, file.string()));
    const std::string stored = test_database::stored_bytes(dir.path());
    BOOST_TEST(!contains(stored, "legacy-secret-1"));
    BOOST_TEST(!contains(stored, "legacy-secret-2"));

    // No file: nothing to do.
    BOOST_TEST(!apps.import_legacy_file(file, t0).has_value());

    // A second host of the fleet (its own connection and data folder) with the same file.
    auto other_db = open();
    oauth_app_store other(*other_db, [this]() -> const secret_cipher& { return cipher; });
    const fs::path second = dir / "data-2" / "oauth_apps.json";
    test_support::write_file(second, legacy);
    const auto again = other.import_legacy_file(second, t0);
    BOOST_REQUIRE(again.has_value());
    BOOST_TEST(again->imported.empty());
    BOOST_TEST(again->unchanged.size() == 2u);
    BOOST_TEST(!fs::exists(second));
    BOOST_TEST(apps.list().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_conflicting_legacy_file_is_refused_naming_both_and_kept)
{
    apps.put("sage", oauth_app("db-app", "db-secret-1"), "admin", t0);
    const fs::path file = dir / "data" / "oauth_apps.json";
    test_support::write_file(file, R"({"demo": {"client_id": "demo-app", "client_secret": "demo-secret"},)"
                                   R"( "sage": {"client_id": "file-app", "client_secret": "file-secret-1"}})");
    const std::string message = refusal_of<host_error>([&] { (void)apps.import_legacy_file(file, t0); });
    BOOST_TEST(contains(message, "db-app"), message);
    BOOST_TEST(contains(message, "file-app"), message);
    BOOST_TEST(contains(message, file.string()), message);
    BOOST_TEST(contains(message, "oauth-apps set"), message);
    BOOST_TEST(contains(message, "delete the file"), message);
    BOOST_TEST(!contains(message, "db-secret-1"), message);
    BOOST_TEST(!contains(message, "file-secret-1"), message);
    BOOST_TEST(fs::exists(file));
    // Nothing was imported, not even the connector without a conflict.
    BOOST_TEST(!apps.find("demo").has_value());
    BOOST_TEST(apps.find("sage")->client_id == "db-app");

    // The same client id with another secret is a conflict too.
    test_support::write_file(file, R"({"sage": {"client_id": "db-app", "client_secret": "rotated-secret"}})");
    const std::string rotated = refusal_of<host_error>([&] { (void)apps.import_legacy_file(file, t0); });
    BOOST_TEST(contains(rotated, "another client secret"), rotated);
    BOOST_TEST(!contains(rotated, "rotated-secret"), rotated);
}

BOOST_AUTO_TEST_CASE(hosts_moving_the_same_file_at_once_store_each_app_once)
{
    const std::string legacy = R"({"sage": {"client_id": "app-1", "client_secret": "legacy-secret-1"},)"
                               R"( "demo": {"client_id": "demo-app", "client_secret": "legacy-secret-2"}})";
    constexpr int host_count = 4;
    std::vector<std::size_t> imported(host_count);
    std::vector<std::size_t> unchanged(host_count);
    std::vector<std::string> errors(host_count);
    std::vector<std::thread> hosts;
    for (int i = 0; i < host_count; ++i) {
        const fs::path file = dir / ("data-" + std::to_string(i)) / "oauth_apps.json";
        test_support::write_file(file, legacy);
        hosts.emplace_back([&, i, file] {
            try {
                auto connection = open();
                oauth_app_store host(*connection, [this]() -> const secret_cipher& { return cipher; });
                const auto moved = host.import_legacy_file(file, t0);
                imported[static_cast<std::size_t>(i)] = moved->imported.size();
                unchanged[static_cast<std::size_t>(i)] = moved->unchanged.size();
            } catch (const std::exception& e) {
                errors[static_cast<std::size_t>(i)] = e.what();
            }
        });
    }
    for (auto& h : hosts)
        h.join();
    std::size_t total_imported = 0;
    for (std::size_t i = 0; i < host_count; ++i) {
        BOOST_TEST(errors[i].empty(), errors[i]);
        BOOST_TEST(imported[i] + unchanged[i] == 2u);
        total_imported += imported[i];
        BOOST_TEST(!fs::exists(dir / ("data-" + std::to_string(i)) / "oauth_apps.json"));
    }
    BOOST_TEST(total_imported == 2u);
    BOOST_TEST(apps.list().size() == 2u);
    BOOST_TEST(apps.find("sage")->client_secret == "legacy-secret-1");
}

BOOST_AUTO_TEST_CASE(a_malformed_legacy_file_is_refused_without_repeating_a_secret)
{
    const fs::path file = dir / "data" / "oauth_apps.json";
    for (const std::string& text :
         {std::string("not json hidden-secret-value"),
          std::string(R"({"sage": {"client_id": 5, "client_secret": "hidden-secret-value"}})"),
          std::string(R"({"sage": {"client_id": "a", "client_secret": ""}})"),
          std::string(R"(["hidden-secret-value"])")}) {
        test_support::write_file(file, text);
        const std::string message = refusal_of<host_error>([&] { (void)apps.import_legacy_file(file, t0); });
        BOOST_TEST(contains(message, file.string()), message);
        BOOST_TEST(contains(message, "client_secret"), message);
        BOOST_TEST(!contains(message, "hidden-secret-value"), message);
        BOOST_TEST(fs::exists(file));
    }
    BOOST_TEST(apps.list().empty());
}

BOOST_AUTO_TEST_SUITE_END()
