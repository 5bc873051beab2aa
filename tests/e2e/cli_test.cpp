// sample_host's command line as a process: --help on every command and subcommand (exit 0, naming
// its options, touching no data), and usage errors (exit 2).
#define BOOST_TEST_MODULE e2e_cli
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"

using namespace e2e;

BOOST_AUTO_TEST_SUITE(help)

BOOST_AUTO_TEST_CASE(every_command_has_help_naming_its_options)
{
    sample_host_runner host;
    const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases = {
        {{"--help"},
         {"--plugins", "--data", "--as", "--json", "--verbose", "plugins", "describe", "validate", "test", "create",
          "connections", "users", "SAMPLE_HOST_NOW", "SAMPLE_HOST_PLUGINS", "SAMPLE_HOST_DATA", "SAMPLE_HOST_USER",
          "Exit codes"}},
        {{"plugins", "--help"}, {"load status", "licence"}},
        {{"describe", "--help"}, {"CONNECTOR"}},
        {{"validate", "--help"}, {"CONNECTOR", "--form", "--set", "--config", "--file", "--secret-env", "10 MiB"}},
        {{"test", "--help"},
         {"CONNECTOR", "--form", "--set", "--config", "--file", "--secret-env", "connection available"}},
        {{"create", "--help"},
         {"CONNECTOR", "--form", "--set", "--config", "--file", "--secret-env", "--no-test", "--replace"}},
        {{"connections", "--help"}, {"list", "show", "delete", "check"}},
        {{"connections", "list", "--help"}, {"list"}},
        {{"connections", "show", "--help"}, {"NAME", "masked"}},
        {{"connections", "delete", "--help"}, {"NAME"}},
        {{"connections", "check", "--help"}, {"NAME", "host key"}},
        {{"users", "--help"}, {"add", "list"}},
        {{"users", "add", "--help"}, {"NAME", "--role", "admin|user", "--tenant"}},
        {{"users", "list", "--help"}, {"users"}},
    };
    for (const auto& [args, expected] : cases) {
        const auto r = host.run(args);
        std::string command;
        for (const auto& a : args)
            command += a + " ";
        BOOST_TEST(r.exit_code == 0, command << describe(r));
        BOOST_TEST(contains(r.out, "Usage:"), command << describe(r));
        for (const auto& word : expected)
            BOOST_TEST(contains(r.out, word), command << "does not mention " << word << "\n" << r.out);
    }
    // Help is answered without opening or creating anything.
    BOOST_TEST(std::filesystem::is_empty(host.data()));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(usage_errors)

BOOST_AUTO_TEST_CASE(malformed_command_lines_exit_2_with_a_pointer_to_help)
{
    sample_host_runner host;
    const std::vector<std::vector<std::string>> cases = {
        {},
        {"frobnicate"},
        {"--no-such-option", "plugins"},
        {"describe"},
        {"validate"},
        {"connections"},
        {"connections", "show"},
        {"users", "add", "bob"},
        {"users", "add", "bob", "--role", "root"},
        {"validate", sage_id, "--set", "NoEqualsSign"},
        {"validate", sage_id, "--set", "=value"},
        {"validate", sage_id, "--form", "/nonexistent/form.json"},
        {"validate", sage_id, "--file", "KeystoreFile=/nonexistent/ca.pem"},
        {"validate", sage_id, "--secret-env", "ClientSecret=E2E_UNSET_VARIABLE"},
    };
    for (const auto& args : cases) {
        const auto r = host.run(args);
        std::string command;
        for (const auto& a : args)
            command += a + " ";
        BOOST_TEST(r.exit_code == 2, command << describe(r));
        BOOST_TEST(contains(r.err, "error:"), command << describe(r));
        BOOST_TEST(contains(r.err, "--help"), command << describe(r));
        BOOST_TEST(r.out.empty(), command << describe(r));
    }
}

BOOST_AUTO_TEST_CASE(an_unparsable_sample_host_now_is_a_usage_error)
{
    sample_host_runner host;
    const auto r = host.run({"plugins"}, {{"SAMPLE_HOST_NOW", "soon"}});
    BOOST_TEST(r.exit_code == 2, describe(r));
    BOOST_TEST(contains(r.err, "SAMPLE_HOST_NOW"), describe(r));
    BOOST_TEST(contains(r.err, "2027-01-31T00:00:00Z"), describe(r));
}

BOOST_AUTO_TEST_CASE(global_options_may_follow_the_command)
{
    sample_host_runner host;
    const auto doc = host.run_json({"users", "list"});
    BOOST_TEST(doc.is_object());
    const auto r = host.run({"users", "list", "--json"});
    BOOST_TEST(r.exit_code == 0, describe(r));
    BOOST_TEST(r.out.rfind('{', 0) == 0u, describe(r));
}

BOOST_AUTO_TEST_SUITE_END()
