// Tenants and users as a process: the bootstrap admin, adding users (administrators only), acting as
// another user with --as or SAMPLE_HOST_USER, and connections kept apart per tenant.
#define BOOST_TEST_MODULE e2e_users
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"

#include <boost/json.hpp>

using namespace e2e;

namespace {

std::vector<std::string> user_names(sample_host_runner& host, const std::string& as = "admin")
{
    std::vector<std::string> names;
    const auto doc = host.run_json({"--as", as, "users", "list"});
    for (const auto& u : doc.at("users").as_array())
        names.emplace_back(u.at("name").as_string());
    return names;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_first_run_creates_the_default_admin)
{
    sample_host_runner host;
    const auto doc = host.run_json({"users", "list"});
    const auto& users = doc.at("users").as_array();
    BOOST_REQUIRE(users.size() == 1u);
    BOOST_TEST(users[0].at("name").as_string() == "admin");
    BOOST_TEST(users[0].at("tenant").as_string() == "default");
    BOOST_TEST(users[0].at("role").as_string() == "admin");
}

BOOST_AUTO_TEST_CASE(an_admin_adds_users_and_a_user_may_not)
{
    sample_host_runner host;
    const auto added = host.run({"users", "add", "bob", "--role", "user"});
    BOOST_TEST(added.exit_code == 0, describe(added));
    BOOST_TEST(contains(added.out, "added user 'bob' (user) to tenant 'default'"), describe(added));

    const auto refused = host.run({"--as", "bob", "users", "add", "eve", "--role", "admin"});
    BOOST_TEST(refused.exit_code == 1, describe(refused));
    BOOST_TEST(contains(refused.err, "only an administrator can add users"), describe(refused));

    const auto duplicate = host.run({"users", "add", "bob", "--role", "admin"});
    BOOST_TEST(duplicate.exit_code == 1, describe(duplicate));
    BOOST_TEST(contains(duplicate.err, "already exists"), describe(duplicate));

    BOOST_TEST((user_names(host) == std::vector<std::string>{"admin", "bob"}));
}

BOOST_AUTO_TEST_CASE(an_unknown_user_is_refused_with_the_remedy)
{
    sample_host_runner host;
    const auto r = host.run({"--as", "mallory", "connections", "list"});
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.err, "unknown user 'mallory'"), describe(r));
    BOOST_TEST(contains(r.err, "users add mallory"), describe(r));
    const auto from_env = host.run({"connections", "list"}, {{"SAMPLE_HOST_USER", "mallory"}});
    BOOST_TEST(from_env.exit_code == 1, describe(from_env));
    BOOST_TEST(contains(from_env.err, "SAMPLE_HOST_USER"), describe(from_env));
}

BOOST_AUTO_TEST_CASE(tenants_keep_their_connections_apart)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    BOOST_TEST(host.run({"users", "add", "alice", "--role", "admin", "--tenant", "acme"}).exit_code == 0);
    BOOST_TEST(host.run({"--as", "alice", "users", "add", "carol", "--role", "user"}).exit_code == 0);
    const auto other_tenant =
        host.run({"--as", "alice", "users", "add", "dan", "--role", "user", "--tenant", "default"});
    BOOST_TEST(other_tenant.exit_code == 1, describe(other_tenant));

    const std::map<std::string, std::string> env{{"SAMPLE_HOST_USER", "carol"}, {"E2E_KEY", "tenant-key-123"}};
    const auto created = host.run(
        {"create", fixture_id, "--set", "ConnectionName=Shared Name", "--secret-env", "ApiKey=E2E_KEY", "--no-test"},
        env);
    BOOST_TEST(created.exit_code == 0, describe(created));
    BOOST_TEST(contains(created.out, "tenant 'acme'"), describe(created));
    // The same name is free in the default tenant.
    const auto same_name = host.run({"create", fixture_id, "--set", "ConnectionName=Shared Name", "--no-test"});
    BOOST_TEST(same_name.exit_code == 0, describe(same_name));

    const auto acme = host.run_json({"--as", "alice", "connections", "list"});
    BOOST_TEST(acme.at("tenant").as_string() == "acme");
    BOOST_TEST(acme.at("connections").as_array().size() == 1u);
    BOOST_TEST(acme.at("connections").as_array()[0].at("created_by").as_string() == "carol");
    const auto shown = host.run({"--as", "admin", "connections", "show", "Shared Name"});
    BOOST_TEST(shown.exit_code == 0, describe(shown));
    BOOST_TEST(!contains(shown.out, "ApiKey"), describe(shown)); // the default tenant's has no key

    BOOST_TEST((user_names(host, "alice") == std::vector<std::string>{"alice", "carol"}));
    BOOST_TEST(user_names(host, "admin").size() == 3u);
}
