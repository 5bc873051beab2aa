// A fleet of sample hosts on PostgreSQL, as processes: three hosts with their own data folders share
// one database URL and one host key file. A connection saved on one is used on the others; two
// simultaneous start-trial on two hosts grant one trial; a host key with loose permissions, a missing
// one and a host with another key are refused with the remedy; and neither a dump of the database nor
// any data folder holds a secret in plain text.
#define BOOST_TEST_MODULE fleet
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"
#include "postgresql_server.hpp"

#include <boost/json.hpp>

#include <fstream>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace e2e;

namespace {

const std::map<std::string, std::string> key_env{{"E2E_API_KEY", "fixture-api-key-0042"}};

std::vector<std::string> create_args(const std::string& name)
{
    return {"create", fixture_id, "--set", "ConnectionName=" + name, "--secret-env", "ApiKey=E2E_API_KEY", "--no-test"};
}

// One server for the suite (stopped when the process ends); a database per test.
test_support::postgresql_server& server()
{
    static test_support::postgresql_server instance;
    return instance;
}

struct fleet_fixture {
    std::string database = server().create_database();
    test_support::temp_dir shared{"fleet-shared"};
    std::filesystem::path key_file = shared / "fleet.key";
    std::filesystem::path plugins = shared / "plugins"; // the Sage connector and the fixture connector
    std::vector<std::unique_ptr<sample_host_runner>> hosts;

    fleet_fixture()
    {
        std::filesystem::create_directories(plugins);
        for (const std::filesystem::path& from : {std::filesystem::path(CONNECTOR_TEST_PLUGIN_DIR) / sage_id,
                                                  std::filesystem::path(E2E_PLUGIN_DIR) / fixture_id})
            std::filesystem::copy(from, plugins / from.filename(), std::filesystem::copy_options::recursive);
        std::string key(32, '\0');
        std::ifstream("/dev/urandom", std::ios::binary).read(key.data(), 32);
        test_support::write_file(key_file, key);
        ::chmod(key_file.c_str(), 0600);
        for (int i = 0; i < 3; ++i)
            hosts.push_back(std::make_unique<sample_host_runner>(plugins));
    }

    [[nodiscard]] std::map<std::string, std::string> fleet_env(std::map<std::string, std::string> extra = {}) const
    {
        extra.emplace("SAMPLE_HOST_DATABASE", server().url(database)); // unless the test names another
        extra.emplace("SAMPLE_HOST_KEY", key_file.string());
        return extra;
    }

