// host_locations: where plugins and data are looked for (flag, environment, build tree, installed
// layout, XDG) and who acts, and private folders created with mode 0700.
#define BOOST_TEST_MODULE host_locations
#include <boost/test/unit_test.hpp>

#include "fake_environment.hpp"
#include "file_mode.hpp"
#include "runtime/host_error.hpp"
#include "runtime/host_locations.hpp"
#include "temp_dir.hpp"

#include <sys/stat.h>

#include <map>

using namespace sample_host;
namespace fs = std::filesystem;

using test_support::fake_env;

namespace {

} // namespace

BOOST_AUTO_TEST_CASE(plugin_folder_flag_then_environment_then_build_tree_then_installed_layout)
{
    const fs::path in_build_tree = fs::path(CONNECTOR_TEST_BINARY_DIR) / "sample_host" / "sample_host";
    const fs::path installed = "/opt/acme/bin/sample_host";
    const auto env = fake_env({{"SAMPLE_HOST_PLUGINS", "/from/env"}});
    BOOST_TEST(resolve_plugin_dir(std::string("/from/flag"), env, installed) == "/from/flag");
    BOOST_TEST(resolve_plugin_dir(std::nullopt, env, installed) == "/from/env");
    BOOST_TEST(resolve_plugin_dir(std::nullopt, fake_env({}), in_build_tree) == fs::path(CONNECTOR_TEST_PLUGIN_DIR));
    const fs::path from_install = resolve_plugin_dir(std::nullopt, fake_env({}), installed);
    BOOST_TEST(from_install.parent_path().parent_path() == "/opt/acme");
    BOOST_TEST(from_install.filename() == "connectors");
}

BOOST_AUTO_TEST_CASE(data_folder_flag_then_environment_then_xdg_then_home)
{
    BOOST_TEST(resolve_data_dir(std::string("/d/flag"), fake_env({{"SAMPLE_HOST_DATA", "/d/env"}})) == "/d/flag");
    BOOST_TEST(resolve_data_dir(std::nullopt, fake_env({{"SAMPLE_HOST_DATA", "/d/env"}, {"HOME", "/home/u"}})) ==
               "/d/env");
    BOOST_TEST(resolve_data_dir(std::nullopt, fake_env({{"XDG_DATA_HOME", "/x"}, {"HOME", "/home/u"}})) ==
               "/x/sample-host");
    // A relative XDG_DATA_HOME is invalid by the XDG rules and ignored.
    BOOST_TEST(resolve_data_dir(std::nullopt, fake_env({{"XDG_DATA_HOME", "rel"}, {"HOME", "/home/u"}})) ==
               "/home/u/.local/share/sample-host");
    BOOST_CHECK_THROW((void)resolve_data_dir(std::nullopt, fake_env({})), host_error);
}

BOOST_AUTO_TEST_CASE(acting_user_flag_then_environment_then_admin)
{
    BOOST_TEST(resolve_user(std::string("bob"), fake_env({{"SAMPLE_HOST_USER", "carol"}})) == "bob");
    BOOST_TEST(resolve_user(std::nullopt, fake_env({{"SAMPLE_HOST_USER", "carol"}})) == "carol");
    BOOST_TEST(resolve_user(std::nullopt, fake_env({})) == "admin");
}

BOOST_AUTO_TEST_CASE(private_folders_are_created_0700_with_their_parents)
{
    test_support::temp_dir dir;
    const fs::path folder = dir / "a" / "b" / "c";
    const mode_t old_umask = ::umask(0);
    ensure_private_directory(folder);
    ::umask(old_umask);
    BOOST_TEST(test_support::file_mode(folder) == 0700u);
    BOOST_TEST(test_support::file_mode(dir / "a") == 0700u);
    BOOST_CHECK_NO_THROW(ensure_private_directory(folder)); // already there
    test_support::write_file(dir / "file", "x");
    BOOST_CHECK_THROW(ensure_private_directory(dir / "file"), host_error);
}
