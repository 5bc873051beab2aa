// The HTTPS client at its trust boundaries (issue 9): plain HTTP never through a proxy, header values
// that could smuggle a header are never sent, a proxy's 401 is a credentials problem, Timeout bounds
// the whole operation (a resolver that never answers, Retry-After waits), and an uploaded CA vouches
// only for the hosts it is meant for. Real sockets and real TLS (the Sage sandbox); small raw-socket
// servers where a misbehaving peer is the point.
#define BOOST_TEST_MODULE transport_security
#include <boost/test/unit_test.hpp>

#include "connector/http_client_cache.hpp"
#include "form/connection_settings.hpp"
#include "sage/sage_endpoints.hpp"
#include "sandbox.hpp"
#include "transport/http_client.hpp"
#include "transport/keystore.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

using namespace std::chrono_literals;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

// Answers every request on 127.0.0.1 with the same raw bytes, until destroyed; counts requests.
class canned_server {
public:
    explicit canned_server(std::string answer) : answer_(std::move(answer))
    {
        acceptor_.open(tcp::v4());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
        acceptor_.listen();
        thread_ = std::thread([this] { serve(); });
    }
    ~canned_server()
    {
        stopping_ = true;
        boost::system::error_code ignored;
        tcp::socket poke(ioc_);
        poke.connect(acceptor_.local_endpoint(), ignored);
        thread_.join();
    }
    canned_server(const canned_server&) = delete;
    canned_server& operator=(const canned_server&) = delete;

