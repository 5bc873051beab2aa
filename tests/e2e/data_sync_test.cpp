// `sample_host sync --into URL` against the Sage sandbox, both as child processes: a sync SIGKILLed
// at random moments (latency injected so the kills land mid-read) and run again ends with a database
// equal to the sandbox's ground truth; records created, updated and deleted through the control API
// reach it on the next, incremental, sync; an entity Sage refuses (403) is reported while the others
// are mirrored; every business; a database holding other tables (the host's own) is refused. The
// mirror is read back with SQLite, or with libpq when SAMPLE_HOST_TEST_ENGINE=postgresql (CTest runs
// the suite a second time so, e2e_data_sync_test_postgresql, on a throw-away server).
#define BOOST_TEST_MODULE e2e_data_sync
#include <boost/test/unit_test.hpp>

#include "postgresql_server.hpp"
#include "sage_data_fixture.hpp"

#include <boost/json.hpp>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <thread>

using namespace e2e;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

bool on_postgresql()
{
    const char* chosen = std::getenv("SAMPLE_HOST_TEST_ENGINE");
    return chosen != nullptr && std::string_view(chosen) == "postgresql";
}

// One server for the suite (stopped when the process ends); a database per mirror.
test_support::postgresql_server& server()
{
    static test_support::postgresql_server instance;
    return instance;
}

struct engine_is {
    bool postgresql;
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const
    {
        return on_postgresql() == postgresql;
    }
};

using result_rows = std::vector<std::vector<std::optional<std::string>>>;

// A mirror database, read back with the engine's own client: an SQLite file in `folder`, or a new
// PostgreSQL database (the mirror in `schema`, sync's default when empty).
class mirror_database {
public:
    explicit mirror_database(const fs::path& folder, std::string schema = {}) : schema_(std::move(schema))
    {
        if (on_postgresql())
            url_ = server().url(server().create_database());
        else
            file_ = folder / "books.db";
    }

    // The --into argument (and --schema when one was chosen).
    [[nodiscard]] std::vector<std::string> into() const
    {
        std::vector<std::string> args{"--into", on_postgresql() ? url_ : "sqlite:" + file_.string()};
        if (!schema_.empty())
            args.insert(args.end(), {"--schema", schema_});
        return args;
    }
    [[nodiscard]] const std::string& url() const noexcept { return url_; }

    // `name` as a table of the mirror.
    [[nodiscard]] std::string table(const std::string& name) const
    {
        if (!on_postgresql())
            return "\"" + name + "\"";
        return "\"" + (schema_.empty() ? std::string("sync") : schema_) + "\".\"" + name + "\"";
    }

    // The rows of `sql` (NULL: none), or nothing when the statement fails (a table not created yet).
    [[nodiscard]] std::optional<result_rows> query(const std::string& sql) const
    {
        return on_postgresql() ? query_postgresql(sql) : query_sqlite(sql);
    }

private:
    std::optional<result_rows> query_sqlite(const std::string& sql) const
    {
        if (!fs::exists(file_))
            return std::nullopt;
        sqlite3* db = nullptr;
        BOOST_TEST_REQUIRE(sqlite3_open_v2(file_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
        std::unique_ptr<sqlite3, int (*)(sqlite3*)> owned(db, sqlite3_close);
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK)
            return std::nullopt;
        std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned_statement(statement, sqlite3_finalize);
        result_rows rows;
        while (sqlite3_step(statement) == SQLITE_ROW) {
            auto& row = rows.emplace_back();
            for (int column = 0; column < sqlite3_column_count(statement); ++column) {
                const auto* p = sqlite3_column_text(statement, column);
                row.push_back(p ? std::optional<std::string>(reinterpret_cast<const char*>(p)) : std::nullopt);
            }
        }
        return rows;
    }

    std::optional<result_rows> query_postgresql(const std::string& sql) const
    {
        std::unique_ptr<PGconn, void (*)(PGconn*)> connection(PQconnectdb(url_.c_str()), PQfinish);
        BOOST_TEST_REQUIRE((PQstatus(connection.get()) == CONNECTION_OK), PQerrorMessage(connection.get()));
        std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQexec(connection.get(), sql.c_str()), PQclear);
        if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
            return std::nullopt;
        result_rows rows;
        for (int r = 0; r < PQntuples(result.get()); ++r) {
            auto& row = rows.emplace_back();
            for (int column = 0; column < PQnfields(result.get()); ++column)
                row.push_back(PQgetisnull(result.get(), r, column) != 0
                                  ? std::nullopt
                                  : std::optional<std::string>(
                                        std::string(PQgetvalue(result.get(), r, column),
                                                    static_cast<std::size_t>(PQgetlength(result.get(), r, column)))));
        }
        return rows;
    }

