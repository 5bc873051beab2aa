// `sample_host sync --into sqlite:FILE` against the Sage sandbox, both as child processes: a sync
// SIGKILLed at random moments (latency injected so the kills land mid-read) and run again ends with a
// database equal to the sandbox's ground truth; records created, updated and deleted through the
// control API reach it on the next, incremental, sync; an entity Sage refuses (403) is reported while
// the others are mirrored; every business; the database is read with SQLite here.
#define BOOST_TEST_MODULE e2e_data_sync
#include <boost/test/unit_test.hpp>

#include "sage_data_fixture.hpp"

#include <boost/json.hpp>

#include <sqlite3.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

using namespace e2e;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

struct mirrored_row {
    std::string updated_at;
    json::object record;
};

// business_id -> id -> row of `table` in the database `file`.
std::map<std::string, std::map<std::string, mirrored_row>> table_rows(const fs::path& file, const std::string& table)
{
    sqlite3* db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> owned(db, sqlite3_close);
    sqlite3_stmt* statement = nullptr;
    const std::string sql = "SELECT business_id, id, updated_at, record FROM \"" + table + "\"";
    BOOST_TEST_REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK, sqlite3_errmsg(db));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned_statement(statement, sqlite3_finalize);
    std::map<std::string, std::map<std::string, mirrored_row>> rows;
    auto text = [&](int column) {
        const auto* p = sqlite3_column_text(statement, column);
        return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
    };
    while (sqlite3_step(statement) == SQLITE_ROW) {
        auto record = json::parse(text(3));
        BOOST_TEST_REQUIRE(record.is_object());
        rows[text(0)][text(1)] = {text(2), std::move(record.as_object())};
    }
    return rows;
}

std::set<std::string> synced_entities(const fs::path& file)
{
    sqlite3* db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> owned(db, sqlite3_close);
    sqlite3_stmt* statement = nullptr;
    std::set<std::string> names;
    // A sync killed after creating the file but before its tables has no state yet.
    if (sqlite3_prepare_v2(db, "SELECT entity FROM _sync_state", -1, &statement, nullptr) != SQLITE_OK)
        return names;
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned_statement(statement, sqlite3_finalize);
    while (sqlite3_step(statement) == SQLITE_ROW)
        names.emplace(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    return names;
}

// The table of `entity` holds exactly the ground truth of `business`: every record once, equal.
void check_mirror(sage_data_fixture& sage, const fs::path& file, const std::string& entity, const std::string& business)
{
    const auto truth = by_id(sage.ground_truth(entity, business).at("records").as_array());
    const auto all = table_rows(file, entity);
    const auto it = all.find(business);
    BOOST_TEST_REQUIRE((it != all.end()), entity << ": no row of business " << business);
    const auto& rows = it->second;
    BOOST_TEST(rows.size() == truth.size(),
               entity << ": " << rows.size() << " rows for " << truth.size() << " records");
    for (const auto& [id, record] : truth) {
        const auto row = rows.find(id);
        if (row == rows.end()) {
            BOOST_ERROR(entity << ": " << id << " is missing");
            continue;
        }
        BOOST_TEST((row->second.record == record), entity << ": " << id << " differs");
        BOOST_TEST(row->second.updated_at == std::string(record.at("updated_at").as_string()));
    }
    for (const auto& [id, row] : rows)
        BOOST_TEST(truth.count(id) == 1u, entity << ": " << id << " is no longer in Sage");
}

json::object entity_result(const json::value& doc, const std::string& entity)
{
    for (const auto& e : doc.at("entities").as_array())
        if (e.at("entity").as_string() == entity)
            return e.as_object();
    BOOST_FAIL("the sync did not report " << entity);
    return {};
}

json::value sync_json(sage_data_fixture& sage, const std::vector<std::string>& args, int expected_exit = 0)
{
    std::vector<std::string> with{"--json", "sync"};
    const auto full = sage.arguments("sync", args);
    with.insert(with.end(), full.begin() + 1, full.end());
    const auto r = sage.host().run(with, sage.environment());
    BOOST_TEST_REQUIRE(r.exit_code == expected_exit, describe(r));
    return json::parse(r.out);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_sync_killed_at_random_moments_then_resumed_equals_the_ground_truth_and_stays_so)
{
    sage_data_fixture sage({.records = 700, .other_records = 3});
    test_support::temp_dir work("data-sync-e2e");
    const fs::path db = work / "books.db";
    const std::vector<std::string> entities{"contacts", "sales_invoices", "ledger_accounts"};
    const std::vector<std::string> args{"--into",        "sqlite:" + db.string(),
                                        "--entities",    "contacts,sales_invoices,ledger_accounts",
                                        "--concurrency", "2"};
    const std::string lead = sage.business_ids().at(0);
    sage.set_latency(15);

    // How long a whole sync takes here (into another database), so the kills land within one.
    const auto started = std::chrono::steady_clock::now();
    const std::vector<std::string> whole_args{"--into",        "sqlite:" + (work / "whole.db").string(),
                                              "--entities",    "contacts,sales_invoices,ledger_accounts",
                                              "--concurrency", "2"};
    const auto whole = sage.run("sync", whole_args);
    const auto duration = std::chrono::steady_clock::now() - started;
    BOOST_TEST_REQUIRE(whole.exit_code == 0, describe(whole));

    std::mt19937 random{std::random_device{}()};
    std::uniform_real_distribution<double> when(0.05, 0.4); // resumed syncs have less left to do
    for (int attempt = 0; attempt < 6; ++attempt) {
        auto child = sage.start("sync", args);
        std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::microseconds>(duration * when(random)));
        ::kill(child.pid, SIGKILL);
        const int status = finish(child);
        BOOST_TEST_MESSAGE("kill " << attempt << ": status " << status
                                   << ", entities with a state: " << (fs::exists(db) ? synced_entities(db).size() : 0));
    }
    sage.set_latency(0);
    const auto resumed = sync_json(sage, args);
    for (const auto& entity : entities) {
        BOOST_TEST(entity_result(resumed, entity).at("complete").as_bool());
        check_mirror(sage, db, entity, lead);
    }
    BOOST_TEST((synced_entities(db) == std::set<std::string>(entities.begin(), entities.end())));

    // Changes in Sage: created, updated and deleted records of two entities.
    for (const std::string entity : {"contacts", "sales_invoices"}) {
        const auto truth = sage.ground_truth(entity).at("records").as_array();
        (void)sage.control("/records/create", {{"entity", entity}, {"count", 3}});
        (void)sage.control("/records/update",
                           {{"entity", entity},
                            {"ids", json::array{truth.at(1).at("id"), truth.at(400).at("id"), truth.at(699).at("id")}},
                            {"fields", json::object{{"notes", "changed by the e2e test"}}}});
        (void)sage.control("/records/delete",
                           {{"entity", entity}, {"ids", json::array{truth.at(0).at("id"), truth.at(555).at("id")}}});
    }
    // A deletion in the second a page read begins counts as one during it (the next read would read
    // the window again, delivering records twice): the changes are made a few seconds before the sync.
    (void)sage.control("/clock/advance", {{"seconds", 5}});
    const auto incremental = sync_json(sage, args);
    for (const auto& entity : entities)
        check_mirror(sage, db, entity, lead);
    for (const std::string entity : {"contacts", "sales_invoices"}) {
        const auto result = entity_result(incremental, entity);
        // Only what changed was read: 3 created + 3 updated records, 2 deletions.
        BOOST_TEST(result.at("records").as_int64() == 6, json::serialize(result));
        BOOST_TEST(result.at("deletions").as_int64() == 2, json::serialize(result));
        BOOST_TEST(result.at("rows").as_int64() == 701, json::serialize(result));
    }
    BOOST_TEST(entity_result(incremental, "ledger_accounts").at("records").as_int64() == 0);

    // And once more with nothing changed: nothing read, nothing changed.
    const auto quiet = sync_json(sage, args);
    for (const auto& entity : entities) {
        BOOST_TEST(entity_result(quiet, entity).at("records").as_int64() == 0);
        check_mirror(sage, db, entity, lead);
    }
    sage.check_nothing_secret_printed();
}

