// The manifest reader, table-driven: each good document is accepted and each bad one refused naming
// the offending member — and the JSON Schema, run by Python's jsonschema, agrees on every one.
#define BOOST_TEST_MODULE manifest
#include <boost/test/unit_test.hpp>

#include "process.hpp"
#include "temp_dir.hpp"

#include <connector_sdk/manifest.hpp>

#include <boost/json.hpp>

#include <functional>
#include <sstream>

namespace json = boost::json;

namespace {

json::object source_manifest()
{
    return json::parse(test_support::read_file(SOURCE_MANIFEST)).as_object();
}

struct manifest_case {
    std::string name;
    std::function<void(json::object&)> mutate;
    std::string field; // expected offending member; empty for a valid document
};

std::vector<manifest_case> cases()
{
    const std::string digest(64, 'a');
    return {
        {"source manifest", [](json::object&) {}, ""},
        {"stamped with a digest", [=](json::object& m) { m["sha256"] = digest; }, ""},
        {"free tier without trial or plans",
         [](json::object& m) {
             m["tier"] = "free";
             m.erase("trial_days");
             m.erase("plans");
         },
         ""},
        {"prerelease version", [](json::object& m) { m["version"] = "2.0.0-rc.1+build.5"; }, ""},
        {"missing id", [](json::object& m) { m.erase("id"); }, "id"},
        {"upper-case id", [](json::object& m) { m["id"] = "Sage"; }, "id"},
        {"id with a space", [](json::object& m) { m["id"] = "sage cloud"; }, "id"},
        {"id not a string", [](json::object& m) { m["id"] = 42; }, "id"},
        {"empty name", [](json::object& m) { m["name"] = ""; }, "name"},
        {"name too long", [](json::object& m) { m["name"] = std::string(101, 'n'); }, "name"},
        {"missing vendor", [](json::object& m) { m.erase("vendor"); }, "vendor"},
        {"two-part version", [](json::object& m) { m["version"] = "1.0"; }, "version"},
        {"leading zero version", [](json::object& m) { m["version"] = "01.0.0"; }, "version"},
        {"missing description", [](json::object& m) { m.erase("description"); }, "description"},
        {"unknown tier", [](json::object& m) { m["tier"] = "gold"; }, "tier"},
        {"premium without trial_days", [](json::object& m) { m.erase("trial_days"); }, "trial_days"},
        {"premium without plans", [](json::object& m) { m.erase("plans"); }, "plans"},
        {"zero trial days", [](json::object& m) { m["trial_days"] = 0; }, "trial_days"},
        {"trial days as text", [](json::object& m) { m["trial_days"] = "30"; }, "trial_days"},
        {"fractional trial days", [](json::object& m) { m["trial_days"] = 1.5; }, "trial_days"},
        {"grace days too long", [](json::object& m) { m["grace_days"] = 100; }, "grace_days"},
        {"empty plans", [](json::object& m) { m["plans"] = json::array(); }, "plans"},
        {"weekly plan", [](json::object& m) { m["plans"].as_array()[0].as_object()["id"] = "weekly"; }, "plans[0].id"},
        {"zero-month plan", [](json::object& m) { m["plans"].as_array()[1].as_object()["months"] = 0; },
         "plans[1].months"},
        {"plan with an extra member", [](json::object& m) { m["plans"].as_array()[0].as_object()["price"] = 10; },
         "plans[0].price"},
        {"plan without months", [](json::object& m) { m["plans"].as_array()[0].as_object().erase("months"); },
         "plans[0].months"},
        {"sdk_abi without minor", [](json::object& m) { m["sdk_abi"] = "1"; }, "sdk_abi"},
        {"sdk_abi with a v", [](json::object& m) { m["sdk_abi"] = "v1.0"; }, "sdk_abi"},
        {"library escaping its folder", [](json::object& m) { m["library"] = "../evil.so"; }, "library"},
        {"library in a sub-folder", [](json::object& m) { m["library"] = "lib/plugin.so"; }, "library"},
        {"upper-case digest", [=](json::object& m) { m["sha256"] = std::string(64, 'A'); }, "sha256"},
        {"short digest", [](json::object& m) { m["sha256"] = "abc123"; }, "sha256"},
        {"no allowed hosts", [](json::object& m) { m["allowed_hosts"] = json::array(); }, "allowed_hosts"},
        {"a URL as allowed host", [](json::object& m) { m["allowed_hosts"].as_array().push_back("HTTP://x"); },
         "allowed_hosts[3]"},
        {"a repeated allowed host",
         [](json::object& m) { m["allowed_hosts"].as_array().push_back("api.accounting.sage.com"); },
         "allowed_hosts[3]"},
        {"plain http documentation", [](json::object& m) { m["documentation_url"] = "http://developer.sage.com/"; },
         "documentation_url"},
        {"unknown member", [](json::object& m) { m["colour"] = "green"; }, "colour"},
    };
}

bool names_field(const connector_sdk::manifest_parse_result& r, const std::string& field)
{
    for (const auto& e : r.errors)
        if (e.field == field)
            return true;
    return false;
}

std::string describe(const connector_sdk::manifest_parse_result& r)
{
    std::ostringstream out;
    for (const auto& e : r.errors)
        out << "[" << e.field << ": " << e.message << "] ";
    return out.str();
}

} // namespace