    [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    [[nodiscard]] int requests() const { return requests_; }

private:
    void serve()
    {
        while (!stopping_) {
            boost::system::error_code ec;
            tcp::socket socket(ioc_);
            acceptor_.accept(socket, ec);
            if (ec || stopping_)
                return;
            for (;;) {
                asio::streambuf buffer;
                asio::read_until(socket, buffer, "\r\n\r\n", ec);
                if (ec)
                    break;
                ++requests_;
                asio::write(socket, asio::buffer(answer_), ec);
                if (ec)
                    break;
            }
        }
    }

    std::string answer_;
    asio::io_context ioc_;
    tcp::acceptor acceptor_{ioc_};
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> requests_{0};
};

std::shared_ptr<sage::http_client> make_client(sage::http_client_options options)
{
    std::string error;
    auto client = sage::http_client::create(std::move(options), error);
    BOOST_TEST_REQUIRE(client != nullptr, error);
    return client;
}

sage::http_request get(const std::string& url)
{
    sage::http_request request;
    request.url = sage::known_endpoint(url);
    return request;
}

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

BOOST_AUTO_TEST_CASE(plain_http_through_a_proxy_is_refused_even_to_loopback)
{
    canned_server proxy("HTTP/1.1 200 Connection established\r\n\r\n");
    sage::http_client_options options;
    options.enable_ssl = false;
    options.proxy = sage::http_proxy{"127.0.0.1", proxy.port(), std::nullopt, std::nullopt};
    const auto client = make_client(options);
    const auto result = client->send(get("http://127.0.0.1:9/token"));
    BOOST_TEST(!result.ok());
    BOOST_TEST(sage::to_string(result.failure) == "plain_http_refused");
    BOOST_TEST(result.message.find("proxy") != std::string::npos, result.message);
    BOOST_TEST(proxy.requests() == 0);
}

BOOST_AUTO_TEST_CASE(a_header_value_with_a_line_break_is_never_sent)
{
    canned_server server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    sage::http_client_options options;
    options.enable_ssl = false;
    const auto client = make_client(options);
    auto request = get("http://127.0.0.1:" + std::to_string(server.port()) + "/v3.1/user");
    request.headers.push_back({"Authorization", "Bearer abc\r\nX-Injected: yes"});
    const auto result = client->send(request);
    BOOST_TEST(sage::to_string(result.failure) == "invalid_request");
    BOOST_TEST(result.message.find("Authorization") != std::string::npos, result.message);
    BOOST_TEST(result.message.find("abc") == std::string::npos, "the value was echoed: " << result.message);
    BOOST_TEST(server.requests() == 0);
    request.headers.back().value = "Bearer abc";
    BOOST_TEST(client->send(request).ok());
}

BOOST_AUTO_TEST_CASE(a_proxy_answering_401_is_a_credentials_problem)
{
    canned_server proxy("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
    sage::http_client_options options;
    options.proxy = sage::http_proxy{"127.0.0.1", proxy.port(), std::string("user"), std::string("wrong")};
    const auto client = make_client(options);
    const auto result = client->send(get("https://127.0.0.1:9/v3.1/user"));
    BOOST_TEST(sage::to_string(result.failure) == "proxy_auth");
    BOOST_TEST(result.message.find("ProxyUser and ProxyPassword") != std::string::npos, result.message);
}

BOOST_AUTO_TEST_CASE(a_resolver_that_never_answers_is_bounded_by_timeout)
{
    sage::http_client_options options;
    options.timeout = 1s;
    options.resolver = [](const std::string&, std::string&) {
        std::this_thread::sleep_for(8s); // a resolver that does not answer
        return std::vector<std::string>{};
    };
    const auto client = make_client(options);
    const auto started = clock_type::now();
    const auto result = client->send(get("https://sage.invalid/v3.1/user"));
    const auto took = clock_type::now() - started;
    BOOST_TEST(sage::to_string(result.failure) == "timeout");
    BOOST_TEST(took < 2500ms, "took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
}

BOOST_AUTO_TEST_CASE(timeout_bounds_the_retries_and_their_waits)
{
    canned_server server("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n");
    sage::http_client_options options;
    options.enable_ssl = false;
    options.timeout = 1s;
    const auto client = make_client(options);
    const auto started = clock_type::now();
    const auto result = client->send(get("http://127.0.0.1:" + std::to_string(server.port()) + "/v3.1/user"));
    const auto took = clock_type::now() - started;
    BOOST_TEST_REQUIRE(result.ok(), result.message);
    BOOST_TEST(result.response->status == 503u);
    BOOST_TEST(took < 1500ms, "took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
}

BOOST_AUTO_TEST_CASE(an_uploaded_ca_does_not_vouch_for_system_trust_only_hosts)
{
    sage_sandbox::sandbox sage;
    sage.start();
    const auto bytes = file_bytes(sage.info().ca_file);
    auto loaded = sage::load_keystore(bytes, "ca.pem", std::nullopt, std::chrono::system_clock::now(), {"K", "P"});
    BOOST_TEST_REQUIRE(static_cast<bool>(loaded), loaded.error().message);
    const auto trust = std::make_shared<const sage::keystore>(std::move(*loaded));

    sage::http_client_options trusting;
    trusting.trust = trust;
    BOOST_TEST(make_client(trusting)->send(get(sage.info().api_base_url + "/user")).ok());

    sage::http_client_options guarded = trusting;
    guarded.system_trust_only_hosts = {"127.0.0.1"}; // the sandbox standing in for a Sage host
    const auto result = make_client(guarded)->send(get(sage.info().api_base_url + "/user"));
    BOOST_TEST(sage::to_string(result.failure) == "tls_untrusted", result.message);
}

BOOST_AUTO_TEST_CASE(the_connector_trusts_an_uploaded_ca_for_sage_only_when_the_form_says_so)
{
    sage::http_client_cache cache({});
    sage::connection_settings settings;
    auto plain = cache.client_for(settings, nullptr);
    BOOST_TEST_REQUIRE(static_cast<bool>(plain));
    const auto& hosts = (*plain)->options().system_trust_only_hosts;
    for (std::string_view host : sage::endpoints::sage_hosts)
        BOOST_TEST((std::find(hosts.begin(), hosts.end(), host) != hosts.end()), host);
    settings.trust_keystore_for_sage = true;
    auto opted_in = cache.client_for(settings, nullptr);
    BOOST_TEST_REQUIRE(static_cast<bool>(opted_in));
    BOOST_TEST((*opted_in)->options().system_trust_only_hosts.empty());
}
