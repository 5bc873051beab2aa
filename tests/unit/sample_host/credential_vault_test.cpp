// credential_vault and the credential store over it (credential_store.v1), on SQLite and, registered
// a second time, on PostgreSQL: compare-and-set on versions, removal, leases (taken, held, renewed,
// expired, released) with concurrent takers on separate connections, values sealed and bound to
// tenant, connector and connection, and failures reported as answers rather than exceptions.
#define BOOST_TEST_MODULE credential_vault
#include <boost/test/unit_test.hpp>

#include "connectors/host_credential_store.hpp"
#include "output/host_log.hpp"
#include "security/host_key.hpp"
#include "security/secret_cipher.hpp"
#include "security/secret_redactor.hpp"
#include "storage/credential_vault.hpp"
#include "storage/database.hpp"
#include "storage/schema_migrations.hpp"
#include "test_database.hpp"

#include <atomic>
#include <thread>
#include <vector>

using namespace sample_host;
using namespace std::chrono_literals;

namespace {

const credential_owner sage{"default", "sage-cloud-accounting"};
const std::string token_set = R"({"access_token":"at-secret-111","refresh_token":"rt-secret-222"})";

struct vault_fixture {
    test_support::temp_dir dir{"credential-vault"};
    std::unique_ptr<database> db = open();
    std::unique_ptr<secret_cipher> cipher;
    credential_vault vault{*db, [this]() -> const secret_cipher& { return key(); }};

    std::unique_ptr<database> open()
    {
        auto opened = test_database::open(dir.path());
        migrate(*opened, host_migrations());
        return opened;
    }

