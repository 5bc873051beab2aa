// browser_launcher: how BROWSER is read (a ':'-separated list, %s, no shell), the order BROWSER then
// xdg-open with a desktop, and how the program runs: the URL as one argument whatever it holds, its
// own session, standard streams on /dev/null, none of the host's other descriptors.
#define BOOST_TEST_MODULE browser_launcher
#include <boost/test/unit_test.hpp>

#include "fake_environment.hpp"
#include "runtime/browser_launcher.hpp"
#include "temp_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

using namespace sample_host;
using commands = std::vector<std::vector<std::string>>;

using test_support::fake_env;

namespace {

// A URL a shell would mangle: &, ;, $, quotes, spaces (percent-encoded ones are harmless anyway).
const std::string tricky_url = "https://sage.example/auth?a=1&b=$(touch pwned);c='x' \"y\"`id`";

// A "browser" that records its arguments, its session id, where its standard output goes and whether
// descriptor `probe_fd` is open, then exits.
std::filesystem::path recording_browser(const test_support::temp_dir& dir, int probe_fd)
{
    const auto script = dir / "browser.sh";
    test_support::write_file(script,
                             "#!/bin/sh\n"
                             "out=\"" +
                                 (dir / "record").string() +
                                 "\"\n"
                                 "for a in \"$@\"; do printf 'arg:%s\\n' \"$a\" >> \"$out.tmp\"; done\n"
                                 "printf 'stdout:%s\\n' \"$(readlink /proc/$$/fd/1)\" >> \"$out.tmp\"\n"
                                 "if [ -e /proc/$$/fd/" +
                                 std::to_string(probe_fd) +
                                 " ]; then "
                                 "echo 'probe:open' >> \"$out.tmp\"; else echo 'probe:closed' >> \"$out.tmp\"; fi\n"
                                 "set -- $(cat /proc/$$/stat)\n"
                                 "if [ \"$6\" = \"$$\" ]; then echo 'session:own' >> \"$out.tmp\"; "
                                 "else echo 'session:shared' >> \"$out.tmp\"; fi\n"
                                 "mv \"$out.tmp\" \"$out\"\n");
    ::chmod(script.c_str(), 0700);
    return script;
}

std::string wait_for_record(const test_support::temp_dir& dir)
{
    const auto file = dir / "record";
    for (int i = 0; i < 100 && !std::filesystem::exists(file); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return std::filesystem::exists(file) ? test_support::read_file(file) : std::string();
}

} // namespace

BOOST_AUTO_TEST_SUITE(browser_variable)

BOOST_AUTO_TEST_CASE(a_program_gets_the_url_as_its_last_argument)
{
    BOOST_TEST((browser_commands("firefox", "https://x/") == commands{{"firefox", "https://x/"}}));
}

BOOST_AUTO_TEST_CASE(percent_s_is_replaced_and_percent_percent_is_a_percent)
{
    BOOST_TEST((browser_commands("firefox --new-window %s", "https://x/") ==
                commands{{"firefox", "--new-window", "https://x/"}}));
    BOOST_TEST((browser_commands("open --url=%s --label=100%%", "https://x/") ==
                commands{{"open", "--url=https://x/", "--label=100%"}}));
}

BOOST_AUTO_TEST_CASE(a_colon_separated_list_is_tried_in_order_and_blanks_are_skipped)
{
    BOOST_TEST((browser_commands("  w3m  ::lynx -dump ", "u") == commands{{"w3m", "u"}, {"lynx", "-dump", "u"}}));
    BOOST_TEST(browser_commands("", "u").empty());
    BOOST_TEST(browser_commands(" : ", "u").empty());
}

BOOST_AUTO_TEST_CASE(the_url_is_never_split_or_interpreted)
{
    const auto parsed = browser_commands("/usr/bin/browser", tricky_url);
    BOOST_REQUIRE(parsed.size() == 1u);
    BOOST_TEST((parsed[0] == std::vector<std::string>{"/usr/bin/browser", tricky_url}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(launching)

BOOST_AUTO_TEST_CASE(browser_starts_detached_with_the_url_as_one_argument_and_no_inherited_descriptor)
{
    test_support::temp_dir dir{"browser-launcher"};
    // A descriptor of "the host" without close-on-exec, as a listener or database might be.
    const int probe = ::dup(STDERR_FILENO);
    BOOST_REQUIRE(probe > STDERR_FILENO);
    const auto script = recording_browser(dir, probe);
    const auto launch = open_in_browser(tricky_url, fake_env({{"BROWSER", script.string()}}));
    BOOST_TEST(launch.has_value());
    BOOST_TEST(launch->program == script.string());
    const std::string record = wait_for_record(dir);
    ::close(probe);
    BOOST_TEST(record == "arg:" + tricky_url + "\nstdout:/dev/null\nprobe:closed\nsession:own\n");
    BOOST_TEST(!std::filesystem::exists(dir / "pwned"));
    BOOST_TEST(!std::filesystem::exists("pwned"));
}

BOOST_AUTO_TEST_CASE(the_first_program_of_browser_that_starts_wins)
{
    test_support::temp_dir dir{"browser-launcher"};
    const auto script = recording_browser(dir, 900);
    const auto launch = open_in_browser(
        "https://x/", fake_env({{"BROWSER", "/nonexistent/browser:no-such-browser-anywhere %s:" + script.string()}}));
    BOOST_TEST(launch.has_value());
    BOOST_TEST(launch->program == script.string());
    BOOST_TEST(wait_for_record(dir).find("arg:https://x/\n") == 0u);
}

BOOST_AUTO_TEST_CASE(xdg_open_is_used_only_with_a_desktop)
{
    test_support::temp_dir dir{"browser-launcher"};
    const auto script = recording_browser(dir, 900);
    std::filesystem::rename(script, dir / "xdg-open");
    const std::string path = dir.path().string();

    auto launch = open_in_browser("https://x/", fake_env({{"PATH", path}}));
    BOOST_TEST(!launch.has_value());
    BOOST_TEST(launch.error().message.find("no desktop") != std::string::npos, launch.error().message);

    launch = open_in_browser("https://x/", fake_env({{"PATH", path}, {"WAYLAND_DISPLAY", "wayland-0"}}));
    BOOST_TEST(launch.has_value());
    BOOST_TEST(launch->program == (dir / "xdg-open").string());
    BOOST_TEST(wait_for_record(dir).find("arg:https://x/\n") == 0u);
}

BOOST_AUTO_TEST_CASE(a_browser_that_cannot_start_falls_back_to_xdg_open_then_to_nothing)
{
    test_support::temp_dir dir{"browser-launcher"};
    auto launch = open_in_browser(
        "https://x/",
        fake_env({{"BROWSER", "/nonexistent/browser"}, {"PATH", dir.path().string()}, {"DISPLAY", ":0"}}));
    BOOST_TEST(!launch.has_value());
    BOOST_TEST(launch.error().message.find("BROWSER") != std::string::npos, launch.error().message);
    BOOST_TEST(launch.error().message.find("xdg-open is not installed") != std::string::npos, launch.error().message);
    BOOST_TEST(launch.error().message.find("https://x/") == std::string::npos); // never the URL

    const auto script = recording_browser(dir, 900);
    std::filesystem::rename(script, dir / "xdg-open");
    launch = open_in_browser(
        "https://x/",
        fake_env({{"BROWSER", "/nonexistent/browser"}, {"PATH", dir.path().string()}, {"DISPLAY", ":0"}}));
    BOOST_TEST(launch.has_value());
    BOOST_TEST(launch->program == (dir / "xdg-open").string());
}

BOOST_AUTO_TEST_CASE(no_browser_and_no_desktop_starts_nothing)
{
    BOOST_TEST(!open_in_browser("https://x/", fake_env({})).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
