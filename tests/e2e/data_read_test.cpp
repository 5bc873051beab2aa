// `sample_host read` against the Sage sandbox, both as child processes: every record exactly once
// against the sandbox's ground truth (page sizes, concurrency, both ways through a collection),
// deletions as {"id":...,"_deleted":true} lines, CSV, --fields, --filter, --limit, --business all, usage
// errors (exit 2), the licence refusal; and a read SIGKILLed at random moments with latency injected,
// run again with the same --state and --out, ending with every record in the file exactly once.
#define BOOST_TEST_MODULE e2e_data_read
#include <boost/test/unit_test.hpp>

#include "sage_data_fixture.hpp"

#include <boost/json.hpp>

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

const std::string sentence =
    "Please request your administrator to start a trial or subscribe to the Premium Sage Cloud Accounting connector.";

// Every line of `lines` is a record of `truth` equal to it, and every record of `truth` is there once.
void check_exactly_once(const std::vector<json::object>& lines, const json::object& truth, const std::string& what)
{
    const auto expected = by_id(truth.at("records").as_array());
    std::map<std::string, int> seen;
    for (const auto& line : lines) {
        const std::string id(line.at("id").as_string());
        ++seen[id];
        const auto it = expected.find(id);
        BOOST_TEST_REQUIRE((it != expected.end()), what << ": " << id << " is not a record of the ground truth");
        BOOST_TEST((line == it->second), what << ": " << id << " differs from the ground truth");
    }
    std::size_t duplicated = 0;
    for (const auto& [id, n] : seen)
        duplicated += n > 1 ? 1 : 0;
    BOOST_TEST(duplicated == 0u, what << ": " << duplicated << " records more than once");
    BOOST_TEST(seen.size() == expected.size(), what << ": " << seen.size() << " of " << expected.size() << " records");
    BOOST_TEST(lines.size() == expected.size(), what);
}

// RFC 4180 rows (quoted cells may hold commas, quotes and newlines).
std::vector<std::vector<std::string>> csv_rows(const std::string& text)
{
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.push_back(std::move(cell));
            cell.clear();
        } else if (c == '\n') {
            row.push_back(std::move(cell));
            cell.clear();
            rows.push_back(std::move(row));
            row.clear();
        } else {
            cell += c;
        }
    }
    BOOST_TEST(cell.empty());
    BOOST_TEST(row.empty(), "the CSV does not end with a newline");
    return rows;
}

// The CSV cell the host should write for a JSON value.
std::string expected_cell(const json::value& v)
{
    switch (v.kind()) {
    case json::kind::string: return std::string(v.get_string());
    case json::kind::null: return {};
    case json::kind::bool_: return v.get_bool() ? "true" : "false";
    default: return json::serialize(v);
    }
}

