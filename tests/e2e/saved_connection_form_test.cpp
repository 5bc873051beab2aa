// `--connection NAME` as a FORM source (validate, test, create), with the deterministic fixture
// connector: the saved values reach the connector with their secrets decrypted, FORM options override
// them for one run only and nothing is saved back, a connection of another connector or an unknown
// name is refused before the connector is asked anything, and a saved secret the connector echoes
// is still masked.
#define BOOST_TEST_MODULE e2e_saved_connection_form
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"

#include <boost/json.hpp>

using namespace e2e;
namespace json = boost::json;

namespace {

const std::string api_key = "fixture-saved-api-key-7781";
const std::map<std::string, std::string> key_env{{"E2E_API_KEY", api_key}};

struct saved_fixture {
    sample_host_runner host{E2E_PLUGIN_DIR};

    saved_fixture()
    {
        const auto created = host.run({"create", fixture_id, "--set", "ConnectionName=Ledger", "--secret-env",
                                       "ApiKey=E2E_API_KEY", "--set", "Retries=3"},
                                      key_env);
        BOOST_TEST_REQUIRE(created.exit_code == 0, describe(created));
    }

    json::value field(const std::string& connection, const std::string& key)
    {
        const auto doc = host.run_json({"connections", "show", connection});
        for (const auto& f : doc.at("fields").as_array())
            if (f.at("key").as_string() == key)
                return f;
        return nullptr;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(connection_option, saved_fixture)

BOOST_AUTO_TEST_CASE(test_and_validate_use_the_saved_values_with_secrets_opened)
{
    // The fixture answers "connected" only with a non-empty ApiKey: the sealed key reached it.
    const auto tested = host.run({"test", fixture_id, "--connection", "Ledger"});
    BOOST_TEST(tested.exit_code == 0, describe(tested));
    BOOST_TEST(first_line(tested.out) == "connection available", describe(tested));
    // Names are found as the store finds them: trimmed, ignoring case.
    const auto validated = host.run({"validate", fixture_id, "--connection", "  ledger "});
    BOOST_TEST(validated.exit_code == 0, describe(validated));
    const auto doc = host.run_json({"test", fixture_id, "--connection", "Ledger"});
    BOOST_TEST(doc.at("available").as_bool());
}

BOOST_AUTO_TEST_CASE(form_options_override_for_one_run_and_nothing_is_saved_back)
{
    const auto bad = host.run({"validate", fixture_id, "--connection", "Ledger", "--set", "retries=99"});
    BOOST_TEST(bad.exit_code == 1, describe(bad));
    BOOST_TEST(contains(bad.out, "Retries must be a whole number from 0 to 10"), describe(bad));
    BOOST_TEST(field("Ledger", "Retries").at("value").as_int64() == 3);
    BOOST_TEST(host.run({"validate", fixture_id, "--connection", "Ledger"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(a_saved_secret_echoed_by_the_connector_is_masked)
{
    const auto r = host.run({"test", fixture_id, "--connection", "Ledger", "--set", "Endpoint=echo-secret"});
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.out, "the API key ******** was rejected"), describe(r));
    BOOST_TEST(!contains(host.transcript(), api_key));
    BOOST_TEST(!contains(all_bytes_under(host.data()), api_key));
}

BOOST_AUTO_TEST_CASE(changing_the_route_of_a_saved_connection_needs_its_secrets_again)
{
    // A new proxy or endpoint would carry the sealed ApiKey somewhere it was never saved for.
    for (const std::string change : {"ProxyServer=proxy.example.com", "TokenURL=https://127.0.0.1:9/token",
                                     "EnableSSL=false", "AdditionalConfiguration=ProxyServer=proxy.example.com"}) {
        const auto r = host.run({"validate", fixture_id, "--connection", "Ledger", "--set", change});
        BOOST_TEST(r.exit_code != 0, change << ": " << describe(r));
        BOOST_TEST(contains(r.err, "give ApiKey again"), change << ": " << describe(r));
        BOOST_TEST(!contains(host.transcript(), api_key));
    }
    // Given again, the run goes on (the fixture judges the form itself); other changes need nothing.
    const auto again = host.run({"validate", fixture_id, "--connection", "Ledger", "--set",
                                 "ProxyServer=proxy.example.com", "--secret-env", "ApiKey=E2E_API_KEY"},
                                key_env);
    BOOST_TEST(!contains(again.err, "give ApiKey again"), describe(again));
    const auto unrelated = host.run({"validate", fixture_id, "--connection", "Ledger", "--set", "Retries=4"});
    BOOST_TEST(unrelated.exit_code == 0, describe(unrelated));
}

BOOST_AUTO_TEST_CASE(create_from_a_saved_connection_keeps_its_secrets_sealed)
{
    const auto copied =
        host.run({"create", fixture_id, "--connection", "Ledger", "--set", "ConnectionName=Ledger copy"});
    BOOST_TEST(copied.exit_code == 0, describe(copied));
    const auto key = field("Ledger copy", "ApiKey");
    BOOST_TEST_REQUIRE(key.is_object());
    BOOST_TEST(key.at("secret").as_bool());
    BOOST_TEST(host.run({"test", fixture_id, "--connection", "Ledger copy"}).exit_code == 0);
    // Without --replace the saved name itself is taken.
    const auto same = host.run({"create", fixture_id, "--connection", "Ledger"});
    BOOST_TEST(same.exit_code == 1, describe(same));
    BOOST_TEST(contains(same.err, "already exists"), describe(same));
    BOOST_TEST(!contains(host.transcript(), api_key));
}

BOOST_AUTO_TEST_CASE(another_connectors_connection_and_unknown_names_are_refused)
{
    // Refused before loading: this plugin folder has no Sage connector at all.
    const auto other = host.run({"validate", sage_id, "--connection", "Ledger"});
    BOOST_TEST(other.exit_code == 1, describe(other));
    BOOST_TEST(contains(other.err, "the connection 'Ledger' belongs to the connector 'e2e-fixture', not to "
                                   "'sage-cloud-accounting'"),
               describe(other));
    const auto missing = host.run_json({"test", fixture_id, "--connection", "Nope"}, 1);
    BOOST_TEST(contains(std::string(missing.at("error").as_string()), "no connection named 'Nope'"));
    const auto blank = host.run({"test", fixture_id, "--connection", "  "});
    BOOST_TEST(blank.exit_code == 1, describe(blank));
}

BOOST_AUTO_TEST_CASE(another_tenants_connection_is_not_found)
{
    BOOST_TEST_REQUIRE(host.run({"users", "add", "bob", "--role", "user", "--tenant", "acme"}).exit_code == 0);
    const auto r = host.run({"--as", "bob", "test", fixture_id, "--connection", "Ledger"});
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.err, "no connection named 'Ledger' in tenant 'acme'"), describe(r));
}

BOOST_AUTO_TEST_SUITE_END()
