#include "runtime/browser_launcher.hpp"

#include <connector_support/guarded.hpp>

#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace sample_host {
namespace {

bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

// One BROWSER entry as argv: words split at blanks, %s -> the URL, %% -> %.
std::vector<std::string> command_for(std::string_view entry, std::string_view url)
{
    std::vector<std::string> argv;
    bool has_url = false;
    std::size_t i = 0;
    while (i < entry.size()) {
        while (i < entry.size() && blank(entry[i]))
            ++i;
        if (i == entry.size())
            break;
        std::string word;
        for (; i < entry.size() && !blank(entry[i]); ++i) {
            if (entry[i] == '%' && i + 1 < entry.size() && entry[i + 1] == 's') {
                word += url;
                has_url = true;
                ++i;
            } else if (entry[i] == '%' && i + 1 < entry.size() && entry[i + 1] == '%') {
                word += '%';
                ++i;
            } else {
                word += entry[i];
            }
        }
        argv.push_back(std::move(word));
    }
    if (!argv.empty() && !has_url)
        argv.emplace_back(url);
    return argv;
}

// Starts argv detached; false when the program cannot be started (not found, not executable).
bool spawn_detached(std::vector<std::string> argv)
{
    posix_spawn_file_actions_t actions;
    if (posix_spawn_file_actions_init(&actions) != 0)
        return false;
    posix_spawnattr_t attributes;
    if (posix_spawnattr_init(&attributes) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return false;
    }
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    // A browser outlives this process: it must not inherit the loopback listener (the port would stay
    // taken), the database or the log.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);

    std::vector<char*> pointers;
    for (auto& argument : argv)
        pointers.push_back(argument.data());
    pointers.push_back(nullptr);
    pid_t pid = 0;
    // glibc reports a failed exec (ENOENT, EACCES) as the return value, so "started" means running.
    const int rc = ::posix_spawnp(&pid, pointers[0], &actions, &attributes, pointers.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        return false;
    // xdg-open and most launchers return once the browser runs; reap whatever we started so no zombie
    // stays behind while the host waits for the callback.
    std::thread([pid] {
        int status = 0;
        ::waitpid(pid, &status, 0);
    }).detach();
    return true;
}

} // namespace

std::optional<std::string> find_in_path(std::string_view program, std::string_view path_variable)
{
    std::size_t start = 0;
    while (start <= path_variable.size()) {
        std::size_t end = path_variable.find(':', start);
        if (end == std::string_view::npos)
            end = path_variable.size();
        std::string folder(path_variable.substr(start, end - start));
        if (folder.empty())
            folder = "."; // an empty PATH entry means the current folder
        std::string candidate = folder + "/" + std::string(program);
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

std::vector<std::vector<std::string>> browser_commands(std::string_view browser_variable, std::string_view url)
{
    std::vector<std::vector<std::string>> commands;
    std::size_t start = 0;
    while (start <= browser_variable.size()) {
        std::size_t end = browser_variable.find(':', start);
        if (end == std::string_view::npos)
            end = browser_variable.size();
        if (auto argv = command_for(browser_variable.substr(start, end - start), url); !argv.empty())
            commands.push_back(std::move(argv));
        start = end + 1;
    }
    return commands;
}

namespace {

// open_in_browser's body.
connector_support::result<browser_launch> launch_browser(std::string_view url, const environment_lookup& env)
{
    std::string why;
    if (const auto browser = env("BROWSER")) {
        for (auto& argv : browser_commands(*browser, url)) {
            std::string program = argv.front();
            if (spawn_detached(std::move(argv)))
                return browser_launch{program, "started " + program + " (from BROWSER)"};
        }
        why = "no program named in BROWSER could be started; ";
    }
    const bool desktop = env("DISPLAY").has_value() || env("WAYLAND_DISPLAY").has_value();
    if (!desktop)
        return connector_support::fail(connector_sdk::error_category::config,
                                       why + "no desktop (DISPLAY and WAYLAND_DISPLAY unset)");
    const auto path = env("PATH");
    auto program = find_in_path("xdg-open", path.value_or("/usr/local/bin:/usr/bin:/bin"));
    if (!program)
        return connector_support::fail(connector_sdk::error_category::config, why + "xdg-open is not installed");
    if (!spawn_detached({*program, std::string(url)}))
        return connector_support::fail(connector_sdk::error_category::config, why + *program + " could not be started");
    return browser_launch{*program, "started " + *program};
}

} // namespace

connector_support::result<browser_launch> open_in_browser(std::string_view url, const environment_lookup& env) noexcept
{
    // Out of memory (the only way the body throws) counts as "no browser started"; the caller's
    // message then tells the user to open the address by hand.
    return connector_support::guarded([&] { return launch_browser(url, env); }, [](std::string_view) {},
                                      [] {
                                          return connector_support::result<browser_launch>(connector_support::fail(
                                              connector_sdk::error_category::internal, "out of memory"));
                                      });
}

} // namespace sample_host