struct read_fixture : sage_data_fixture {
    test_support::temp_dir work{"data-read-e2e"};
    read_fixture() : sage_data_fixture({.records = 450, .other_records = 7}) {}
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(read_records, read_fixture)

BOOST_AUTO_TEST_CASE(ndjson_on_standard_output_every_record_once)
{
    // contacts: paged by number (Sage cannot sort them), 3 pages of 200, fetched concurrently.
    const auto r = run("read", {"contacts"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    check_exactly_once(ndjson_objects(r.out), ground_truth("contacts"), "contacts");
    BOOST_TEST(contains(r.err, "contacts: 450 records, 0 deletions, 3 pages, 3 requests"), r.err);
    // Records exactly as Sage sent them: the bytes of the ground truth's serialisation, line by line.
    const auto first = ndjson_objects(r.out).front();
    BOOST_TEST(r.out.substr(0, r.out.find('\n')) == json::serialize(first));
    check_nothing_secret_printed();
}

BOOST_AUTO_TEST_CASE(every_record_once_across_page_sizes_and_concurrency)
{
    const auto contacts = ground_truth("contacts");
    const auto invoices = ground_truth("sales_invoices");
    for (const auto& [entity, page_size, concurrency] :
         std::vector<std::tuple<std::string, int, int>>{{"contacts", 7, 1},
                                                        {"contacts", 13, 4},
                                                        {"contacts", 200, 16},
                                                        {"sales_invoices", 50, 4}, // sorted by updated_at
                                                        {"sales_invoices", 199, 1},
                                                        {"ledger_accounts", 31, 3}}) {
        const fs::path out = work / (entity + "-" + std::to_string(page_size) + ".ndjson");
        const auto r = run("read", {entity, "--page-size", std::to_string(page_size), "--concurrency",
                                    std::to_string(concurrency), "--out", out.string()});
        BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
        BOOST_TEST(r.out.empty(), "with --out nothing goes to standard output: " << r.out);
        const auto truth = entity == "contacts"         ? contacts
                           : entity == "sales_invoices" ? invoices
                                                        : ground_truth(entity);
        check_exactly_once(ndjson_objects(test_support::read_file(out)), truth,
                           entity + " by " + std::to_string(page_size) + " x" + std::to_string(concurrency));
    }
}

BOOST_AUTO_TEST_CASE(a_second_read_with_the_state_brings_changes_and_deletions)
{
    const fs::path state = work / "contacts.state";
    const auto first = run("read", {"contacts", "--state", state.string(), "--deletions"});
    BOOST_TEST_REQUIRE(first.exit_code == 0, describe(first));
    check_exactly_once(ndjson_objects(first.out), ground_truth("contacts"), "first read");
    BOOST_TEST_REQUIRE(fs::exists(state));

    // Nothing changed: nothing to read.
    const auto quiet = run("read", {"contacts", "--state", state.string(), "--deletions"});
    BOOST_TEST_REQUIRE(quiet.exit_code == 0, describe(quiet));
    BOOST_TEST(quiet.out.empty(), quiet.out);

    const auto truth = ground_truth("contacts");
    const auto& records = truth.at("records").as_array();
    const std::string gone_1(records.at(3).at("id").as_string());
    const std::string gone_2(records.at(250).at("id").as_string());
    const std::string changed(records.at(100).at("id").as_string());
    (void)control("/records/delete", {{"entity", "contacts"}, {"ids", json::array{gone_1.c_str(), gone_2.c_str()}}});
    const auto updated = control(
        "/records/update",
        {{"entity", "contacts"}, {"id", changed}, {"fields", json::object{{"name", "Renamed \"Quoted\", Ltd"}}}});
    const auto created = control("/records/create", {{"entity", "contacts"}, {"count", 2}});

    const auto second = run("read", {"contacts", "--state", state.string(), "--deletions"});
    BOOST_TEST_REQUIRE(second.exit_code == 0, describe(second));
    const auto lines = ndjson_objects(second.out);
    std::set<std::string> deleted;
    std::map<std::string, json::object> records_read;
    for (const auto& line : lines) {
        if (line.contains("_deleted")) {
            BOOST_TEST(line.size() == 2u, json::serialize(line));
            BOOST_TEST(line.at("_deleted") == json::value(true));
            deleted.emplace(line.at("id").as_string());
        } else {
            records_read.emplace(std::string(line.at("id").as_string()), line);
        }
    }
    BOOST_TEST((deleted == std::set<std::string>{gone_1, gone_2}));
    const auto now = by_id(ground_truth("contacts").at("records").as_array());
    std::set<std::string> expected_ids{changed};
    for (const auto& r : created.at("records").as_array())
        expected_ids.emplace(r.at("id").as_string());
    std::set<std::string> read_ids;
    for (const auto& [id, record] : records_read) {
        read_ids.insert(id);
        BOOST_TEST((record == now.at(id)), id);
    }
    BOOST_TEST((read_ids == expected_ids), second.out);
    BOOST_TEST(records_read.at(changed).at("name").as_string() == "Renamed \"Quoted\", Ltd");
    (void)updated;
    // The deletion lines are exactly {"id": "...", "_deleted": true}.
    BOOST_TEST(contains(second.out, "{\"id\":\"" + gone_1 + "\",\"_deleted\":true}\n"), second.out);
}

BOOST_AUTO_TEST_CASE(csv_with_every_schema_field_and_with_chosen_fields)
{
    const auto truth = by_id(ground_truth("contacts").at("records").as_array());

    const auto chosen =
        run("read", {"contacts", "--format", "csv", "--fields", "name,balance,updated_at,contact_types"});
    BOOST_TEST_REQUIRE(chosen.exit_code == 0, describe(chosen));
    auto rows = csv_rows(chosen.out);
    BOOST_TEST_REQUIRE(rows.size() == truth.size() + 1);
    BOOST_TEST((rows.front() == std::vector<std::string>{"id", "name", "balance", "updated_at", "contact_types"}));
    std::set<std::string> ids;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto& row = rows[i];
        BOOST_TEST_REQUIRE(row.size() == 5u);
        ids.insert(row[0]);
        const auto& record = truth.at(row[0]);
        BOOST_TEST(row[1] == expected_cell(record.at("name")));
        BOOST_TEST(row[3] == expected_cell(record.at("updated_at")));
        // Nested values are compact JSON in one cell.
        BOOST_TEST((json::parse(row[4]) == record.at("contact_types")), row[4]);
        // Numbers as JSON numbers: the same value.
        if (!record.at("balance").is_null())
            BOOST_TEST(json::parse(row[2]).to_number<double>() == record.at("balance").to_number<double>());
    }
    BOOST_TEST(ids.size() == truth.size());

    // Without --fields: every property of the entity's schema is a column, in the schema's order,
    // the primary key first.
    const auto schema = json::parse(run("schema", {"contacts"}).out);
    std::vector<std::string> properties{"id"};
    for (const auto& p : schema.at("$defs").at("Contact").at("properties").as_object())
        if (p.key() != "id")
            properties.emplace_back(p.key());
    const auto all = run("read", {"contacts", "--format", "csv", "--limit", "20", "--page-size", "20"});
    BOOST_TEST_REQUIRE(all.exit_code == 0, describe(all));
    rows = csv_rows(all.out);
    BOOST_TEST_REQUIRE(rows.size() == 21u);
    BOOST_TEST((rows.front() == properties));
    for (std::size_t i = 1; i < rows.size(); ++i) {
        BOOST_TEST_REQUIRE(rows[i].size() == properties.size());
        const auto& record = truth.at(rows[i][0]);
        for (std::size_t c = 0; c < properties.size(); ++c) {
            const auto* value = record.if_contains(properties[c]);
            const std::string expected = value ? expected_cell(*value) : std::string();
            if (value && value->is_double())
                BOOST_TEST(json::parse(rows[i][c]).to_number<double>() == value->to_number<double>());
            else
                BOOST_TEST(rows[i][c] == expected, properties[c] << " of " << rows[i][0]);
        }
    }
}

BOOST_AUTO_TEST_CASE(csv_deletions_have_the_deleted_column)
{
    const fs::path state = work / "csv.state";
    const auto first = run("read", {"contacts", "--format", "csv", "--fields", "name", "--deletions", "--state",
                                    state.string(), "--out", (work / "first.csv").string()});
    BOOST_TEST_REQUIRE(first.exit_code == 0, describe(first));
    const auto rows = csv_rows(test_support::read_file(work / "first.csv"));
    BOOST_TEST((rows.front() == std::vector<std::string>{"id", "name", "_deleted"}));
    BOOST_TEST(rows.size() == 451u);

    const std::string gone(ground_truth("contacts").at("records").as_array().at(7).at("id").as_string());
    (void)control("/records/delete", {{"entity", "contacts"}, {"id", gone}});
    const auto second = run("read", {"contacts", "--format", "csv", "--fields", "name", "--deletions", "--state",
                                     state.string(), "--out", (work / "second.csv").string()});
    BOOST_TEST_REQUIRE(second.exit_code == 0, describe(second));
    const auto deletions = csv_rows(test_support::read_file(work / "second.csv"));
    BOOST_TEST_REQUIRE(deletions.size() == 2u);
    BOOST_TEST((deletions.front() == std::vector<std::string>{"id", "name", "_deleted"}));
    BOOST_TEST((deletions.back() == std::vector<std::string>{gone, "", "true"}));
}

BOOST_AUTO_TEST_CASE(fields_filter_and_limit)
{
    const auto truth = by_id(ground_truth("sales_invoices").at("records").as_array());

    // --fields: only those (and the identity Sage always sends) come back.
    const auto some = run("read", {"sales_invoices", "--fields", "invoice_number,total_amount"});
    BOOST_TEST_REQUIRE(some.exit_code == 0, describe(some));
    const auto lines = ndjson_objects(some.out);
    BOOST_TEST(lines.size() == truth.size());
    const std::set<std::string> allowed{"id", "displayed_as", "$path", "invoice_number", "total_amount", "updated_at"};
    for (const auto& line : lines) {
        for (const auto& field : line)
            BOOST_TEST(allowed.count(std::string(field.key())) == 1u, field.key() << " was not asked for");
        const auto& record = truth.at(std::string(line.at("id").as_string()));
        BOOST_TEST((line.at("invoice_number") == record.at("invoice_number")));
        BOOST_TEST((line.at("total_amount") == record.at("total_amount")));
    }

    // --filter: the invoices of one contact, as the ground truth has them.
    const std::string contact(truth.begin()->second.at("contact").at("id").as_string());
    std::set<std::string> expected;
    for (const auto& [id, record] : truth)
        if (record.at("contact").at("id").as_string() == contact)
            expected.insert(id);
    const auto filtered = run("read", {"sales_invoices", "--filter", "contact_id=" + contact});
    BOOST_TEST_REQUIRE(filtered.exit_code == 0, describe(filtered));
    std::set<std::string> got;
    for (const auto& line : ndjson_objects(filtered.out))
        got.emplace(line.at("id").as_string());
    BOOST_TEST((got == expected));
    BOOST_TEST(!expected.empty());

    // --filter search=: a case-insensitive substring of the name.
    const auto contacts = ground_truth("contacts");
    const std::string name(contacts.at("records").as_array().at(0).at("name").as_string());
    const std::string word = name.substr(0, name.find(' '));
    const auto searched = run("read", {"contacts", "--filter", "search=" + word});
    BOOST_TEST_REQUIRE(searched.exit_code == 0, describe(searched));
    const auto found = ndjson_objects(searched.out);
    BOOST_TEST(!found.empty());
    for (const auto& line : found)
        BOOST_TEST(contains(line.at("displayed_as").as_string().c_str(), word), json::serialize(line));

    // --limit: exactly that many, the first ones; the summary says the read is not complete.
    const auto limited = run("read", {"contacts", "--limit", "5"});
    BOOST_TEST_REQUIRE(limited.exit_code == 0, describe(limited));
    const auto five = ndjson_objects(limited.out);
    BOOST_TEST_REQUIRE(five.size() == 5u);
    for (std::size_t i = 0; i < 5; ++i)
        BOOST_TEST((five[i] == contacts.at("records").as_array().at(i).as_object()));
    BOOST_TEST(contains(limited.err, "(not complete)"), limited.err);
}

BOOST_AUTO_TEST_CASE(every_business)
{
    const auto ids = business_ids();
    BOOST_TEST_REQUIRE(ids.size() == 2u);
    const auto lead = by_id(ground_truth("contacts", ids[0]).at("records").as_array());
    const auto other = by_id(ground_truth("contacts", ids[1]).at("records").as_array());
    BOOST_TEST_REQUIRE(other.size() == 7u);

    const auto r = run("read", {"contacts", "--business", "all", "--page-size", "50"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    std::size_t from_lead = 0, from_other = 0;
    std::set<std::string> seen;
    for (const auto& line : ndjson_objects(r.out)) {
        const std::string id(line.at("id").as_string());
        BOOST_TEST(seen.insert(id).second, id << " twice");
        if (lead.count(id) && lead.at(id) == line)
            ++from_lead;
        else if (other.count(id) && other.at(id) == line)
            ++from_other;
        else
            BOOST_ERROR(id << " is no record of either business");
    }
    BOOST_TEST(from_lead == lead.size());
    BOOST_TEST(from_other == other.size());

    // One business by id.
    const auto one = run("read", {"contacts", "--business", ids[1]});
    BOOST_TEST_REQUIRE(one.exit_code == 0, describe(one));
    check_exactly_once(ndjson_objects(one.out), ground_truth("contacts", ids[1]), "the second business");
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2_with_the_cause)
{
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"contacts", "--concurrency", "0"}, "--concurrency"},
        {{"contacts", "--concurrency", "17"}, "--concurrency"},
        {{"contacts", "--page-size", "201"}, "--page-size"},
        {{"contacts", "--format", "xml"}, "--format"},
        {{"contacts", "--limit", "0"}, "--limit"},
        {{"contacts", "--filter", "search"}, "--filter takes KEY=VALUE"},
        {{"contacts", "--since", "yesterday"}, "--since takes an ISO-8601"},
        {{"--out", "x.ndjson"}, "entity"},
        {{"no_such_entity"}, "no_such_entity"},
        {{"contacts", "--fields", "name,no_such_field"}, "no_such_field"},
        {{"contacts", "--filter", "no_such_filter=1"}, "no_such_filter"},
    };
    for (const auto& [args, cause] : cases) {
        const auto r = run("read", args);
        BOOST_TEST(r.exit_code == 2, describe(r));
        BOOST_TEST(contains(r.err, cause), "the message names " << cause << ": " << r.err);
        BOOST_TEST(r.out.empty(), r.out);
    }
    // The state file of another program is refused, not overwritten.
    const fs::path foreign = work / "foreign.state";
    test_support::write_file(foreign, "not json");
    const auto r = run("read", {"contacts", "--state", foreign.string()});
    BOOST_TEST(r.exit_code != 0, describe(r));
    BOOST_TEST(contains(r.err, "is not one sample_host read wrote"), r.err);
    BOOST_TEST(test_support::read_file(foreign) == "not json");
    // Nothing reached Sage's API for any of them.
    const auto requests = counters().at("requests").as_object();
    BOOST_TEST(!requests.contains("contacts"), json::serialize(requests));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(an_unlicensed_read_is_refused_with_the_marketplace_sentence)
{
    sage_data_fixture unlicensed({.records = 10, .licensed = false});
    const auto r = unlicensed.run("read", {"contacts"});
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.err, sentence), describe(r));
    BOOST_TEST(r.out.empty());
    const auto requests = unlicensed.counters().at("requests").as_object();
    BOOST_TEST(!requests.contains("contacts"), json::serialize(requests));
    const auto sync = unlicensed.run(
        "sync", {"--into", "sqlite:" + (unlicensed.host().data() / "m.db").string(), "--entities", "contacts"});
    BOOST_TEST(sync.exit_code == 1, describe(sync));
    BOOST_TEST(contains(sync.out + sync.err, sentence), describe(sync));
}

