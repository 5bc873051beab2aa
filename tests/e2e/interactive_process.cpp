#include "interactive_process.hpp"

#include <cerrno>
#include <csignal>
#include <map>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace e2e {
namespace {

void close_fd(int& fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

std::vector<std::string> environment_for(const test_support::process_options& options)
{
    std::map<std::string, std::string> merged;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string text(*entry);
        if (const auto eq = text.find('='); eq != std::string::npos)
            merged[text.substr(0, eq)] = text.substr(eq + 1);
    }
    for (const auto& name : options.unset_environment)
        merged.erase(name);
    for (const auto& [name, value] : options.environment)
        merged[name] = value;
    std::vector<std::string> out;
    for (const auto& [name, value] : merged)
        out.push_back(name + "=" + value);
    return out;
}

} // namespace

interactive_process::interactive_process(const std::vector<std::string>& argv,
                                         const test_support::process_options& options)
{
    if (argv.empty())
        throw std::invalid_argument("interactive_process: empty argv");
    ::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> env_strings = environment_for(options);
    std::vector<char*> env_pointers;
    for (auto& s : env_strings)
        env_pointers.push_back(s.data());
    env_pointers.push_back(nullptr);
    std::vector<std::string> arg_strings = argv;
    std::vector<char*> arg_pointers;
    for (auto& s : arg_strings)
        arg_pointers.push_back(s.data());
    arg_pointers.push_back(nullptr);

    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    pid_ = ::fork();
    if (pid_ < 0)
        throw std::system_error(errno, std::generic_category(), "fork");
    if (pid_ == 0) {
        ::dup2(in[0], STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(err[1], STDERR_FILENO);
        ::setpgid(0, 0);
        ::execve(arg_pointers[0], arg_pointers.data(), env_pointers.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    in_ = in[1];
    out_ = out[0];
    err_fd_ = err[0];
}

interactive_process::~interactive_process()
{
    close_fd(in_);
    close_fd(out_);
    close_fd(err_fd_);
    if (pid_ > 0) {
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

bool interactive_process::pump(std::chrono::milliseconds wait)
{
    std::vector<pollfd> fds;
    if (out_ >= 0)
        fds.push_back({out_, POLLIN, 0});
    if (err_fd_ >= 0)
        fds.push_back({err_fd_, POLLIN, 0});
    if (fds.empty())
        return false;
    if (::poll(fds.data(), fds.size(), static_cast<int>(wait.count())) <= 0)
        return true;
    char buffer[65536];
    for (const auto& p : fds) {
        if (p.revents == 0)
            continue;
        const ssize_t n = ::read(p.fd, buffer, sizeof buffer);
        const bool is_out = p.fd == out_;
        if (n > 0)
            (is_out ? out_text_ : err_).append(buffer, static_cast<std::size_t>(n));
        else if (n == 0 || (errno != EINTR && errno != EAGAIN))
            close_fd(is_out ? out_ : err_fd_);
    }
    return true;
}

bool interactive_process::wait_for_stderr(const std::function<bool(const std::string&)>& done,
                                          std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(err_)) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !pump(std::min(left, std::chrono::milliseconds(200))))
            return done(err_);
    }
    return true;
}

void interactive_process::answer(const std::string& text)
{
    std::size_t written = 0;
    while (in_ >= 0 && written < text.size()) {
        const ssize_t n = ::write(in_, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        written += static_cast<std::size_t>(n);
    }
    close_fd(in_);
}

test_support::process_result interactive_process::finish(std::chrono::milliseconds timeout)
{
    close_fd(in_);
    test_support::process_result result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out_ >= 0 || err_fd_ >= 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            ::kill(-pid_, SIGKILL);
            ::kill(pid_, SIGKILL);
            break;
        }
        pump(std::min(left, std::chrono::milliseconds(200)));
    }
    close_fd(out_);
    close_fd(err_fd_);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.exit_code = 128 + WTERMSIG(status);
    result.out = out_text_;
    result.err = err_;
    return result;
}

} // namespace e2e
