// A fleet of sample hosts on PostgreSQL, as processes: three hosts with their own data folders share
// one database URL and one host key file. A connection saved on one is used on the others; two
// simultaneous start-trial on two hosts grant one trial; licences issued by two hosts at once verify
// with one key; a default OAuth app set on one host is offered by all; legacy signing-key and
// oauth_apps.json files are moved into the database once (a conflicting one refused); a host key with
// loose permissions, a missing one and a host with another key are refused with the remedy; and
// neither a dump of the database nor any data folder holds a secret in plain text (connection
// secrets, the OAuth app's client secret, the signing key, the host key).
#define BOOST_TEST_MODULE fleet
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"
#include "postgresql_server.hpp"

#include <connector_sdk/license.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

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

    // The same with `input` on standard input (a client secret piped in).
    test_support::process_result run_with_input(int host, const std::vector<std::string>& args,
                                                const std::string& input)
    {
        std::vector<std::string> argv{CONNECTOR_TEST_SAMPLE_HOST, "--plugins", plugins.string(), "--data",
                                      hosts[static_cast<std::size_t>(host)]->data().string()};
        argv.insert(argv.end(), args.begin(), args.end());
        test_support::process_options options;
        options.environment = fleet_env();
        options.unset_environment = {"SAMPLE_HOST_USER", "SAMPLE_HOST_NOW", "SAMPLE_HOST_CREDENTIALS"};
        options.input = input;
        options.timeout = std::chrono::seconds(60);
        auto result = test_support::run_process(argv, options);
        transcript += result.out + result.err;
        return result;
    }

    std::string transcript; // of run_with_input
};

const std::string oauth_secret = "fleet-oauth-client-secret-7781";

// The build's development signing key, which the connectors of this build trust.
std::filesystem::path dev_signing_key()
{
    return std::filesystem::path(CONNECTOR_TEST_BINARY_DIR) / "marketplace-dev" / "signing-key.pem";
}

std::string key_id_of(const std::string& pem)
{
    return connector_sdk::license_key_id(connector_sdk::license_public_key(pem));
}

// The base64 lines of a PEM document: what must never appear anywhere.
std::vector<std::string> pem_body_lines(const std::string& pem)
{
    std::vector<std::string> lines;
    std::istringstream in(pem);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line.rfind("-----", 0) != 0)
            lines.push_back(line);
    return lines;
}

// A Sage form without a client id and secret of its own: valid only where the host offers an app.
const std::vector<std::string> validate_without_app{"validate", sage_id, "--set", "ConnectionName=Books"};

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
    for (auto& p : started) // read to the end: a host never meets a closed pipe when it prints
        granted += test_support::finish_process(p).exit_code == 0 ? 1 : 0;
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
    const auto set =
        run_with_input(0, {"oauth-apps", "set", sage_id, "--client-id", "fleet-app", "--client-secret-file", "-"},
                       oauth_secret + "\n");
    BOOST_TEST(set.exit_code == 0, describe(set));
    BOOST_TEST(run(1, validate_without_app).exit_code == 0);
    BOOST_TEST(run(2, {"marketplace", "start-trial", sage_id}).exit_code == 0); // imports the dev key
    const std::string signing_pem = test_support::read_file(dev_signing_key());
    const std::string dump = server().dump(database);
    BOOST_TEST(contains(dump, "Books"));     // the search sees plain text
    BOOST_TEST(contains(dump, "fleet-app")); // (the client id is not a secret)
    BOOST_TEST(contains(dump, key_id_of(signing_pem)));
    BOOST_TEST(!contains(dump, "fixture-api-key-0042"));
    BOOST_TEST(!contains(dump, oauth_secret));
    BOOST_TEST(!contains(dump, "PRIVATE KEY"));
    for (const auto& line : pem_body_lines(signing_pem))
        BOOST_TEST(!contains(dump, line));
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
        BOOST_TEST(!contains(bytes, oauth_secret));
        BOOST_TEST(!contains(host->transcript(), oauth_secret));
        BOOST_TEST(!contains(bytes, "PRIVATE KEY"));
        for (const auto& line : pem_body_lines(signing_pem))
            BOOST_TEST(!contains(bytes, line));
        BOOST_TEST(!std::filesystem::exists(host->data() / "marketplace"));
        BOOST_TEST(!std::filesystem::exists(host->data() / "oauth_apps.json"));
    }
    BOOST_TEST(!contains(transcript, oauth_secret));
}

