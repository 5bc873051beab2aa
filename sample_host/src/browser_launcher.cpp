#include "browser_launcher.hpp"

#include <cstdlib>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace sample_host {

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

bool open_in_browser(std::string_view url) noexcept
{
    try {
        const char* display = std::getenv("DISPLAY");
        const char* wayland = std::getenv("WAYLAND_DISPLAY");
        const bool desktop = (display != nullptr && *display != '\0') || (wayland != nullptr && *wayland != '\0');
        if (!desktop)
            return false;
        const char* path = std::getenv("PATH");
        auto program = find_in_path("xdg-open", path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
        if (!program)
            return false;

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        std::string url_text(url);
        std::vector<char*> argv{program->data(), url_text.data(), nullptr};
        pid_t pid = 0;
        const int rc = ::posix_spawn(&pid, program->c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0)
            return false;
        // xdg-open returns once the browser is launched; reap it so no zombie stays behind.
        std::thread([pid] {
            int status = 0;
            ::waitpid(pid, &status, 0);
        }).detach();
        return true;
    } catch (...) {
        return false;
    }
}

} // namespace sample_host
