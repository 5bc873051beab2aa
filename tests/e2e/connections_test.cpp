// CREATE and the host's store as a process, through the deterministic fixture connector: create with
// and without TEST, the name rules, list/show/delete, --replace, JSON output, the host clock and
// state folder given to the connector, and tampering or a wrong key reported by `connections check`.
#define BOOST_TEST_MODULE e2e_connections
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"
#include "file_mode.hpp"

#include <boost/json.hpp>

#include <sys/stat.h>

#include <atomic>
#include <thread>

using namespace e2e;
namespace json = boost::json;

namespace {

const std::map<std::string, std::string> key_env{{"E2E_API_KEY", "fixture-api-key-0042"}};

std::vector<std::string> create_args(const std::string& name, std::vector<std::string> extra = {})
{
    std::vector<std::string> args{"create",       fixture_id,           "--set", "ConnectionName=" + name,
                                  "--secret-env", "ApiKey=E2E_API_KEY", "--set", "Retries=3",
                                  "--set",        "Verbose=yes"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::vector<std::string> names_listed(sample_host_runner& host)
{
    std::vector<std::string> names;
    const auto doc = host.run_json({"connections", "list"});
    for (const auto& c : doc.at("connections").as_array())
        names.emplace_back(c.at("name").as_string());
    return names;
}

} // namespace

BOOST_AUTO_TEST_CASE(create_without_test_saves_and_list_show_delete_follow)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    const auto created = host.run(create_args("  My Books  ", {"--no-test"}), key_env);
    BOOST_TEST(created.exit_code == 0, describe(created));
    BOOST_TEST(contains(created.out, "created connection 'My Books'"), describe(created));
    BOOST_TEST(contains(created.out, "without running TEST"), describe(created));

    const auto list = host.run({"connections", "list"});
    BOOST_TEST(list.exit_code == 0, describe(list));
    BOOST_TEST(contains(list.out, "My Books"), describe(list));
    BOOST_TEST(contains(list.out, fixture_id), describe(list));

    const auto show = host.run({"connections", "show", "my books"});
    BOOST_TEST(show.exit_code == 0, describe(show));
    BOOST_TEST(contains(show.out, "ApiKey"), describe(show));
    BOOST_TEST(contains(show.out, "********"), describe(show));
    BOOST_TEST(!contains(show.out, "fixture-api-key-0042"), describe(show));
    BOOST_TEST(contains(show.out, "Retries"), describe(show));

    const auto doc = host.run_json({"connections", "show", "My Books"});
    bool saw_secret = false;
    for (const auto& f : doc.at("fields").as_array()) {
        if (f.at("key").as_string() == "ApiKey") {
            saw_secret = true;
            BOOST_TEST(f.at("secret").as_bool());
            BOOST_TEST(f.at("value").as_string() == "********");
        }
        if (f.at("key").as_string() == "Retries")
            BOOST_TEST(f.at("value").as_int64() == 3); // typed from the descriptor
        if (f.at("key").as_string() == "Verbose")
            BOOST_TEST(f.at("value").as_bool());
    }
    BOOST_TEST(saw_secret);

    const auto removed = host.run({"connections", "delete", "MY BOOKS"});
    BOOST_TEST(removed.exit_code == 0, describe(removed));
    BOOST_TEST(names_listed(host).empty());
    const auto again = host.run({"connections", "delete", "My Books"});
    BOOST_TEST(again.exit_code == 1, describe(again));
    BOOST_TEST(contains(again.err, "no connection named"), describe(again));
}

BOOST_AUTO_TEST_CASE(a_duplicate_name_is_refused_unless_replaced)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    BOOST_TEST(host.run(create_args("Books", {"--no-test"}), key_env).exit_code == 0);
    const auto duplicate = host.run(create_args(" books ", {"--no-test"}), key_env);
    BOOST_TEST(duplicate.exit_code == 1, describe(duplicate));
    BOOST_TEST(contains(duplicate.err, "a connection named 'books' already exists"), describe(duplicate));
    BOOST_TEST(contains(duplicate.err, "--replace"), describe(duplicate));

    const auto replaced = host.run(create_args("BOOKS", {"--no-test", "--replace"}), key_env);
    BOOST_TEST(replaced.exit_code == 0, describe(replaced));
    BOOST_TEST((names_listed(host) == std::vector<std::string>{"BOOKS"}));
}

BOOST_AUTO_TEST_CASE(create_runs_test_first_and_refuses_an_unavailable_connection)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    const auto ok = host.run(create_args("Works"), key_env);
    BOOST_TEST(ok.exit_code == 0, describe(ok));
    BOOST_TEST(first_line(ok.out) == "connection available", describe(ok));

    const auto refused = host.run(create_args("Broken", {"--set", "Endpoint=down"}), key_env);
    BOOST_TEST(refused.exit_code == 1, describe(refused));
    BOOST_TEST(first_line(refused.out).rfind("Connection unavailable: ", 0) == 0u, describe(refused));
    BOOST_TEST(contains(refused.out, "connection not created"), describe(refused));

    const auto invalid = host.run({"create", fixture_id, "--set", "Retries=99", "--no-test"});
    BOOST_TEST(invalid.exit_code == 1, describe(invalid));
    BOOST_TEST(contains(invalid.out, "Connection Name"), describe(invalid));
    BOOST_TEST(contains(invalid.out, "Retries must be"), describe(invalid));

    BOOST_TEST((names_listed(host) == std::vector<std::string>{"Works"}));
}