BOOST_AUTO_TEST_CASE(two_hosts_issue_licences_at_once_that_verify_with_one_key)
{
    BOOST_TEST_REQUIRE(run(0, {"users", "add", "acme-admin", "--role", "admin", "--tenant", "acme"}).exit_code == 0);
    // Neither host has imported a key yet: both import the build's dev key at the same instant; the
    // first one stored is the one both sign with.
    std::vector<test_support::started_process> started;
    const std::vector<std::vector<std::string>> commands{{"marketplace", "start-trial", sage_id},
                                                         {"--as", "acme-admin", "marketplace", "start-trial", sage_id}};
    for (int host = 0; host < 2; ++host) {
        test_support::process_options options;
        options.environment = fleet_env();
        options.unset_environment = {"SAMPLE_HOST_USER", "SAMPLE_HOST_NOW"};
        std::vector<std::string> argv{CONNECTOR_TEST_SAMPLE_HOST, "--plugins", plugins.string(), "--data",
                                      hosts[static_cast<std::size_t>(host)]->data().string()};
        const auto& command = commands[static_cast<std::size_t>(host)];
        argv.insert(argv.end(), command.begin(), command.end());
        started.push_back(test_support::start_process(argv, options, false));
    }
    for (auto& p : started) {
        const auto result = test_support::finish_process(p);
        BOOST_TEST(result.exit_code == 0, result.out << result.err);
    }
    BOOST_TEST(server().query(database, "SELECT COUNT(*) FROM marketplace_signing_key") == "1\n");
    const std::string key_id = key_id_of(test_support::read_file(dev_signing_key()));
    BOOST_TEST(server().query(database, "SELECT DISTINCT key_id FROM issued_licenses") == key_id + "\n");

    // The connector (built to trust that one key) verifies each tenant's licence, asked on the third host.
    int verified = 0;
    for (const std::vector<std::string>& as :
         {std::vector<std::string>{}, std::vector<std::string>{"--as", "acme-admin"}}) {
        std::vector<std::string> args = as;
        for (const char* word : {"--json", "marketplace", "status", sage_id})
            args.emplace_back(word);
        const auto status = run(2, args);
        BOOST_TEST(status.exit_code == 0, describe(status));
        const auto doc = boost::json::parse(status.out);
        const auto& connector = doc.at("connectors").as_array().at(0);
        BOOST_TEST(connector.at("license").at("state").as_string() == "trial_active", describe(status));
        verified += connector.at("license").at("state").as_string() == "trial_active" ? 1 : 0;
    }
    BOOST_TEST(verified == 2);
    // The third host signs with the same key, and no host keeps one in its data folder.
    BOOST_TEST(run(2, {"marketplace", "subscribe", sage_id, "--plan", "monthly"}).exit_code == 0);
    BOOST_TEST(server().query(database, "SELECT DISTINCT key_id FROM issued_licenses") == key_id + "\n");
    for (const auto& host : hosts)
        BOOST_TEST(!std::filesystem::exists(host->data() / "marketplace"));
}

