// The sage_sandbox executable as other test suites and the README demo use it: its --help, its one
// JSON start-up line, serving several client processes at once, and a clean exit on SIGTERM.
#define BOOST_TEST_MODULE sandbox_executable
#include <boost/test/unit_test.hpp>

#include "curl_runner.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

#include <boost/json/parse.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

using sage_sandbox::testing::curl_result;
using sage_sandbox::testing::run_curl;

namespace {

const std::string executable = SAGE_SANDBOX_EXECUTABLE;

// sage_sandbox running in the background; SIGKILLed if a test forgets to stop it.
class running_sandbox {
public:
    explicit running_sandbox(std::vector<std::string> args)
    {
        args.insert(args.begin(), executable);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        int fds[2];
        BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        pid_ = ::fork();
        BOOST_REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(fds[1], STDOUT_FILENO);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        out_ = fds[0];
        line_ = read_line(std::chrono::seconds(30));
    }
    ~running_sandbox()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_ >= 0)
            ::close(out_);
    }
    running_sandbox(const running_sandbox&) = delete;
    running_sandbox& operator=(const running_sandbox&) = delete;

    [[nodiscard]] const std::string& line() const { return line_; }
    [[nodiscard]] boost::json::object info() const { return boost::json::parse(line_).as_object(); }

    // Sends `sig` and returns the exit status (or -1 if it did not exit within the wait).
    int stop(int sig = SIGTERM, std::chrono::seconds wait = std::chrono::seconds(10))
    {
        ::kill(pid_, sig);
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1;
    }

    // What the process wrote after its first line (read until it closes stdout).
    std::string rest()
    {
        std::string text;
        char buffer[4096];
        ssize_t n;
        while ((n = ::read(out_, buffer, sizeof buffer)) > 0)
            text.append(buffer, static_cast<std::size_t>(n));
        return text;
    }

private:
    std::string read_line(std::chrono::seconds timeout)
    {
        std::string text;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (text.find('\n') == std::string::npos) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                BOOST_FAIL("sage_sandbox printed no line in time");
            pollfd p{out_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
                continue;
            char c;
            if (::read(out_, &c, 1) != 1)
                BOOST_FAIL("sage_sandbox closed its output before its start-up line");
            text.push_back(c);
        }
        text.pop_back();
        return text;
    }

    pid_t pid_ = -1;
    int out_ = -1;
    std::string line_;
};

std::string s(const boost::json::object& o, const char* key)
{
    return std::string(o.at(key).as_string());
}

} // namespace

BOOST_AUTO_TEST_CASE(help_describes_the_flags)
{
    const auto r = test_support::run_process({executable, "--help"});
    BOOST_TEST(r.exit_code == 0);
    for (const char* flag : {"--port", "--state-dir", "--contacts", "--records", "--other-records", "--seed",
                             "--latency-ms", "--client-id", "--client-secret", "--redirect-uri", "--proxy", "base_url",
                             "ca_file", "_sandbox", "sales_invoices", "records/create"})
        BOOST_TEST(r.out.find(flag) != std::string::npos, flag);
}