    std::string schema_;
    fs::path file_;
    std::string url_;
};

struct mirrored_row {
    std::string updated_at;
    json::object record;
};

// business_id -> id -> row of `entity`'s table.
std::map<std::string, std::map<std::string, mirrored_row>> table_rows(const mirror_database& db,
                                                                      const std::string& entity)
{
    const auto rows = db.query("SELECT business_id, id, updated_at, record FROM " + db.table(entity));
    BOOST_TEST_REQUIRE(rows.has_value(), "no table " << db.table(entity));
    std::map<std::string, std::map<std::string, mirrored_row>> out;
    for (const auto& row : *rows) {
        auto record = json::parse(row.at(3).value_or(""));
        BOOST_TEST_REQUIRE(record.is_object());
        out[row.at(0).value_or("")][row.at(1).value_or("")] = {row.at(2).value_or(""), std::move(record.as_object())};
    }
    return out;
}

std::set<std::string> synced_entities(const mirror_database& db)
{
    std::set<std::string> names;
    // A sync killed before it created its tables has no state yet.
    if (const auto rows = db.query("SELECT entity FROM " + db.table("_sync_state")))
        for (const auto& row : *rows)
            names.insert(row.at(0).value_or(""));
    return names;
}

// The table of `entity` holds exactly the ground truth of `business`: every record once, equal.
void check_mirror(sage_data_fixture& sage, const mirror_database& db, const std::string& entity,
                  const std::string& business)
{
    const auto truth = by_id(sage.ground_truth(entity, business).at("records").as_array());
    const auto all = table_rows(db, entity);
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
    const mirror_database db(work.path());
    const std::vector<std::string> entities{"contacts", "sales_invoices", "ledger_accounts"};
    std::vector<std::string> args{"--entities", "contacts,sales_invoices,ledger_accounts", "--concurrency", "2"};
    std::vector<std::string> whole_args = args;
    const auto into = db.into();
    args.insert(args.end(), into.begin(), into.end());
    const std::string lead = sage.business_ids().at(0);
    sage.set_latency(15);

    // How long a whole sync takes here (into another database), so the kills land within one.
    const fs::path whole_folder = work / "whole";
    fs::create_directories(whole_folder);
    const mirror_database whole_db(whole_folder);
    const auto whole_into = whole_db.into();
    whole_args.insert(whole_args.end(), whole_into.begin(), whole_into.end());
    const auto started = std::chrono::steady_clock::now();
    const auto whole = sage.run("sync", whole_args);
    const auto duration = std::chrono::steady_clock::now() - started;
    BOOST_TEST_REQUIRE(whole.exit_code == 0, describe(whole));

    // The transaction logic is the same code on both engines: PostgreSQL gets fewer kills, enough to
    // land before, within and after the first checkpoints.
    const int kills = on_postgresql() ? 3 : 6;
    std::mt19937 random{std::random_device{}()};
    std::uniform_real_distribution<double> when(0.05, 0.4); // resumed syncs have less left to do
    for (int attempt = 0; attempt < kills; ++attempt) {
        auto child = sage.start("sync", args);
        std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::microseconds>(duration * when(random)));
        ::kill(child.pid, SIGKILL);
        const int status = finish(child);
        BOOST_TEST_MESSAGE("kill " << attempt << ": status " << status
                                   << ", entities with a state: " << synced_entities(db).size());
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
    const mirror_database db(work.path());
    (void)sage.control("/modes", {{"forbidden", json::array{"sales_invoices"}}});
    std::vector<std::string> args{"--entities", "contacts,sales_invoices,products"};
    const auto into = db.into();
    args.insert(args.end(), into.begin(), into.end());
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
    const mirror_database db(work.path(), on_postgresql() ? "books_2026" : "");
    std::vector<std::string> args{"--entities", "contacts,bank_accounts", "--business", "all"};
    const auto into = db.into();
    args.insert(args.end(), into.begin(), into.end());
    const auto doc = sync_json(sage, args);
    for (const auto& business : sage.business_ids()) {
        check_mirror(sage, db, "contacts", business);
        check_mirror(sage, db, "bank_accounts", business);
    }
    BOOST_TEST(entity_result(doc, "contacts").at("rows").as_int64() == 35);
    if (on_postgresql())
        BOOST_TEST(doc.at("schema").as_string() == "books_2026");
}

