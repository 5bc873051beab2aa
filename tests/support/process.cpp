#include "process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace test_support {
namespace {

struct pipe_pair {
    int read_end = -1;
    int write_end = -1;
    pipe_pair()
    {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            throw std::system_error(errno, std::generic_category(), "pipe2");
        read_end = fds[0];
        write_end = fds[1];
    }
};

void close_fd(int& fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

std::vector<std::string> build_environment(const process_options& options)
{
    std::map<std::string, std::string> merged;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string text(*entry);
        auto eq = text.find('=');
        if (eq != std::string::npos)
            merged[text.substr(0, eq)] = text.substr(eq + 1);
    }
    for (const auto& name : options.unset_environment)
        merged.erase(name);
    for (const auto& [name, value] : options.environment)
        merged[name] = value;
    std::vector<std::string> out;
    out.reserve(merged.size());
    for (const auto& [name, value] : merged)
        out.push_back(name + "=" + value);
    return out;
}

} // namespace

started_process start_process(const std::vector<std::string>& argv, const process_options& options, bool pipe_input)
{
    if (argv.empty())
        throw std::invalid_argument("start_process: empty argv");
    // A child that exits before reading all its input must not kill the test with SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);

    // Everything the child needs is prepared before fork: after fork only async-signal-safe calls.
    std::vector<std::string> env_strings = build_environment(options);
    std::vector<char*> env_pointers;
    for (auto& s : env_strings)
        env_pointers.push_back(s.data());
    env_pointers.push_back(nullptr);
    std::vector<std::string> arg_strings = argv;
    std::vector<char*> arg_pointers;
    for (auto& s : arg_strings)
        arg_pointers.push_back(s.data());
    arg_pointers.push_back(nullptr);
    std::string directory = options.working_directory ? options.working_directory->string() : std::string();

    pipe_pair in_pipe, out_pipe, err_pipe;
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        if (pipe_input) {
            ::dup2(in_pipe.read_end, STDIN_FILENO);
        } else {
            int null_fd = ::open("/dev/null", O_RDONLY);
            ::dup2(null_fd, STDIN_FILENO);
        }
        ::dup2(out_pipe.write_end, STDOUT_FILENO);
        ::dup2(err_pipe.write_end, STDERR_FILENO);
        ::setpgid(0, 0); // its own process group, so a timeout kills its children too
        if (!directory.empty() && ::chdir(directory.c_str()) != 0)
            ::_exit(126);
        ::execve(arg_pointers[0], arg_pointers.data(), env_pointers.data());
        ::_exit(127);
    }
    close_fd(in_pipe.read_end);
    close_fd(out_pipe.write_end);
    close_fd(err_pipe.write_end);
    if (!pipe_input)
        close_fd(in_pipe.write_end);
    return {pid, in_pipe.write_end, out_pipe.read_end, err_pipe.read_end};
}

void kill_process_group(pid_t pid) noexcept
{
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
}

int wait_for_exit(pid_t pid) noexcept
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

process_result run_process(const std::vector<std::string>& argv, const process_options& options)
{
    started_process child = start_process(argv, options, options.input.has_value());
    return finish_process(child, options);
}

process_result finish_process(started_process& child, const process_options& options)
{
    if (child.input >= 0)
        ::fcntl(child.input, F_SETFL, O_NONBLOCK);
    const pid_t pid = child.pid;

    process_result result;
    std::size_t written = 0;
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    char buffer[65536];
    while (child.output >= 0 || child.error >= 0) {
        std::vector<pollfd> fds;
        if (child.output >= 0)
            fds.push_back({child.output, POLLIN, 0});
        if (child.error >= 0)
            fds.push_back({child.error, POLLIN, 0});
        if (child.input >= 0)
            fds.push_back({child.input, POLLOUT, 0});
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            kill_process_group(pid);
            break;
        }
        int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (ready < 0 && errno != EINTR)
            break;
        for (const auto& p : fds) {
            if (p.revents == 0)
                continue;
            if (p.fd == child.input) {
                static const std::string nothing;
                const std::string& input = options.input ? *options.input : nothing;
                ssize_t n = ::write(p.fd, input.data() + written, input.size() - written);
                if (n > 0)
                    written += static_cast<std::size_t>(n);
                if (n < 0 && errno != EAGAIN)
                    written = input.size();
                if (written >= input.size())
                    close_fd(child.input);
                continue;
            }
            ssize_t n = ::read(p.fd, buffer, sizeof buffer);
            std::string& sink = p.fd == child.output ? result.out : result.err;
            if (n > 0) {
                sink.append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                if (p.fd == child.output)
                    close_fd(child.output);
                else
                    close_fd(child.error);
            }
        }
    }
    close_fd(child.input);
    close_fd(child.output);
    close_fd(child.error);

    result.exit_code = wait_for_exit(pid);
    return result;
}

} // namespace test_support
