// No secret value ever leaves sample_host in clear: not on standard output or error (text or JSON,
// with --verbose), not in the log, not in host.db or its journal, not anywhere under the data folder,
// even when a connector echoes a secret into its messages and logs.
#define BOOST_TEST_MODULE e2e_secrets
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"

#include <boost/json.hpp>

using namespace e2e;

namespace {

const std::string api_key = "e2e-api-key-Zq8w-never-print";
const std::string password = "e2e-password-Xy7!\"quoted\\";
const std::string client_secret = "e2e-sage-client-secret-Rk2p";
const std::string refresh_token = "e2e-sage-refresh-token-Mv5t";

const std::map<std::string, std::string> env{{"E2E_API_KEY", api_key},
                                             {"E2E_PASSWORD", password},
                                             {"E2E_CLIENT_SECRET", client_secret},
                                             {"E2E_REFRESH", refresh_token}};

void require_nowhere(const sample_host_runner& host, const std::string& secret)
{
    BOOST_TEST(!contains(host.transcript(), secret), "printed: " << secret);
    // As JSON output would spell it (quotes and backslashes escaped).
    const std::string escaped = boost::json::serialize(boost::json::string(secret));
    BOOST_TEST(!contains(host.transcript(), escaped.substr(1, escaped.size() - 2)), "printed as JSON: " << secret);
    const std::string stored = all_bytes_under(host.data());
    BOOST_TEST(!stored.empty());
    BOOST_TEST(!contains(stored, secret), "stored in clear under " << host.data() << ": " << secret);
}

} // namespace

BOOST_AUTO_TEST_CASE(fixture_secrets_given_through_the_environment_never_appear)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    // An uploaded keystore may hold a private key: the host seals every uploaded file.
    test_support::temp_dir uploads;
    const std::string key_pem =
        "-----BEGIN PRIVATE KEY-----\ne2e-private-key-material-Hq3\n-----END PRIVATE KEY-----\n";
    test_support::write_file(uploads / "client.pem", key_pem);
    const std::vector<std::string> form{
        "--set",        "ConnectionName=Secretive", "--secret-env", "ApiKey=E2E_API_KEY",
        "--secret-env", "Password=E2E_PASSWORD",    "--file",       "Certificate=" + (uploads / "client.pem").string()};
    const auto with = [&](std::vector<std::string> head, std::vector<std::string> tail = {}) {
        head.insert(head.end(), form.begin(), form.end());
        head.insert(head.end(), tail.begin(), tail.end());
        return head;
    };
    for (const bool json : {false, true}) {
        std::vector<std::string> mode{"--verbose"};
        if (json)
            mode.push_back("--json");
        auto args = mode;
        for (const auto& command :
             {with({"validate", fixture_id}), with({"test", fixture_id}),
              with({"test", fixture_id}, {"--set", "Endpoint=echo-secret"}),
              with({"create", fixture_id}, {"--set", "Endpoint=echo-secret"}),
              with({"create", fixture_id}, {"--no-test", "--replace"}), std::vector<std::string>{"connections", "list"},
              std::vector<std::string>{"connections", "show", "Secretive"},
              std::vector<std::string>{"connections", "check"}, std::vector<std::string>{"describe", fixture_id}}) {
            args = mode;
            args.insert(args.end(), command.begin(), command.end());
            (void)host.run(args, env);
        }
    }
    // The leaking connector's lines did reach the output, masked.
    BOOST_TEST(contains(host.transcript(), "the API key ******** was rejected"), host.transcript());
    BOOST_TEST(contains(test_support::read_file(host.data() / "logs" / "host.log"), "rejected API key ********"));
    require_nowhere(host, api_key);
    require_nowhere(host, password);
    require_nowhere(host, "e2e-private-key-material-Hq3");
    BOOST_TEST(contains(host.transcript(), "client.pem (" + std::to_string(key_pem.size()) + " bytes, encrypted)"));
    // Connections were saved, so the check above covered their rows.
    BOOST_TEST(contains(host.transcript(), "Secretive"));
}

BOOST_AUTO_TEST_CASE(sage_secrets_given_through_the_environment_never_appear)
{
    sample_host_runner host;
    const std::vector<std::string> form{
        "--set",        "ConnectionName=Sage Books",      "--set",        "ClientId=e2e-client-id",
        "--secret-env", "ClientSecret=E2E_CLIENT_SECRET", "--secret-env", "RefreshToken=E2E_REFRESH",
        "--config",     "InitiateOAuth=REFRESH",          "--config",     "Timeout=5"};
    for (const char* command : {"validate", "test", "create"}) {
        std::vector<std::string> args{"--verbose", command, sage_id};
        args.insert(args.end(), form.begin(), form.end());
        (void)host.run(args, env);
        args.insert(args.begin(), "--json");
        (void)host.run(args, env);
    }
    std::vector<std::string> no_test{"create", sage_id, "--no-test"};
    no_test.insert(no_test.end(), form.begin(), form.end());
    (void)host.run(no_test, env);
    (void)host.run({"connections", "show", "Sage Books"});
    (void)host.run({"--json", "connections", "show", "Sage Books"});
    require_nowhere(host, client_secret);
    require_nowhere(host, refresh_token);
}

BOOST_AUTO_TEST_CASE(a_secret_typed_with_set_is_warned_about_and_still_masked)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    const auto r = host.run({"test", fixture_id, "--set", "ConnectionName=x", "--set", "ApiKey=" + api_key, "--set",
                             "Endpoint=echo-secret"});
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.err, "ApiKey is a secret but was given on the command line"), describe(r));
    BOOST_TEST(!contains(r.out + r.err, api_key), describe(r));
}

BOOST_AUTO_TEST_CASE(a_value_that_lost_its_option_is_not_echoed_in_usage_errors)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    const auto stray = host.run({"validate", fixture_id, api_key});
    BOOST_TEST(stray.exit_code == 2, describe(stray));
    const auto no_equals = host.run({"validate", fixture_id, "--set", api_key});
    BOOST_TEST(no_equals.exit_code == 2, describe(no_equals));
    BOOST_TEST(!contains(host.transcript(), api_key), host.transcript());
}