    const secret_cipher& key()
    {
        if (!cipher)
            cipher = std::make_unique<secret_cipher>(load_or_create_host_key(dir / "host.key"));
        return *cipher;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(compare_and_set, vault_fixture)

BOOST_AUTO_TEST_CASE(nothing_stored_reads_as_none_and_the_first_write_is_version_1)
{
    BOOST_TEST(!vault.read(sage, "Books").has_value());
    const credential_write first = vault.compare_and_set(sage, "Books", 0, token_set);
    BOOST_TEST(first.stored);
    BOOST_TEST(first.version == 1u);
    const auto read = vault.read(sage, "Books");
    BOOST_REQUIRE(read.has_value());
    BOOST_TEST(read->version == 1u);
    BOOST_TEST(read->value == token_set);
}

BOOST_AUTO_TEST_CASE(a_stale_version_conflicts_and_says_which_version_is_stored)
{
    BOOST_TEST(vault.compare_and_set(sage, "Books", 0, "one").stored);
    BOOST_TEST(vault.compare_and_set(sage, "Books", 1, "two").version == 2u);
    const credential_write stale = vault.compare_and_set(sage, "Books", 1, "three");
    BOOST_TEST(!stale.stored);
    BOOST_TEST(stale.version == 2u);
    const credential_write again = vault.compare_and_set(sage, "Books", 0, "four");
    BOOST_TEST(!again.stored);
    BOOST_TEST(again.version == 2u);
    BOOST_TEST(vault.read(sage, "Books")->value == "two");
}

BOOST_AUTO_TEST_CASE(remove_checks_the_version_too)
{
    BOOST_TEST(vault.compare_and_set(sage, "Books", 0, "one").stored);
    BOOST_TEST(!vault.remove(sage, "Books", 7).stored);
    BOOST_TEST(vault.read(sage, "Books").has_value());
    BOOST_TEST(vault.remove(sage, "Books", 1).stored);
    BOOST_TEST(!vault.read(sage, "Books").has_value());
    BOOST_TEST(!vault.remove(sage, "Books", 1).stored);
}

BOOST_AUTO_TEST_CASE(keys_are_tenant_connector_and_connection)
{
    BOOST_TEST(vault.compare_and_set(sage, "Books", 0, "default books").stored);
    BOOST_TEST(vault.compare_and_set({"acme", sage.connector_id}, "Books", 0, "acme books").stored);
    BOOST_TEST(vault.compare_and_set({"default", "other-connector"}, "Books", 0, "other").stored);
    BOOST_TEST(vault.compare_and_set(sage, "Ledger", 0, "ledger").stored);
    BOOST_TEST(vault.read(sage, "Books")->value == "default books");
    BOOST_TEST(vault.read({"acme", sage.connector_id}, "Books")->value == "acme books");
    BOOST_TEST(vault.read({"default", "other-connector"}, "Books")->value == "other");
}

BOOST_AUTO_TEST_CASE(concurrent_writers_on_separate_connections_each_win_exactly_once_per_version)
{
    BOOST_TEST(vault.compare_and_set(sage, "Books", 0, "v1").stored);
    std::atomic<int> stored{0};
    std::atomic<int> conflicts{0};
    std::vector<std::thread> writers;
    for (int i = 0; i < 6; ++i)
        writers.emplace_back([&, i] {
            auto own = test_database::open(dir.path());
            credential_vault mine(*own, [this]() -> const secret_cipher& { return key(); });
            const credential_write w = mine.compare_and_set(sage, "Books", 1, "writer " + std::to_string(i));
            (w.stored ? stored : conflicts)++;
        });
    for (auto& t : writers)
        t.join();
    BOOST_TEST(stored.load() == 1);
    BOOST_TEST(conflicts.load() == 5);
    BOOST_TEST(vault.read(sage, "Books")->version == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(sealing, vault_fixture)

BOOST_AUTO_TEST_CASE(values_are_sealed_at_rest)
{
    BOOST_TEST(vault.compare_and_set(sage, "Books", 0, token_set).stored);
    const std::string stored = test_database::stored_bytes(dir.path());
    BOOST_TEST(stored.find("sage-cloud-accounting") != std::string::npos); // the search sees plain text
    BOOST_TEST(stored.find("at-secret-111") == std::string::npos);
    BOOST_TEST(stored.find("rt-secret-222") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_value_moved_to_another_connection_or_tenant_does_not_open)
{
    BOOST_TEST(vault.compare_and_set(sage, "Books", 0, token_set).stored);
    BOOST_TEST(vault.compare_and_set(sage, "Other", 0, "other").stored);
    BOOST_TEST(vault.compare_and_set({"acme", sage.connector_id}, "Books", 0, "acme").stored);
    db->execute("UPDATE credentials SET value = (SELECT value FROM credentials WHERE tenant = 'default' AND "
                "connection = 'Books'), nonce = (SELECT nonce FROM credentials WHERE tenant = 'default' AND "
                "connection = 'Books') WHERE connection = 'Other' OR tenant = 'acme'");
    BOOST_CHECK_THROW((void)vault.read(sage, "Other"), secret_error);
    BOOST_CHECK_THROW((void)vault.read({"acme", sage.connector_id}, "Books"), secret_error);
    BOOST_TEST(vault.read(sage, "Books")->value == token_set);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(leases, vault_fixture)

BOOST_AUTO_TEST_CASE(a_lease_is_held_against_others_renewed_by_its_owner_and_released)
{
    const credential_lease mine = vault.acquire_lease(sage, "Books", "host-a", 10s);
    BOOST_TEST(mine.acquired);
    const auto now = std::chrono::system_clock::now();
    BOOST_TEST((mine.expires_at > now + 8s && mine.expires_at < now + 12s));
    const credential_lease theirs = vault.acquire_lease(sage, "Books", "host-b", 10s);
    BOOST_TEST(!theirs.acquired);
    BOOST_TEST((theirs.expires_at == mine.expires_at));
    BOOST_TEST(vault.acquire_lease(sage, "Ledger", "host-b", 10s).acquired); // another connection: free
    const credential_lease renewed = vault.acquire_lease(sage, "Books", "host-a", 20s);
    BOOST_TEST(renewed.acquired);
    BOOST_TEST((renewed.expires_at > mine.expires_at));
    vault.release_lease(sage, "Books", "host-b"); // not the owner: nothing happens
    BOOST_TEST(!vault.acquire_lease(sage, "Books", "host-b", 10s).acquired);
    vault.release_lease(sage, "Books", "host-a");
    BOOST_TEST(vault.acquire_lease(sage, "Books", "host-b", 10s).acquired);
}

BOOST_AUTO_TEST_CASE(an_expired_lease_goes_to_the_next_taker)
{
    BOOST_TEST(vault.acquire_lease(sage, "Books", "dead-host", 300ms).acquired);
    BOOST_TEST(!vault.acquire_lease(sage, "Books", "host-b", 10s).acquired);
    std::this_thread::sleep_for(400ms);
    BOOST_TEST(vault.acquire_lease(sage, "Books", "host-b", 10s).acquired);
}

BOOST_AUTO_TEST_CASE(concurrent_takers_on_separate_connections_one_wins)
{
    std::atomic<int> acquired{0};
    std::atomic<int> held{0};
    std::vector<std::thread> takers;
    for (int i = 0; i < 8; ++i)
        takers.emplace_back([&, i] {
            auto own = test_database::open(dir.path());
            credential_vault mine(*own, [this]() -> const secret_cipher& { return key(); });
            const credential_lease lease = mine.acquire_lease(sage, "Books", "host-" + std::to_string(i), 10s);
            (lease.acquired ? acquired : held)++;
        });
    for (auto& t : takers)
        t.join();
    BOOST_TEST(acquired.load() == 1);
    BOOST_TEST(held.load() == 7);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(host_store, vault_fixture)

BOOST_AUTO_TEST_CASE(the_sdk_store_follows_the_protocol_and_answers_failures_instead_of_throwing)
{
    secret_redactor redactor;
    host_log log(dir / "host.log", false, redactor);
    host_credential_store store([this]() -> credential_vault& { return vault; }, sage, db->location(), log);
    connector_sdk::credential_store& sdk_store = store;

    const auto empty = sdk_store.read("Books");
    BOOST_TEST(empty.ok());
    BOOST_TEST(!empty.credential.has_value());
    const auto written = sdk_store.compare_and_set("Books", 0, token_set);
    BOOST_TEST((written.outcome == connector_sdk::credential_write_outcome::stored));
    BOOST_TEST(written.version == 1u);
    const auto conflict = sdk_store.compare_and_set("Books", 0, "late");
    BOOST_TEST((conflict.outcome == connector_sdk::credential_write_outcome::conflict));
    BOOST_TEST(conflict.version == 1u);
    const auto lease = sdk_store.acquire_lease("Books", "me", 5s);
    BOOST_TEST((lease.outcome == connector_sdk::lease_outcome::acquired));
    BOOST_TEST((sdk_store.acquire_lease("Books", "you", 5s).outcome == connector_sdk::lease_outcome::held));
    sdk_store.release_lease("Books", "me");
    BOOST_TEST((sdk_store.acquire_lease("Books", "you", 5s).outcome == connector_sdk::lease_outcome::acquired));
    BOOST_TEST((sdk_store.acquire_lease("Books", "", 5s).outcome == connector_sdk::lease_outcome::failed));
    BOOST_TEST(sdk_store.location().find("the host's database") == 0u);

    // A value that no longer opens is an answer with the cause, not an exception.
    db->execute("UPDATE credentials SET key_id = 'another-key'");
    const auto broken = sdk_store.read("Books");
    BOOST_TEST(!broken.ok());
    BOOST_TEST((broken.category == connector_sdk::error_category::config));
    BOOST_TEST(broken.message.find("host key") != std::string::npos, broken.message);
    BOOST_TEST(broken.message.find("rt-secret-222") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