BOOST_AUTO_TEST_CASE(a_database_holding_other_tables_is_refused, *boost::unit_test::precondition(engine_is{false}))
{
    sage_data_fixture sage({.records = 5});
    // The host's own database (its data folder's host.db) is not a mirror.
    const auto r = sage.run("sync", {"--into", "sqlite:" + (sage.host().data() / "host.db").string()});
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.err, "holds tables that are not a sync mirror's"), describe(r));
    BOOST_TEST(contains(r.err, "a file of its own"), describe(r));
}

BOOST_AUTO_TEST_CASE(on_postgresql_the_mirror_lives_in_a_schema_of_its_own_beside_the_host_tables,
                     *boost::unit_test::precondition(engine_is{true}))
{
    sage_data_fixture sage({.records = 25});
    test_support::temp_dir work("data-sync-e2e");
    const mirror_database db(work.path());
    // A host keeps its tables in the same database (its migrations run on first use).
    sample_host_runner other_host;
    const auto listed = other_host.run({"users", "list"}, {{"SAMPLE_HOST_DATABASE", db.url()}});
    BOOST_TEST_REQUIRE(listed.exit_code == 0, describe(listed));
    const auto host_tables = db.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
    BOOST_TEST_REQUIRE(host_tables.has_value());

    // Into the schema the host's tables are in: refused, naming the remedy.
    const auto refused = sage.run("sync", {"--into", db.url(), "--schema", "public", "--entities", "contacts"});
    BOOST_TEST(refused.exit_code == 1, describe(refused));
    BOOST_TEST(contains(refused.err, "schema public"), describe(refused));
    BOOST_TEST(contains(refused.err, "not a sync mirror's"), describe(refused));
    BOOST_TEST(contains(refused.err, "--schema"), describe(refused));

    // The default schema: created, beside the host's tables, which stay as they were. A password in
    // the URL (this server trusts its socket and ignores it) is never printed.
    const std::string with_password = db.url() + "&password=hunter2";
    const auto doc = sync_json(sage, {"--into", with_password, "--entities", "contacts"});
    BOOST_TEST(doc.at("schema").as_string() == "sync");
    BOOST_TEST(!contains(json::serialize(doc), "hunter2"));
    const auto text = sage.run("sync", {"--into", with_password, "--entities", "contacts"});
    BOOST_TEST(text.exit_code == 0, describe(text));
    BOOST_TEST(contains(text.out, "(schema sync)"), describe(text));
    BOOST_TEST(!contains(text.out + text.err + sage.host().transcript(), "hunter2"), describe(text));
    BOOST_TEST(!contains(all_bytes_under(sage.host().data()), "hunter2"), "the host's log and data hold no password");
    check_mirror(sage, db, "contacts", sage.business_ids().at(0));
    BOOST_TEST((db.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == host_tables));
    const auto still = other_host.run({"users", "list"}, {{"SAMPLE_HOST_DATABASE", db.url()}});
    BOOST_TEST(still.exit_code == 0, describe(still));

    // A user without the right to create the schema hears which rights the mirror needs; once an
    // administrator prepared a schema for it, the same user mirrors into it.
    const std::string role = "reader_" + std::to_string(::getpid());
    const std::string database = db.url().substr(db.url().find("@/") + 2, db.url().find('?') - db.url().find("@/") - 2);
    (void)server().query(database, "CREATE ROLE " + role + " LOGIN");
    const std::string as_reader = "postgresql://" + role + db.url().substr(db.url().find('@'));
    const auto denied = sage.run("sync", {"--into", as_reader, "--schema", "books", "--entities", "contacts"});
    BOOST_TEST(denied.exit_code == 1, describe(denied));
    BOOST_TEST(contains(denied.err, "permission denied"), describe(denied));
    BOOST_TEST(contains(denied.err, "CREATE on the database"), describe(denied));
    (void)server().query(database, "CREATE SCHEMA books AUTHORIZATION " + role);
    const auto prepared = sync_json(sage, {"--into", as_reader, "--schema", "books", "--entities", "contacts"});
    BOOST_TEST(entity_result(prepared, "contacts").at("rows").as_int64() == 25);

    // Names that would mean something else quoted and unquoted, or PostgreSQL's own: usage errors.
    for (const std::string schema : {"Sync", "a-b", "1st", "pg_temp", "information_schema", ""}) {
        const auto r = sage.run("sync", {"--into", db.url(), "--schema", schema, "--entities", "contacts"});
        if (schema.empty()) {
            BOOST_TEST(r.exit_code == 0, describe(r)); // an empty --schema is the default
            continue;
        }
        BOOST_TEST(r.exit_code == 2, schema << ": " << describe(r));
        BOOST_TEST(contains(r.err, "--schema"), describe(r));
    }
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2, *boost::unit_test::precondition(engine_is{false}))
{
    sage_data_fixture sage({.records = 5});
    for (const auto& [args, cause] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"--into", "books.db"}, "--into is neither an sqlite: nor a postgresql:// URL"},
             {{"--into", "mysql://u:hunter2@db/x"}, "postgresql://USER@HOST"},
             {{"--into", "sqlite:"}, "--into names no SQLite file"},
             {{"--into", "sqlite:x.db", "--schema", "books"}, "--schema applies to a PostgreSQL --into only"},
             {{"--into", "sqlite:x.db", "--entities", "contacts,nope"}, "no entity 'nope'"},
             {{"--into", "sqlite:x.db", "--entities", ","}, "--entities names no entity"},
             {{"--into", "sqlite:x.db", "--concurrency", "0"}, "--concurrency"},
             {{}, "--into"}}) {
        const auto r = sage.run("sync", args);
        BOOST_TEST(r.exit_code == 2, describe(r));
        BOOST_TEST(contains(r.err, cause), r.err);
        BOOST_TEST(!contains(r.out + r.err, "hunter2"), describe(r));
    }
}

BOOST_AUTO_TEST_CASE(an_unreachable_database_names_the_cause_and_the_remedy_without_the_password,
                     *boost::unit_test::precondition(engine_is{false}))
{
    sage_data_fixture sage({.records = 5});
    test_support::temp_dir work("data-sync-e2e");
    const auto down =
        sage.run("sync", {"--into", "postgresql://reader:hunter2@/books?host=" + (work / "no-server").string(),
                          "--entities", "contacts"});
    BOOST_TEST(down.exit_code == 1, describe(down));
    BOOST_TEST(contains(down.err, "cannot connect"), describe(down));
    BOOST_TEST(contains(down.err, "PGPASSWORD"), describe(down));
    BOOST_TEST(contains(down.err, "--into"), describe(down));
    BOOST_TEST(!contains(down.err, "--database"), describe(down));
    BOOST_TEST(!contains(down.out + down.err, "hunter2"), describe(down));

    const auto no_folder =
        sage.run("sync", {"--into", "sqlite:" + (work / "missing" / "books.db").string(), "--entities", "contacts"});
    BOOST_TEST(no_folder.exit_code == 1, describe(no_folder));
    BOOST_TEST(contains(no_folder.err, "does not exist"), describe(no_folder));
}
