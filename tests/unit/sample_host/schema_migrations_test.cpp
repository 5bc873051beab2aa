// schema_migrations: a new database reaches the latest version, running again changes nothing, a
// failing migration leaves no trace, a newer database is refused, and two processes' worth of
// connections migrate one file safely.
#define BOOST_TEST_MODULE schema_migrations
#include <boost/test/unit_test.hpp>

#include "runtime/host_error.hpp"
#include "storage/schema_migrations.hpp"
#include "storage/sqlite_database.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

#include <array>
#include <thread>

using namespace sample_host;

namespace {

bool table_exists(database& db, std::string_view name)
{
    auto query = db.prepare(db.engine() == database_engine::sqlite
                                ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
                                : "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
                                  "AND table_name = ?");
    query.bind(1, name);
    return query.step();
}

std::string journal_mode(sqlite_database& db)
{
    auto query = db.prepare("PRAGMA journal_mode");
    query.step();
    return query.text(0);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_new_database_gets_every_table)
{
    test_support::temp_dir dir;
    auto owner = test_database::open(dir.path());
    database& db = *owner;
    BOOST_TEST(schema_version(db) == 0);
    migrate(db, host_migrations());
    BOOST_TEST(schema_version(db) == host_migrations().back().version);
    for (const char* table : {"tenants", "users", "connections", "connection_fields", "licenses", "trials_used",
                              "subscriptions", "issued_licenses", "credentials", "credential_leases", "host_key_in_use",
                              "clock_floor", "marketplace_signing_key", "oauth_apps", "schema_version"})
        BOOST_TEST(table_exists(db, table), table);
}

BOOST_AUTO_TEST_CASE(sqlite_runs_in_wal_mode, *boost::unit_test::precondition(test_database::only_on_sqlite()))
{
    test_support::temp_dir dir;
    sqlite_database db(dir / "host.db");
    migrate(db, host_migrations());
    BOOST_TEST(journal_mode(db) == "wal");
}

BOOST_AUTO_TEST_CASE(migrations_apply_in_order_once_and_later_ones_add_on)
{
    test_support::temp_dir dir;
    auto owner = test_database::open(dir.path());
    database& db = *owner;
    const std::array<migration, 1> first{{{1, "one", "CREATE TABLE a (x INTEGER);"}}};
    const std::array<migration, 2> both{{{1, "one", "CREATE TABLE a (x INTEGER);"},
                                         {2, "two", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);"}}};
    migrate(db, first);
    migrate(db, first); // a second run is a no-op (CREATE TABLE a would fail otherwise)
    BOOST_TEST(schema_version(db) == 1);
    migrate(db, both);
    BOOST_TEST(schema_version(db) == 2);
    BOOST_TEST(table_exists(db, "b"));
    auto rows = db.prepare("SELECT COUNT(*) FROM a");
    rows.step();
    BOOST_TEST(rows.integer(0) == 1);
}

BOOST_AUTO_TEST_CASE(a_failing_migration_changes_nothing)
{
    test_support::temp_dir dir;
    auto owner = test_database::open(dir.path());
    database& db = *owner;
    const std::array<migration, 2> broken{
        {{1, "one", "CREATE TABLE a (x INTEGER);"}, {2, "two", "CREATE TABLE b (y INTEGER); THIS IS NOT SQL;"}}};
    try {
        migrate(db, broken);
        BOOST_FAIL("a broken migration was accepted");
    } catch (const host_error& e) {
        BOOST_TEST(std::string(e.what()).find("schema version 2 (two) failed") != std::string::npos, e.what());
        BOOST_TEST(std::string(e.what()).find("Nothing was changed") != std::string::npos, e.what());
    }
    BOOST_TEST(schema_version(db) == 0);
    BOOST_TEST(!table_exists(db, "a"));
    BOOST_TEST(!table_exists(db, "b"));
}

BOOST_AUTO_TEST_CASE(a_database_from_a_newer_host_is_refused)
{
    test_support::temp_dir dir;
    auto owner = test_database::open(dir.path());
    database& db = *owner;
    migrate(db, host_migrations());
    db.execute("INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', 0)");
    try {
        migrate(db, host_migrations());
        BOOST_FAIL("a newer database was accepted");
    } catch (const host_error& e) {
        BOOST_TEST(std::string(e.what()).find("schema version 999") != std::string::npos, e.what());
        BOOST_TEST(std::string(e.what()).find("newer sample_host") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(concurrent_openers_migrate_one_file_once)
{
    test_support::temp_dir dir;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int i = 0; i < 6; ++i)
        threads.emplace_back([&] {
            try {
                auto db = test_database::open(dir.path());
                migrate(*db, host_migrations());
            } catch (...) {
                ++failures;
            }
        });
    for (auto& t : threads)
        t.join();
    BOOST_TEST(failures.load() == 0);
    auto db = test_database::open(dir.path());
    auto rows = db->prepare("SELECT COUNT(*) FROM schema_version");
    rows.step();
    BOOST_TEST(rows.integer(0) == static_cast<std::int64_t>(host_migrations().size()));
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_database_is_reported_with_a_remedy,
                     *boost::unit_test::precondition(test_database::only_on_sqlite()))
{
    test_support::temp_dir dir;
    test_support::write_file(dir / "host.db", std::string(4096, 'x'));
    try {
        sqlite_database db(dir / "host.db");
        migrate(db, host_migrations());
        BOOST_FAIL("garbage was opened as a database");
    } catch (const host_error& e) {
        BOOST_TEST(std::string(e.what()).find((dir / "host.db").string()) != std::string::npos, e.what());
        BOOST_TEST(std::string(e.what()).find("move it aside") != std::string::npos, e.what());
    }
}
