#include "sandbox_process.hpp"

#include "process.hpp"

#include <boost/json/parse.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace test_support {

sandbox_process::sandbox_process(const std::filesystem::path& executable, std::vector<std::string> arguments)
{
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe2 failed");
    std::vector<std::string> args{executable.string()};
    args.insert(args.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
        const int null_fd = ::open("/dev/null", O_RDWR);
        ::dup2(null_fd, STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(null_fd, STDERR_FILENO);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    char c = 0;
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        pollfd p{out[0], POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0)
            continue;
        if (::read(out[0], &c, 1) != 1)
            break;
        line += c;
    }
    ::close(out[0]);
    boost::system::error_code ec;
    const auto value = boost::json::parse(line, ec);
    if (ec || !value.is_object()) {
        stop();
        throw std::runtime_error("sage_sandbox did not start (printed: " + line + ")");
    }
    info_ = value.get_object();
}

sandbox_process::~sandbox_process()
{
    stop();
}

std::string sandbox_process::text(std::string_view key) const
{
    const auto* v = info_.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string sandbox_process::control(const std::string& path, const std::string& body) const
{
    std::vector<std::string> argv = {"/usr/bin/curl", "-s", "--cacert",
                                     text("ca_file"), "-H", "Content-Type: application/json"};
    if (!body.empty()) {
        argv.push_back("--data");
        argv.push_back(body);
    }
    argv.push_back(text("control_url") + path);
    return run_process(argv).out;
}

void sandbox_process::stop() noexcept
{
    if (pid_ <= 0)
        return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

} // namespace test_support