BOOST_AUTO_TEST_CASE(the_reader_accepts_good_manifests_and_names_the_bad_member)
{
    for (const auto& c : cases()) {
        BOOST_TEST_CONTEXT(c.name)
        {
            json::object doc = source_manifest();
            c.mutate(doc);
            const auto result = connector_sdk::parse_manifest(json::serialize(doc));
            if (c.field.empty()) {
                BOOST_TEST(result.errors.empty(), describe(result));
                BOOST_TEST(result.value.has_value());
            } else {
                BOOST_TEST(!result.value.has_value());
                BOOST_TEST(names_field(result, c.field), describe(result));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_json_schema_agrees_with_the_reader_on_every_case)
{
    test_support::temp_dir dir("manifest-schema");
    std::vector<std::string> argv = {SYSTEM_PYTHON, SCHEMA_CHECKER, MANIFEST_SCHEMA};
    const auto all = cases();
    for (std::size_t i = 0; i < all.size(); ++i) {
        json::object doc = source_manifest();
        all[i].mutate(doc);
        const auto file = dir / ("case-" + std::to_string(i) + ".json");
        test_support::write_file(file, json::serialize(doc));
        argv.push_back(file.string());
    }
    const auto run = test_support::run_process(argv);
    BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    std::istringstream lines(run.out);
    std::string line;
    for (std::size_t i = 0; i < all.size(); ++i) {
        BOOST_REQUIRE(std::getline(lines, line));
        BOOST_TEST_CONTEXT(all[i].name)
        {
            const bool schema_valid = line.rfind("valid ", 0) == 0;
            BOOST_TEST(schema_valid == all[i].field.empty(), line);
        }
    }
}

BOOST_AUTO_TEST_CASE(documents_that_are_not_manifests)
{
    for (const std::string text : {"", "[]", "\"text\"", "{ nope", "{\"id\": }", "null"}) {
        const auto result = connector_sdk::parse_manifest(text);
        BOOST_TEST(!result.value.has_value(), text);
        BOOST_TEST(!result.errors.empty(), text);
    }
    const auto deep = connector_sdk::parse_manifest(std::string(1000, '[') + std::string(1000, ']'));
    BOOST_TEST(!deep.value.has_value());
    const auto huge = connector_sdk::parse_manifest(std::string(2 * 1024 * 1024, ' '));
    BOOST_TEST(huge.errors.at(0).message.find("larger than 1 MiB") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_source_manifest_says_what_the_marketplace_page_says)
{
    const auto result = connector_sdk::read_manifest(SOURCE_MANIFEST);
    BOOST_REQUIRE_MESSAGE(result.value.has_value(), describe(result));
    const auto& m = *result.value;
    BOOST_TEST(m.id == "sage-cloud-accounting");
    BOOST_TEST(m.name == "Sage Cloud Accounting");
    BOOST_TEST(m.description == "Sage Cloud Accounting is a cloud-based accounting software providing flexibility and "
                                "accessibility for businesses.");
    BOOST_TEST(m.premium());
    BOOST_TEST(m.trial_days == 30);
    BOOST_REQUIRE_EQUAL(m.plans.size(), 2u);
    BOOST_TEST(m.plans[0].id == "monthly");
    BOOST_TEST(m.plans[0].months == 1);
    BOOST_TEST(m.plans[1].id == "annual");
    BOOST_TEST(m.plans[1].months == 12);
    BOOST_TEST(m.sdk_major == CONNECTOR_SDK_VERSION_MAJOR);
    BOOST_TEST(m.sdk_minor == CONNECTOR_SDK_VERSION_MINOR);
    const std::vector<std::string> hosts = {"www.sageone.com", "oauth.accounting.sage.com", "api.accounting.sage.com"};
    BOOST_TEST(m.allowed_hosts == hosts, boost::test_tools::per_element());
    BOOST_TEST(m.sha256.empty()); // stamped at build/install time only
}

BOOST_AUTO_TEST_CASE(the_staged_manifest_is_stamped_with_the_library_digest)
{
    const auto result =
        connector_sdk::read_manifest(std::string(CONNECTOR_TEST_PLUGIN_DIR) + "/sage-cloud-accounting/manifest.json");
    BOOST_REQUIRE_MESSAGE(result.value.has_value(), describe(result));
    BOOST_TEST(result.value->sha256.size() == 64u);
    BOOST_TEST(result.value->library == "sage_cloud_accounting.so");
}

BOOST_AUTO_TEST_CASE(reading_a_missing_file_says_so)
{
    const auto result = connector_sdk::read_manifest("/nonexistent/manifest.json");
    BOOST_TEST(!result.value.has_value());
    BOOST_TEST(result.errors.at(0).message.find("/nonexistent/manifest.json") != std::string::npos);
}