BOOST_AUTO_TEST_CASE(an_entity_sage_refuses_is_reported_and_the_others_are_mirrored)
{
    sage_data_fixture sage({.records = 40});
    test_support::temp_dir work("data-sync-e2e");
    const fs::path db = work / "books.db";
    (void)sage.control("/modes", {{"forbidden", json::array{"sales_invoices"}}});
    const std::vector<std::string> args{"--into", "sqlite:" + db.string(), "--entities",
                                        "contacts,sales_invoices,products"};
    const auto r = sage.run("sync", args);
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.out, "sales_invoices"), describe(r));
    BOOST_TEST(contains(r.out + r.err, "Sales"), "the refusal names Sage's role area: " << describe(r));
    const std::string lead = sage.business_ids().at(0);
    check_mirror(sage, db, "contacts", lead);
    check_mirror(sage, db, "products", lead);
    BOOST_TEST(synced_entities(db).count("contacts") == 1u);

    // Access granted again: the next sync completes the refused entity.
    (void)sage.control("/modes", {{"forbidden", false}});
    const auto again = sync_json(sage, args);
    BOOST_TEST(entity_result(again, "sales_invoices").at("complete").as_bool());
    check_mirror(sage, db, "sales_invoices", lead);
}

BOOST_AUTO_TEST_CASE(every_business_into_one_table)
{
    sage_data_fixture sage({.records = 30, .other_records = 5});
    test_support::temp_dir work("data-sync-e2e");
    const fs::path db = work / "books.db";
    const auto doc = sync_json(
        sage, {"--into", "sqlite:" + db.string(), "--entities", "contacts,bank_accounts", "--business", "all"});
    for (const auto& business : sage.business_ids()) {
        check_mirror(sage, db, "contacts", business);
        check_mirror(sage, db, "bank_accounts", business);
    }
    BOOST_TEST(entity_result(doc, "contacts").at("rows").as_int64() == 35);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2)
{
    sage_data_fixture sage({.records = 5});
    for (const auto& [args, cause] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"--into", "books.db"}, "--into takes sqlite:FILE"},
             {{"--into", "sqlite:"}, "--into takes sqlite:FILE"},
             {{"--into", "sqlite:x.db", "--entities", "contacts,nope"}, "no entity 'nope'"},
             {{"--into", "sqlite:x.db", "--entities", ","}, "--entities names no entity"},
             {{"--into", "sqlite:x.db", "--concurrency", "0"}, "--concurrency"},
             {{}, "--into"}}) {
        const auto r = sage.run("sync", args);
        BOOST_TEST(r.exit_code == 2, describe(r));
        BOOST_TEST(contains(r.err, cause), r.err);
    }
}