// A read killed with SIGKILL at random moments, run again each time with the same --state and
// --out, ends with every record in the file exactly once: the state remembers how long the file was
// and a resumed read cuts it back there before it writes.
void kill_and_resume(const std::string& entity, int concurrency)
{
    sage_data_fixture sage({.records = 1200, .other_records = 3, .latency_ms = 0});
    test_support::temp_dir work("data-read-kill");
    const std::vector<std::string> options{"--page-size", "25", "--concurrency", std::to_string(concurrency)};
    auto args = [&](const fs::path& state, const fs::path& out) {
        std::vector<std::string> a{entity, "--state", state.string(), "--out", out.string()};
        a.insert(a.end(), options.begin(), options.end());
        return a;
    };
    sage.set_latency(10);

    // How long one whole read takes here, so the kills land within a read.
    const auto started = std::chrono::steady_clock::now();
    const auto whole = sage.run("read", args(work / "whole.state", work / "whole.ndjson"));
    const auto duration = std::chrono::steady_clock::now() - started;
    BOOST_TEST_REQUIRE(whole.exit_code == 0, describe(whole));
    const auto truth = sage.ground_truth(entity);
    check_exactly_once(ndjson_objects(test_support::read_file(work / "whole.ndjson")), truth, "a whole read");

    std::mt19937 random{std::random_device{}()};
    // Each resumed read has less left to do: kills within the first third of a whole read's time
    // land inside reads, several of them in the same read.
    std::uniform_real_distribution<double> when(0.05, 0.4);
    const fs::path state = work / "killed.state", out = work / "killed.ndjson";
    int mid_read = 0;
    for (int attempt = 0; attempt < 6; ++attempt) {
        auto child = sage.start("read", args(state, out));
        std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::microseconds>(duration * when(random)));
        ::kill(child.pid, SIGKILL);
        const int status = finish(child);
        if (status == 128 + SIGKILL)
            ++mid_read;
        BOOST_TEST_MESSAGE(entity << ": kill " << attempt << " status " << status << ", output "
                                  << (fs::exists(out) ? fs::file_size(out) : 0) << " bytes");
    }
    BOOST_TEST_MESSAGE(entity << ": " << mid_read << " of 6 kills landed before the read ended");
    const auto last = sage.run("read", args(state, out));
    BOOST_TEST_REQUIRE(last.exit_code == 0, describe(last));
    check_exactly_once(ndjson_objects(test_support::read_file(out)), truth, "after the kills");
    sage.check_nothing_secret_printed();
}

BOOST_AUTO_TEST_CASE(a_read_by_page_number_killed_at_random_moments_resumes_exactly_once)
{
    kill_and_resume("contacts", 4);
}

BOOST_AUTO_TEST_CASE(a_read_in_updated_at_order_killed_at_random_moments_resumes_exactly_once)
{
    kill_and_resume("sales_invoices", 1);
}