BOOST_AUTO_TEST_CASE(a_default_oauth_app_set_on_one_host_is_offered_by_every_host)
{
    for (int host = 0; host < 3; ++host)
        BOOST_TEST(run(host, validate_without_app).exit_code == 1);
    // The secret is never taken from the command line.
    const auto on_argv = run(0, {"oauth-apps", "set", sage_id, "--client-id", "fleet-app", "--client-secret",
                                 oauth_secret, "--client-secret-file", "-"});
    BOOST_TEST(on_argv.exit_code == 2, describe(on_argv));
    BOOST_TEST(contains(on_argv.err, "--client-secret-file"), describe(on_argv));
    BOOST_TEST(!contains(on_argv.err, oauth_secret), describe(on_argv));
    // Given alone (as one would type it), the refusal says why, not only that a file is missing.
    const auto alone =
        run(0, {"oauth-apps", "set", sage_id, "--client-id", "fleet-app", "--client-secret", oauth_secret});
    BOOST_TEST(alone.exit_code == 2, describe(alone));
    BOOST_TEST(contains(alone.err, "a secret on the command line is seen by other users"), describe(alone));
    BOOST_TEST(!contains(alone.err, oauth_secret), describe(alone));
    BOOST_TEST(server().query(database, "SELECT COUNT(*) FROM oauth_apps") == "0\n");

    // A file, by its name; the connector's name works as well as its id.
    const auto secret_file = shared / "client-secret";
    test_support::write_file(secret_file, oauth_secret + "\n");
    const auto set = run(0, {"--json", "oauth-apps", "set", "Sage Cloud Accounting", "--client-id", "fleet-app",
                             "--client-secret-file", secret_file.string()});
    BOOST_TEST(set.exit_code == 0, describe(set));
    BOOST_TEST(contains(set.out, R"("outcome":"created")"), describe(set));
    BOOST_TEST(contains(set.out, sage_id), describe(set));
    for (int host = 0; host < 3; ++host) {
        const auto valid = run(host, validate_without_app);
        BOOST_TEST(valid.exit_code == 0, describe(valid));
    }
    const auto listed = run(2, {"oauth-apps", "list"});
    BOOST_TEST(listed.exit_code == 0, describe(listed));
    BOOST_TEST(contains(listed.out, "fleet-app"), describe(listed));
    BOOST_TEST(contains(listed.out, "set (sealed)"), describe(listed));
    BOOST_TEST(!contains(listed.out, oauth_secret), describe(listed));

    // Replaced from standard input on another host; the same again is unchanged.
    const std::vector<std::string> replace{"oauth-apps",           "set", sage_id, "--client-id", "fleet-app-2",
                                           "--client-secret-file", "-"};
    const auto replaced = run_with_input(1, replace, "rotated-" + oauth_secret);
    BOOST_TEST(replaced.exit_code == 0, describe(replaced));
    BOOST_TEST(contains(replaced.out, "replaced"), describe(replaced));
    const auto same = run_with_input(2, replace, "rotated-" + oauth_secret + "\n");
    BOOST_TEST(same.exit_code == 0, describe(same));
    BOOST_TEST(contains(same.out, "already"), describe(same));
    const auto empty = run_with_input(2, replace, "\n");
    BOOST_TEST(empty.exit_code == 1, describe(empty));
    BOOST_TEST(contains(empty.err, "empty"), describe(empty));

    // Administrators of the "default" tenant only.
    BOOST_TEST_REQUIRE(run(0, {"users", "add", "bob", "--role", "user"}).exit_code == 0);
    BOOST_TEST_REQUIRE(run(0, {"users", "add", "acme-admin", "--role", "admin", "--tenant", "acme"}).exit_code == 0);
    for (const char* who : {"bob", "acme-admin"}) {
        const auto refused = run(1, {"--as", who, "oauth-apps", "list"});
        BOOST_TEST(refused.exit_code == 1, describe(refused));
        BOOST_TEST(contains(refused.err, "administrator"), describe(refused));
        BOOST_TEST(run(1, {"--as", who, "oauth-apps", "remove", sage_id}).exit_code == 1);
    }

    // A host given another host key cannot read the app, and says why.
    const auto stray = shared / "stray.key";
    test_support::write_file(stray, std::string(32, 's'));
    ::chmod(stray.c_str(), 0600);
    const auto wrong_key =
        run(2, {"oauth-apps", "set", sage_id, "--client-id", "x", "--client-secret-file", secret_file.string()},
            {{"SAMPLE_HOST_KEY", stray.string()}});
    BOOST_TEST(wrong_key.exit_code == 1, describe(wrong_key));
    BOOST_TEST(contains(wrong_key.err, "another host key"), describe(wrong_key));

    const auto removed = run(1, {"oauth-apps", "remove", sage_id});
    BOOST_TEST(removed.exit_code == 0, describe(removed));
    BOOST_TEST(run(2, validate_without_app).exit_code == 1);
    BOOST_TEST(run(2, {"oauth-apps", "remove", sage_id}).exit_code == 1);
    BOOST_TEST(!contains(transcript, oauth_secret));
    for (const auto& host : hosts)
        BOOST_TEST(!contains(host->transcript(), oauth_secret));
}