BOOST_AUTO_TEST_CASE(bad_flags_exit_2)
{
    BOOST_TEST(test_support::run_process({executable, "--bogus"}).exit_code == 2);
    BOOST_TEST(test_support::run_process({executable, "--port"}).exit_code == 2);
    BOOST_TEST(test_support::run_process({executable, "--port", "70000"}).exit_code == 2);
    BOOST_TEST(test_support::run_process({executable, "--client-secret", "x"}).exit_code == 2);
    BOOST_TEST(test_support::run_process({executable, "--client-id", "a/b"}).exit_code == 2);
    BOOST_TEST(test_support::run_process({executable, "--records", "1000001"}).exit_code == 2);
    BOOST_TEST(test_support::run_process({executable, "--latency-ms", "-5"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(records_seed_and_latency_flags_shape_the_data)
{
    auto fetch = [](const boost::json::object& info, const std::string& target, std::vector<std::string> extra = {}) {
        const std::string ca = s(info, "ca_file");
        const std::string client_id = s(info.at("clients").as_array().at(0).as_object(), "client_id");
        const curl_result minted =
            run_curl({"--cacert", ca, "-H", "Content-Type: application/json", "--data-raw",
                      R"({"client_id":")" + client_id + R"("})", s(info, "control_url") + "/tokens"});
        BOOST_REQUIRE_EQUAL(minted.status, 200u);
        std::vector<std::string> args{"--cacert", ca, "-H",
                                      "Authorization: Bearer " +
                                          std::string(boost::json::parse(minted.body).at("access_token").as_string())};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(s(info, "api_base_url") + target);
        return run_curl(args);
    };
    running_sandbox one({"--records", "7", "--other-records", "2", "--seed", "5", "--latency-ms", "30"});
    running_sandbox two({"--records", "7", "--seed", "5"});
    const curl_result a = fetch(one.info(), "/sales_invoices?attributes=all");
    const curl_result b = fetch(two.info(), "/sales_invoices?attributes=all");
    BOOST_TEST(a.status == 200u);
    BOOST_TEST(boost::json::parse(a.body).at("$total").as_int64() == 7);
    BOOST_TEST(boost::json::parse(a.body).at("$items") == boost::json::parse(b.body).at("$items")); // same seed
    BOOST_TEST(!a.headers.at("Date").empty());

    const std::string other(
        boost::json::parse(fetch(one.info(), "/businesses").body).at("$items").as_array().at(1).at("id").as_string());
    BOOST_TEST(boost::json::parse(fetch(one.info(), "/journals", {"-H", "X-Business: " + other}).body)
                   .at("$total")
                   .as_int64() == 2);
    const auto& info = one.info();
    const curl_result latency = run_curl({"--cacert", s(info, "ca_file"), s(info, "control_url") + "/latency"});
    BOOST_TEST(boost::json::parse(latency.body).at("latency_ms").as_int64() == 30);
    const curl_result truth = run_curl(
        {"--cacert", s(info, "ca_file"), s(info, "control_url") + "/records?entity=sales_invoices&attributes=id"});
    BOOST_TEST(truth.status == 200u);
    BOOST_TEST(boost::json::parse(truth.body).at("total").as_int64() == 7);
    BOOST_TEST(one.stop() == 0);
    BOOST_TEST(two.stop() == 0);
}

BOOST_AUTO_TEST_CASE(prints_one_json_line_serves_and_exits_cleanly_on_sigterm)
{
    test_support::temp_dir dir("sandbox-exe");
    const auto state = dir.path() / "state";
    const std::string client_id = "9c1f0a52-6d1e-4c8e-9a0b-1f2e3d4c5b6a/0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";
    running_sandbox sandbox({"--port", "0", "--state-dir", state.string(), "--contacts", "7", "--client-id", client_id,
                             "--client-secret", "exe-secret", "--redirect-uri", "http://127.0.0.1:4444/cb", "--proxy"});
    const auto info = sandbox.info();
    const std::string base = s(info, "base_url");
    BOOST_TEST(base.rfind("https://127.0.0.1:", 0) == 0u);
    BOOST_TEST(s(info, "api_base_url") == base + "/v3.1");
    BOOST_TEST(s(info, "token_url") == base + "/token");
    BOOST_TEST(s(info, "authorize_url") == base + "/oauth2/auth/central?filter=apiv3.1");
    BOOST_TEST(s(info, "plain_url").rfind("http://127.0.0.1:", 0) == 0u);
    BOOST_TEST(s(info, "proxy_url").rfind("http://127.0.0.1:", 0) == 0u);
    for (const char* key : {"wrong_host_url", "expired_url", "unknown_ca_url", "mtls_url"})
        BOOST_TEST(s(info, key).rfind("https://127.0.0.1:", 0) == 0u, key);
    BOOST_TEST(s(info, "ca_file") == (state / "ca.pem").string());
    BOOST_TEST(std::filesystem::exists(state / "ca.pem"));
    BOOST_TEST(!s(info, "client_p12_password").empty());
    const auto& client = info.at("clients").as_array().at(0).as_object();
    BOOST_TEST(s(client, "client_id") == client_id);
    BOOST_TEST(s(client, "client_secret") == "exe-secret");

    const std::string ca = s(info, "ca_file");
    const curl_result control_info = run_curl({"--cacert", ca, s(info, "control_url") + "/info"});
    BOOST_TEST(control_info.status == 200u);
    BOOST_TEST(boost::json::parse(control_info.body).at("base_url").as_string() == base);

    const curl_result minted =
        run_curl({"--cacert", ca, "-H", "Content-Type: application/json", "--data-raw",
                  R"({"client_id":")" + client_id + R"("})", s(info, "control_url") + "/tokens"});
    BOOST_REQUIRE_EQUAL(minted.status, 200u);
    const std::string access(boost::json::parse(minted.body).at("access_token").as_string());

    // Four client processes at once, each with several requests on one connection.
    std::vector<std::thread> clients;
    std::vector<curl_result> results(4);
    for (std::size_t i = 0; i < results.size(); ++i)
        clients.emplace_back([&, i] {
            results[i] =
                run_curl({"--cacert", ca, "-H", "Authorization: Bearer " + access,
                          s(info, "api_base_url") + "/contacts?items_per_page=5&page=" + std::to_string(i + 1)});
        });
    for (auto& t : clients)
        t.join();
    for (const auto& r : results) {
        BOOST_TEST(r.status == 200u);
        BOOST_TEST(boost::json::parse(r.body).at("$total").as_int64() == 7);
    }

    BOOST_TEST(sandbox.stop(SIGTERM) == 0);
    BOOST_TEST(sandbox.rest().empty());                    // exactly one line on stdout
    BOOST_TEST(std::filesystem::exists(state / "ca.pem")); // a given state dir is kept
}

BOOST_AUTO_TEST_CASE(default_state_dir_is_temporary_and_sigint_also_stops)
{
    running_sandbox sandbox({});
    const auto info = sandbox.info();
    const std::filesystem::path state = s(info, "state_dir");
    BOOST_TEST(std::filesystem::exists(state / "ca.pem"));
    BOOST_TEST(info.at("proxy_url").is_null());
    const auto& client = info.at("clients").as_array().at(0).as_object();
    BOOST_TEST(s(client, "client_id").size() == 73u);
    BOOST_TEST(sandbox.stop(SIGINT) == 0);
    BOOST_TEST(!std::filesystem::exists(state));
}
