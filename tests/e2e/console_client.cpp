#include "console_client.hpp"

#include "process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace e2e {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

console_process::console_process(const std::filesystem::path& plugins, const std::filesystem::path& data,
                                 std::vector<std::string> global_args, std::vector<std::string> serve_args,
                                 std::map<std::string, std::string> environment)
{
    std::vector<std::string> argv{CONNECTOR_TEST_SAMPLE_HOST, "--plugins", plugins.string(), "--data", data.string()};
    argv.insert(argv.end(), global_args.begin(), global_args.end());
    argv.insert(argv.end(), {"serve", "--listen", "127.0.0.1:0"});
    argv.insert(argv.end(), serve_args.begin(), serve_args.end());
    test_support::process_options options;
    options.unset_environment = {
        "SAMPLE_HOST_PLUGINS", "SAMPLE_HOST_DATA", "SAMPLE_HOST_USER", "SAMPLE_HOST_NOW", "DISPLAY",
        "WAYLAND_DISPLAY",     "BROWSER"};
    options.environment = std::move(environment);
    const auto started = test_support::start_process(argv, options, false);
    pid_ = started.pid;
    out_ = started.output;
    err_ = started.error;

    // The first line, within 30 s.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string text;
    while (text.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        pollfd p{out_, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        char c = 0;
        if (::read(out_, &c, 1) != 1)
            break;
        text += c;
    }
    printed_ = text;
    drain_ = std::thread([this] {
        pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
        int open = 2;
        while (open > 0) {
            if (::poll(fds, 2, 200) <= 0)
                continue;
            for (auto& fd : fds) {
                if (fd.fd < 0 || (fd.revents & (POLLIN | POLLHUP)) == 0)
                    continue;
                char buffer[4096];
                const ssize_t n = ::read(fd.fd, buffer, sizeof buffer);
                if (n <= 0) {
                    fd.fd = -1;
                    --open;
                    continue;
                }
                std::lock_guard lock(mutex_);
                printed_.append(buffer, static_cast<std::size_t>(n));
            }
        }
    });
    const auto newline = text.find('\n');
    if (newline == std::string::npos) {
        stop();
        throw std::runtime_error("sample_host serve printed no first line:\n" + output());
    }
    first_line_ = text.substr(0, newline);
    const std::string prefix = "console: ";
    const auto token_at = first_line_.find("/?token=");
    if (first_line_.rfind(prefix, 0) != 0 || token_at == std::string::npos) {
        stop();
        throw std::runtime_error("unexpected first line: " + first_line_);
    }
    origin_ = first_line_.substr(prefix.size(), token_at - prefix.size());
    token_ = first_line_.substr(token_at + 8);
    port_ = static_cast<std::uint16_t>(std::stoi(origin_.substr(origin_.rfind(':') + 1)));
}

console_process::~console_process()
{
    stop();
}

int console_process::stop()
{
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        int status = 0;
        pid_t done = 0;
        while ((done = ::waitpid(pid_, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (done == 0) {
            test_support::kill_process_group(pid_);
            exit_code_ = test_support::wait_for_exit(pid_);
        } else {
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        pid_ = -1;
    }
    if (drain_.joinable())
        drain_.join();
    for (int* fd : {&out_, &err_})
        if (*fd >= 0) {
            ::close(*fd);
            *fd = -1;
        }
    return exit_code_;
}

std::string console_process::output()
{
    std::lock_guard lock(mutex_);
    return printed_;
}

std::string http_answer::header(const std::string& lower_case_name) const
{
    const auto found = headers.find(lower_case_name);
    return found == headers.end() ? std::string() : found->second;
}

boost::json::value http_answer::json() const
{
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(body, ec);
    BOOST_TEST_REQUIRE(!ec, "the answer is not JSON (" << status << "): " << body);
    return value;
}

console_client::console_client(std::uint16_t port, std::chrono::seconds deadline) : port_(port), deadline_(deadline) {}

http_answer console_client::send(const http_call& call) const
{
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    http::request<http::string_body> request{http::string_to_verb(call.method), call.target, 11};
    bool has_host = false;
    for (const auto& [name, value] : call.headers) {
        request.insert(name, value);
        has_host = has_host || beast::iequals(name, "host");
    }
    if (!has_host)
        request.set(http::field::host, host());
    request.body() = call.body;
    request.prepare_payload();

    http_answer answer;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::error_code failure;
    stream.expires_after(deadline_);
    stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), [&](beast::error_code ec) {
        if (ec)
            return void(failure = ec);
        http::async_write(stream, request, [&](beast::error_code ec2, std::size_t) {
            if (ec2)
                return void(failure = ec2);
            http::async_read(stream, buffer, parser, [&](beast::error_code ec3, std::size_t) { failure = ec3; });
        });
    });
    ioc.run();
    BOOST_TEST_REQUIRE(!failure, call.method << " " << call.target << " failed: " << failure.message());
    const auto& response = parser.get();
    answer.status = response.result_int();
    for (const auto& field : response) {
        std::string name(field.name_string());
        for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        answer.headers.emplace(std::move(name), std::string(field.value()));
    }
    answer.body = response.body();
    return answer;
}

std::string console_client::send_raw(const std::string& bytes, std::chrono::milliseconds deadline) const
{
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    std::string received;
    std::array<char, 4096> chunk{};
    stream.expires_after(deadline);
    std::function<void()> read_more = [&] {
        stream.async_read_some(net::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
            received.append(chunk.data(), n);
            if (!ec)
                read_more();
        });
    };
    stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), [&](beast::error_code ec) {
        if (ec)
            return;
        net::async_write(stream, net::buffer(bytes), [&](beast::error_code, std::size_t) { read_more(); });
    });
    ioc.run();
    return received;
}