BOOST_AUTO_TEST_CASE(files_older_hosts_kept_are_moved_into_the_database_once)
{
    const std::string legacy_apps = R"({")" + std::string(sage_id) +
                                    R"(": {"client_id": "legacy-app", "client_secret": ")" + oauth_secret + R"("}})";
    const std::string dev_pem = test_support::read_file(dev_signing_key());
    for (int host = 0; host < 2; ++host) {
        const auto data = hosts[static_cast<std::size_t>(host)]->data();
        test_support::write_file(data / "oauth_apps.json", legacy_apps);
        test_support::write_file(data / "marketplace" / "signing-key.pem", dev_pem);
        ::chmod((data / "marketplace").c_str(), 0700);
        ::chmod((data / "marketplace" / "signing-key.pem").c_str(), 0600);
    }
    // The third host kept another app and another key.
    const auto third = hosts[2]->data();
    test_support::write_file(third / "oauth_apps.json",
                             R"({")" + std::string(sage_id) +
                                 R"(": {"client_id": "stray-app", "client_secret": "stray-secret-5550"}})");
    const std::string stray_pem = connector_sdk::generate_license_signing_key();
    test_support::write_file(third / "marketplace" / "signing-key.pem", stray_pem);
    ::chmod((third / "marketplace").c_str(), 0700);
    ::chmod((third / "marketplace" / "signing-key.pem").c_str(), 0600);

    for (int host = 0; host < 2; ++host) {
        const auto data = hosts[static_cast<std::size_t>(host)]->data();
        const auto valid = run(host, validate_without_app); // the connector asks for the default app
        BOOST_TEST(valid.exit_code == 0, describe(valid));
        BOOST_TEST(contains(valid.err, "moved the default OAuth apps of " + (data / "oauth_apps.json").string()),
                   describe(valid));
        BOOST_TEST(!std::filesystem::exists(data / "oauth_apps.json"));
        const auto init = run(host, {"marketplace", "init", "--signing-key", dev_signing_key().string()});
        BOOST_TEST(init.exit_code == 0, describe(init));
        BOOST_TEST(!std::filesystem::exists(data / "marketplace"));
    }
    BOOST_TEST(server().query(database, "SELECT client_id FROM oauth_apps") == "legacy-app\n");
    BOOST_TEST(server().query(database, "SELECT signing_key_id FROM marketplace_signing_key") ==
               key_id_of(dev_pem) + "\n");

    const auto apps = run(2, {"oauth-apps", "list"});
    BOOST_TEST(apps.exit_code == 1, describe(apps));
    BOOST_TEST(contains(apps.err, "legacy-app"), describe(apps));
    BOOST_TEST(contains(apps.err, "stray-app"), describe(apps));
    BOOST_TEST(contains(apps.err, (third / "oauth_apps.json").string()), describe(apps));
    BOOST_TEST(!contains(apps.err, "stray-secret-5550"), describe(apps));
    BOOST_TEST(std::filesystem::exists(third / "oauth_apps.json"));
    const auto trial = run(2, {"marketplace", "start-trial", sage_id});
    BOOST_TEST(trial.exit_code == 1, describe(trial));
    BOOST_TEST(contains(trial.err, key_id_of(dev_pem)), describe(trial));
    BOOST_TEST(contains(trial.err, key_id_of(stray_pem)), describe(trial));
    BOOST_TEST(std::filesystem::exists(third / "marketplace" / "signing-key.pem"));
    BOOST_TEST(server().query(database, "SELECT COUNT(*) FROM trials_used") == "0\n");
    for (const auto& line : pem_body_lines(stray_pem))
        BOOST_TEST(!contains(hosts[2]->transcript(), line));
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