BOOST_AUTO_TEST_CASE(create_json_reports_the_saved_connection)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    const auto doc = host.run_json(create_args("Json", {"--no-test"}), 0, key_env);
    BOOST_TEST(doc.at("created").as_bool());
    BOOST_TEST(doc.at("connection").at("name").as_string() == "Json");
    BOOST_TEST(doc.at("connection").at("secrets").as_int64() == 1);
    BOOST_TEST(doc.at("test").is_null());
    const auto refused = host.run_json(create_args("Json", {"--no-test"}), 1, key_env);
    BOOST_TEST(contains(std::string(refused.at("error").as_string()), "already exists"));
}

BOOST_AUTO_TEST_CASE(the_connector_gets_the_host_clock_tenant_and_a_private_state_folder)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    const auto r = host.run({"test", fixture_id, "--set", "ConnectionName=x", "--secret-env", "ApiKey=E2E_API_KEY"},
                            {{"SAMPLE_HOST_NOW", "2027-01-31T00:00:00Z"}, {"E2E_API_KEY", "fixture-api-key-0042"}});
    BOOST_TEST(r.exit_code == 0, describe(r));
    BOOST_TEST(first_line(r.out) == "connection available", describe(r));
    BOOST_TEST(contains(r.out, "tenant=default"), describe(r));
    BOOST_TEST(contains(r.out, "now=2027-01-31T00:00:0"), describe(r));
    const auto state = host.data() / "state" / "default" / fixture_id;
    BOOST_TEST(contains(r.out, "state=" + state.string()), describe(r));
    BOOST_TEST(test_support::file_mode(state) == 0700u);
    BOOST_TEST(test_support::file_mode(host.data()) == 0700u);
}

BOOST_AUTO_TEST_CASE(check_reports_tampering_a_wrong_key_and_a_missing_key)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    BOOST_TEST(host.run(create_args("Books", {"--no-test"}), key_env).exit_code == 0);
    const auto fine = host.run({"connections", "check"});
    BOOST_TEST(fine.exit_code == 0, describe(fine));
    BOOST_TEST(test_support::file_mode(host.data() / "host.key") == 0600u);

    const auto key = test_support::read_file(host.data() / "host.key");
    run_sql(host.data() / "host.db", "UPDATE connection_fields SET value = zeroblob(length(value)) WHERE secret = 1");
    const auto tampered = host.run({"connections", "check", "Books"});
    BOOST_TEST(tampered.exit_code == 1, describe(tampered));
    BOOST_TEST(contains(tampered.err, "failed its integrity check"), describe(tampered));
    BOOST_TEST(contains(tampered.err, "create it again"), describe(tampered));

    BOOST_TEST(host.run(create_args("Books", {"--no-test", "--replace"}), key_env).exit_code == 0);
    test_support::write_file(host.data() / "host.key", std::string(32, 'w'));
    ::chmod((host.data() / "host.key").c_str(), 0600);
    const auto wrong = host.run({"connections", "check"});
    BOOST_TEST(wrong.exit_code == 1, describe(wrong));
    BOOST_TEST(contains(wrong.err, "another host key"), describe(wrong));
    BOOST_TEST(contains(wrong.err, (host.data() / "host.key").string()), describe(wrong));

    std::filesystem::remove(host.data() / "host.key");
    const auto missing = host.run({"connections", "check"});
    BOOST_TEST(missing.exit_code == 1, describe(missing));
    BOOST_TEST(contains(missing.err, "is missing"), describe(missing));
    BOOST_TEST(!std::filesystem::exists(host.data() / "host.key"));

    test_support::write_file(host.data() / "host.key", key);
    ::chmod((host.data() / "host.key").c_str(), 0600);
    BOOST_TEST(host.run({"connections", "check"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(several_processes_create_connections_at_once)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    BOOST_TEST(host.run({"users", "list"}).exit_code == 0); // the database exists before the race
    std::vector<std::thread> workers;
    std::atomic<int> failures{0};
    for (int i = 0; i < 4; ++i)
        workers.emplace_back([&, i] {
            test_support::process_options options;
            options.environment = key_env;
            options.unset_environment = {"SAMPLE_HOST_USER", "SAMPLE_HOST_NOW"};
            auto args = create_args("parallel-" + std::to_string(i), {"--no-test"});
            std::vector<std::string> argv{CONNECTOR_TEST_SAMPLE_HOST, "--plugins", E2E_PLUGIN_DIR, "--data",
                                          host.data().string()};
            argv.insert(argv.end(), args.begin(), args.end());
            if (test_support::run_process(argv, options).exit_code != 0)
                ++failures;
        });
    for (auto& w : workers)
        w.join();
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(names_listed(host).size() == 4u);
}
