// Real dlopen of a plugin built for SDK 1.0 by a host of this SDK (1.1 or later): loaded, and its
// answers read through the 1.0 contract.
#define BOOST_TEST_MODULE older_minor
#include <boost/test/unit_test.hpp>

#include "fake_host_services.hpp"

#include <connector_sdk/loader.hpp>

BOOST_AUTO_TEST_CASE(a_plugin_built_for_sdk_1_0_loads_in_this_host)
{
    static_assert(CONNECTOR_SDK_VERSION_MAJOR == 1 && CONNECTOR_SDK_VERSION_MINOR >= 1);
    test_support::fake_host_services services;
    connector_sdk::plugin_loader loader;
    const auto all = loader.discover(OLDER_MINOR_PLUGIN_DIR);
    BOOST_REQUIRE_EQUAL(all.size(), 1u);
    BOOST_REQUIRE(all.front().manifest.value.has_value());
    BOOST_TEST(all.front().manifest.value->sdk_minor == 0);
    const auto loaded = loader.load(all.front(), services);
    BOOST_TEST(loaded.ok(), loaded.reason);
    BOOST_REQUIRE(loaded.instance != nullptr);
    BOOST_TEST(loaded.instance->info().id == "sdk-1-0-plugin");
    BOOST_TEST(loaded.instance->check_license().permits_use());
}