http_answer console_client::login(const std::string& token)
{
    http_answer answer = send({"GET", "/?token=" + token, {}, {}});
    const std::string set_cookie = answer.header("set-cookie");
    cookie_ = set_cookie.substr(0, set_cookie.find(';'));
    if (answer.status == 303) {
        const auto session = get("/api/session");
        BOOST_TEST_REQUIRE(session.status == 200u, session.body);
        csrf_ = std::string(session.json().at("csrf").as_string());
    }
    return answer;
}

http_answer console_client::with_session(std::string method, const std::string& target, std::string body) const
{
    http_call call{std::move(method), target, {{"Cookie", cookie_}}, std::move(body)};
    if (call.method != "GET") {
        call.headers.emplace_back("X-CSRF-Token", csrf_);
        call.headers.emplace_back("Content-Type", "application/json");
    }
    return send(call);
}

http_answer console_client::get(const std::string& target) const
{
    return with_session("GET", target, {});
}

http_answer console_client::post(const std::string& target, const boost::json::value& body) const
{
    return with_session("POST", target, boost::json::serialize(body));
}

http_answer console_client::put(const std::string& target, const boost::json::value& body) const
{
    return with_session("PUT", target, boost::json::serialize(body));
}

http_answer console_client::del(const std::string& target) const
{
    return with_session("DELETE", target, {});
}

signed_in_console::signed_in_console(const sample_host_runner& host, std::vector<std::string> global_args,
                                     std::vector<std::string> serve_args)
    : server(host.plugins(), host.data(), std::move(global_args), std::move(serve_args)), client(server.port())
{
    BOOST_TEST_REQUIRE(client.login(server.token()).status == 303u);
}

boost::json::object uploaded_file(const std::string& name, const std::string& bytes)
{
    std::string encoded(4 * ((bytes.size() + 2) / 3), '\0');
    const int length =
        ::EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    encoded.resize(static_cast<std::size_t>(length));
    return {{"name", name}, {"content_base64", encoded}};
}

} // namespace e2e