    test_support::process_result run(int host, const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& extra = {})
    {
        return hosts[static_cast<std::size_t>(host)]->run(args, fleet_env(extra));
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(fleet, fleet_fixture)

BOOST_AUTO_TEST_CASE(a_connection_saved_on_one_host_is_used_by_the_others)
{
    const auto created = run(0, create_args("Books"), key_env);
    BOOST_TEST(created.exit_code == 0, describe(created));
    for (int host = 1; host < 3; ++host) {
        const auto listed = run(host, {"connections", "list"});
        BOOST_TEST(contains(listed.out, "Books"), describe(listed));
        const auto checked = run(host, {"connections", "check", "Books"});
        BOOST_TEST(checked.exit_code == 0, describe(checked));
    }
    // The database holds no SQLite file in any data folder: it lives on the server().
    for (const auto& host : hosts)
        BOOST_TEST(!std::filesystem::exists(host->data() / "host.db"));
}

BOOST_AUTO_TEST_CASE(two_simultaneous_start_trials_on_two_hosts_grant_one_trial)
{
    std::vector<test_support::started_process> started;
    for (int host = 0; host < 2; ++host) {
        test_support::process_options options;
        options.environment = fleet_env();
        options.unset_environment = {"SAMPLE_HOST_USER", "SAMPLE_HOST_NOW"};
        started.push_back(test_support::start_process({CONNECTOR_TEST_SAMPLE_HOST, "--plugins", plugins.string(),
                                                       "--data", hosts[static_cast<std::size_t>(host)]->data().string(),
                                                       "marketplace", "start-trial", sage_id},
                                                      options, false));
    }
    int granted = 0;
    for (const auto& p : started) {
        for (int fd : {p.output, p.error})
            ::close(fd);
        const int status = test_support::wait_for_exit(p.pid);
        granted += status == 0 ? 1 : 0;
    }
    BOOST_TEST(granted == 1);
    const auto status = run(2, {"--json", "marketplace", "status"});
    BOOST_TEST(status.exit_code == 0, describe(status));
    BOOST_TEST(server().query(database, "SELECT COUNT(*) FROM trials_used") == "1\n");
    BOOST_TEST(server().query(database, "SELECT COUNT(*) FROM issued_licenses WHERE kind = 'trial'") == "1\n");
    const auto again = run(2, {"marketplace", "start-trial", sage_id});
    BOOST_TEST(again.exit_code == 1, describe(again));
    BOOST_TEST(contains(again.err, "already used"), describe(again));
}

BOOST_AUTO_TEST_CASE(host_keys_are_refused_when_loose_missing_or_another)
{
    ::chmod(key_file.c_str(), 0644);
    const auto loose = run(0, create_args("Books"), key_env);
    BOOST_TEST(loose.exit_code == 1, describe(loose));
    BOOST_TEST(contains(loose.err, key_file.string()), describe(loose));
    BOOST_TEST(contains(loose.err, "chmod 600"), describe(loose));
    ::chmod(key_file.c_str(), 0600);

    const auto missing =
        run(0, create_args("Books"), {{"E2E_API_KEY", "k"}, {"SAMPLE_HOST_KEY", (shared / "nope.key").string()}});
    BOOST_TEST(missing.exit_code == 1, describe(missing));
    BOOST_TEST(contains(missing.err, "does not exist"), describe(missing));
    BOOST_TEST(contains(missing.err, "every host of the fleet"), describe(missing));

    BOOST_TEST(run(0, create_args("Books"), key_env).exit_code == 0);
    // A host that forgot --host-key would mint its own key in its data folder: refused, nothing sealed.
    auto env = fleet_env(key_env);
    env.erase("SAMPLE_HOST_KEY");
    const auto other = hosts[1]->run(create_args("Ledger"), env);
    BOOST_TEST(other.exit_code == 1, describe(other));
    BOOST_TEST(contains(other.err, "is missing"), describe(other));
    BOOST_TEST(contains(other.err, "--host-key"), describe(other));
    BOOST_TEST(!std::filesystem::exists(hosts[1]->data() / "host.key"));
    // A host given another key file: refused before it seals anything.
    const auto stray = shared / "stray.key";
    test_support::write_file(stray, std::string(32, 's'));
    ::chmod(stray.c_str(), 0600);
    env["SAMPLE_HOST_KEY"] = stray.string();
    const auto another = hosts[1]->run(create_args("Ledger"), env);
    BOOST_TEST(another.exit_code == 1, describe(another));
    BOOST_TEST(contains(another.err, "another host key"), describe(another));
    BOOST_TEST(contains(another.err, "same key file"), describe(another));
    BOOST_TEST(server().query(database, "SELECT COUNT(*) FROM connections WHERE name = 'Ledger'") == "0\n");
}

BOOST_AUTO_TEST_CASE(no_secret_in_plain_text_in_the_database_or_any_data_folder)
{
    BOOST_TEST(run(0, create_args("Books"), key_env).exit_code == 0);
    BOOST_TEST(run(1, {"connections", "check", "Books"}).exit_code == 0);
    BOOST_TEST(run(2, {"marketplace", "start-trial", sage_id}).exit_code == 0);
    const std::string dump = server().dump(database);
    BOOST_TEST(contains(dump, "Books")); // the search sees plain text
    BOOST_TEST(!contains(dump, "fixture-api-key-0042"));
    std::string key_hex;
    for (const char byte : test_support::read_file(key_file)) {
        const auto c = static_cast<unsigned char>(byte);
        static constexpr char digits[] = "0123456789abcdef";
        key_hex += digits[c >> 4];
        key_hex += digits[c & 15];
    }
    BOOST_TEST(!contains(dump, key_hex));
    for (const auto& host : hosts) {
        const std::string bytes = all_bytes_under(host->data());
        BOOST_TEST(!contains(bytes, "fixture-api-key-0042"));
        BOOST_TEST(!contains(bytes, test_support::read_file(key_file)));
        BOOST_TEST(!contains(host->transcript(), "fixture-api-key-0042"));
    }
}

BOOST_AUTO_TEST_CASE(a_bad_database_url_is_refused_without_echoing_a_password)
{
    const auto bad = hosts[0]->run({"users", "list"}, {{"SAMPLE_HOST_DATABASE", "mysql://u:hunter2@db/x"}});
    BOOST_TEST(bad.exit_code == 2, describe(bad));
    BOOST_TEST(contains(bad.err, "SAMPLE_HOST_DATABASE"), describe(bad));
    BOOST_TEST(contains(bad.err, "postgresql://"), describe(bad));
    BOOST_TEST(!contains(bad.err, "hunter2"), describe(bad));
    const auto down = hosts[0]->run(
        {"users", "list"},
        {{"SAMPLE_HOST_DATABASE", "postgresql://host:hunter2@/none?host=" + (shared / "no-server").string()}});
    BOOST_TEST(down.exit_code == 1, describe(down));
    BOOST_TEST(contains(down.err, "cannot connect"), describe(down));
    BOOST_TEST(contains(down.err, "PGPASSWORD"), describe(down));
    BOOST_TEST(!contains(down.err, "hunter2"), describe(down));
}

BOOST_AUTO_TEST_SUITE_END()
