#include "interactive_process.hpp"

#include <cerrno>

#include <poll.h>
#include <unistd.h>

namespace e2e {
namespace {

void close_fd(int& fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

} // namespace

interactive_process::interactive_process(const std::vector<std::string>& argv,
                                         const test_support::process_options& options)
{
    const test_support::started_process child = test_support::start_process(argv, options, true);
    pid_ = child.pid;
    in_ = child.input;
    out_ = child.output;
    err_fd_ = child.error;
}

interactive_process::~interactive_process()
{
    close_fd(in_);
    close_fd(out_);
    close_fd(err_fd_);
    if (pid_ > 0) {
        test_support::kill_process_group(pid_);
        test_support::wait_for_exit(pid_);
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
            test_support::kill_process_group(pid_);
            break;
        }
        pump(std::min(left, std::chrono::milliseconds(200)));
    }
    close_fd(out_);
    close_fd(err_fd_);
    result.exit_code = test_support::wait_for_exit(pid_);
    pid_ = -1;
    result.out = out_text_;
    result.err = err_;
    return result;
}

} // namespace e2e
