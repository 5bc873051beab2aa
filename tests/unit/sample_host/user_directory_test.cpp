// user_directory: the first-use bootstrap (tenant "default", user "admin"), role checks on adding
// users, tenant rules, name rules, and who sees whom.
#define BOOST_TEST_MODULE user_directory
#include <boost/test/unit_test.hpp>

#include "refusal.hpp"
#include "runtime/host_error.hpp"
#include "storage/database.hpp"
#include "storage/user_directory.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

using namespace sample_host;

using test_support::refusal_of;

namespace {

const std::chrono::sys_seconds t0{std::chrono::seconds(1'800'000'000)};

struct directory_fixture : test_database::bootstrapped_database {
    directory_fixture() : bootstrapped_database("user-directory", t0) {}

    user_directory users{db};

    user_account admin() const { return *users.find("admin"); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(users, directory_fixture)

BOOST_AUTO_TEST_CASE(bootstrap_creates_the_default_admin_once)
{
    const auto admin_user = users.find("admin");
    BOOST_REQUIRE(admin_user.has_value());
    BOOST_TEST(admin_user->tenant == "default");
    BOOST_TEST(admin_user->is_admin());
    BOOST_TEST(users.tenant_exists("default"));
    users.bootstrap(t0 + std::chrono::hours(1));
    BOOST_TEST(users.list(admin()).size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_admin_adds_users_to_their_tenant)
{
    const auto bob = users.add(admin(), "bob", role::user, std::nullopt, t0);
    BOOST_TEST(bob.tenant == "default");
    BOOST_TEST(!bob.is_admin());
    BOOST_TEST(users.find("bob")->name == "bob");
}

BOOST_AUTO_TEST_CASE(a_non_admin_is_refused_clearly)
{
    const auto bob = users.add(admin(), "bob", role::user, std::nullopt, t0);
    const std::string why = refusal_of<host_error>([&] { users.add(bob, "eve", role::admin, std::nullopt, t0); });
    BOOST_TEST(why.find("only an administrator can add users") != std::string::npos, why);
    BOOST_TEST(why.find("'bob' is a user of tenant 'default'") != std::string::npos, why);
    BOOST_TEST(!users.find("eve").has_value());
}

BOOST_AUTO_TEST_CASE(duplicate_and_invalid_names_are_refused)
{
    users.add(admin(), "bob", role::user, std::nullopt, t0);
    BOOST_TEST(refusal_of<host_error>([&] {
                   users.add(admin(), "bob", role::admin, std::nullopt, t0);
               }).find("already exists") != std::string::npos);
    for (const char* bad : {"", "with space", "semi;colon", "x/y"})
        BOOST_TEST(refusal_of<host_error>([&] {
                       users.add(admin(), bad, role::user, std::nullopt, t0);
                   }).find("not a valid user name") != std::string::npos);
    BOOST_TEST(refusal_of<host_error>([&] {
                   users.add(admin(), "ok", role::user, std::string_view("Bad Tenant"), t0);
               }).find("not a valid tenant name") != std::string::npos);
    BOOST_TEST(refusal_of<host_error>([&] {
                   users.add(admin(), "ok", role::user, std::string_view("../etc"), t0);
               }).find("not a valid tenant name") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(operators_create_tenants_and_tenant_admins_stay_in_theirs)
{
    const auto acme_admin = users.add(admin(), "alice", role::admin, std::string_view("acme"), t0);
    BOOST_TEST(users.tenant_exists("acme"));
    const auto carol = users.add(acme_admin, "carol", role::user, std::nullopt, t0);
    BOOST_TEST(carol.tenant == "acme");
    const std::string why =
        refusal_of<host_error>([&] { users.add(acme_admin, "dan", role::user, std::string_view("default"), t0); });
    BOOST_TEST(why.find("cannot add users to tenant 'default'") != std::string::npos, why);
}

BOOST_AUTO_TEST_CASE(list_shows_the_own_tenant_or_everyone_for_operators)
{
    const auto alice = users.add(admin(), "alice", role::admin, std::string_view("acme"), t0);
    users.add(admin(), "bob", role::user, std::nullopt, t0);
    users.add(alice, "carol", role::user, std::nullopt, t0);
    std::vector<std::string> all;
    for (const auto& u : users.list(admin()))
        all.push_back(u.tenant + "/" + u.name);
    BOOST_TEST((all == std::vector<std::string>{"acme/alice", "acme/carol", "default/admin", "default/bob"}));
    std::vector<std::string> acme;
    for (const auto& u : users.list(*users.find("carol")))
        acme.push_back(u.name);
    BOOST_TEST((acme == std::vector<std::string>{"alice", "carol"}));
}

BOOST_AUTO_TEST_CASE(roles_parse_only_admin_and_user)
{
    BOOST_TEST((parse_role("admin") == role::admin));
    BOOST_TEST((parse_role("user") == role::user));
    BOOST_TEST(!parse_role("Admin").has_value());
    BOOST_TEST(!parse_role("root").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
