// `sample_host plugins` as a process over a folder full of broken plugins: every one is listed with
// its reason and the host exits normally.
#define BOOST_TEST_MODULE sample_host_plugins
#include <boost/test/unit_test.hpp>

#include "process.hpp"
#include "temp_dir.hpp"

#include <filesystem>

BOOST_AUTO_TEST_CASE(every_broken_plugin_is_listed_with_its_reason_and_the_host_survives)
{
    test_support::temp_dir data("sample-host-data");
    const auto result = test_support::run_process(
        {CONNECTOR_TEST_SAMPLE_HOST, "--plugins", BROKEN_PLUGIN_DIR, "--data", data.path().string(), "plugins"});
    BOOST_TEST(!result.timed_out);
    BOOST_TEST(result.exit_code == 0, result.err);
    const char* expected[][2] = {
        {"broken-wrong-major", "major versions must be equal"},
        {"broken-wrong-minor", "upgrade the host"},
        {"broken-wrong-stdlib", "libc++/abi1"},
        {"broken-no-factory", "exports no connector_sdk_factory"},
        {"broken-no-descriptor", "exports no connector_sdk_abi_descriptor"},
        {"broken-throwing-factory", "always fails"},
        {"broken-null-factory", "returned no connector"},
        {"broken-id-mismatch", "someone-else"},
        {"broken-wrong-magic", "wrong magic"},
    };
    for (const auto& [id, reason] : expected) {
        BOOST_TEST(result.out.find(id) != std::string::npos, id << " missing from:\n" << result.out);
        BOOST_TEST(result.out.find(reason) != std::string::npos, reason << " missing from:\n" << result.out);
    }
}
