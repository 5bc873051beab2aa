// license_repository: one token per tenant and connector, replaced on renewal, removable, scoped to
// the tenant, and refused for a tenant that does not exist.
#define BOOST_TEST_MODULE license_repository
#include <boost/test/unit_test.hpp>

#include "marketplace/license_repository.hpp"
#include "storage/database.hpp"
#include "storage/user_directory.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

using namespace sample_host;

namespace {

const std::chrono::sys_seconds t0{std::chrono::seconds(1'800'000'000)};

struct repository_fixture : test_database::bootstrapped_database {
    license_repository licenses{db};

    repository_fixture() : bootstrapped_database("license-repository", t0)
    {
        user_directory users(db);
        users.add(*users.find("admin"), "carol", role::user, std::string_view("acme"), t0);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(licenses_table, repository_fixture)

BOOST_AUTO_TEST_CASE(a_stored_token_is_read_back_exactly)
{
    BOOST_TEST(!licenses.token("default", "sage-cloud-accounting").has_value());
    licenses.store("default", "sage-cloud-accounting", "hdr.payload.sig", t0);
    BOOST_TEST(licenses.token("default", "sage-cloud-accounting").value() == "hdr.payload.sig");
    const auto found = licenses.find("default", "sage-cloud-accounting");
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST((found->updated_at == t0));
}

BOOST_AUTO_TEST_CASE(a_new_token_replaces_the_old_one)
{
    licenses.store("default", "sage-cloud-accounting", "trial-token", t0);
    licenses.store("default", "sage-cloud-accounting", "subscription-token", t0 + std::chrono::hours(24));
    BOOST_TEST(licenses.token("default", "sage-cloud-accounting").value() == "subscription-token");
    BOOST_TEST(licenses.list("default").size() == 1u);
}

BOOST_AUTO_TEST_CASE(tokens_are_scoped_to_tenant_and_connector)
{
    licenses.store("default", "sage-cloud-accounting", "default-token", t0);
    licenses.store("acme", "sage-cloud-accounting", "acme-token", t0);
    licenses.store("acme", "other-connector", "other-token", t0);
    BOOST_TEST(licenses.token("acme", "sage-cloud-accounting").value() == "acme-token");
    BOOST_TEST(licenses.token("default", "sage-cloud-accounting").value() == "default-token");
    BOOST_TEST(!licenses.token("default", "other-connector").has_value());
    const auto acme = licenses.list("acme");
    BOOST_REQUIRE(acme.size() == 2u);
    BOOST_TEST(acme[0].connector_id == "other-connector");
}

BOOST_AUTO_TEST_CASE(remove_deletes_only_that_token)
{
    licenses.store("default", "sage-cloud-accounting", "t", t0);
    BOOST_TEST(licenses.remove("default", "sage-cloud-accounting"));
    BOOST_TEST(!licenses.remove("default", "sage-cloud-accounting"));
    BOOST_TEST(!licenses.token("default", "sage-cloud-accounting").has_value());
}

BOOST_AUTO_TEST_CASE(an_unknown_tenant_is_refused)
{
    BOOST_CHECK_THROW(licenses.store("nobody", "sage-cloud-accounting", "t", t0), database_error);
}

BOOST_AUTO_TEST_SUITE_END()
