#include "connect_proxy.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <openssl/evp.h>

#include <array>
#include <atomic>
#include <cctype>
#include <thread>

namespace sage_sandbox {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using namespace net::experimental::awaitable_operators;

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

std::string base64(std::string_view data)
{
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string_view view(beast::string_view text)
{
    return {text.data(), text.size()};
}

bool is_loopback(std::string_view host)
{
    if (host == "localhost" || host == "::1")
        return true;
    error_code ec;
    const auto address = net::ip::make_address(std::string(host), ec);
    return !ec && address.is_loopback();
}

// "host:port" or "[v6]:port" of a CONNECT request; false when malformed.
bool split_authority(std::string_view authority, std::string& host, std::string& port)
{
    const std::size_t colon = authority.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == authority.size())
        return false;
    std::string_view h = authority.substr(0, colon);
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']')
        h = h.substr(1, h.size() - 2);
    if (h.empty())
        return false;
    for (const char c : authority.substr(colon + 1))
        if (std::isdigit(static_cast<unsigned char>(c)) == 0)
            return false;
    host = std::string(h);
    port = std::string(authority.substr(colon + 1));
    return true;
}

} // namespace

struct connect_proxy::impl {
    explicit impl(proxy_options o) : options(std::move(o)), acceptor(net::make_strand(ioc))
    {
        if (options.username)
            expected_credentials = base64(*options.username + ":" + options.password);
        const tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), options.port);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(net::socket_base::max_listen_connections);
        port = acceptor.local_endpoint().port();
    }

    proxy_options options;
    std::string expected_credentials;
    net::io_context ioc{1};
    tcp::acceptor acceptor;
    std::uint16_t port = 0;
    std::thread thread;
    std::function<void()> tunnel_callback;
    std::atomic<std::uint64_t> tunnels{0};
    std::atomic<std::uint64_t> auth_failures{0};
    std::atomic<bool> started{false};
    std::atomic<bool> stopped{false};

    net::awaitable<void> accept_loop();
    net::awaitable<void> session(tcp::socket socket);
    net::awaitable<void> refuse(beast::tcp_stream& client, http::status status, std::string_view reason,
                                bool ask_for_credentials);
    net::awaitable<void> relay(beast::tcp_stream& from, beast::tcp_stream& to);
    bool authorised(std::string_view header) const;
};

bool connect_proxy::impl::authorised(std::string_view header) const
{
    if (!options.username)
        return true;
    const std::size_t space = header.find(' ');
    if (space == std::string_view::npos)
        return false;
    std::string scheme(header.substr(0, space));
    for (auto& c : scheme)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view credentials = header.substr(space + 1);
    while (!credentials.empty() && credentials.front() == ' ')
        credentials.remove_prefix(1);
    return scheme == "basic" && credentials == expected_credentials;
}

net::awaitable<void> connect_proxy::impl::accept_loop()
{
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), use_tuple);
        if (ec) {
            if (ec == net::error::operation_aborted || !acceptor.is_open())
                co_return;
            continue;
        }
        auto executor = socket.get_executor();
        net::co_spawn(executor, session(tcp::socket(std::move(socket))), net::detached);
    }
}

net::awaitable<void> connect_proxy::impl::refuse(beast::tcp_stream& client, http::status status,
                                                 std::string_view reason, bool ask_for_credentials)
{
    http::response<http::string_body> res{status, 11};
    res.set(http::field::server, "sage-sandbox-proxy");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    if (ask_for_credentials)
        res.set(http::field::proxy_authenticate, "Basic realm=\"sage-sandbox-proxy\"");
    res.body() = std::string(reason) + "\n";
    res.keep_alive(false);
    res.prepare_payload();
    client.expires_after(options.idle_timeout);
    co_await http::async_write(client, res, use_tuple);
    error_code ignored;
    client.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> connect_proxy::impl::session(tcp::socket socket)
{
    beast::tcp_stream client(std::move(socket));
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(16 * 1024);
    client.expires_after(options.idle_timeout);
    auto [read_ec, n] = co_await http::async_read(client, buffer, parser, use_tuple);
    (void)n;
    if (read_ec)
        co_return;
    const auto& req = parser.get();

    if (req.method() != http::verb::connect) {
        co_await refuse(client, http::status::method_not_allowed, "This proxy only opens CONNECT tunnels.", false);
        co_return;
    }
    if (!authorised(view(req[http::field::proxy_authorization]))) {
        auth_failures.fetch_add(1);
        co_await refuse(client, http::status::proxy_authentication_required, "Proxy authentication required.", true);
        co_return;
    }
    std::string host, port_text;
    if (!split_authority(view(req.target()), host, port_text)) {
        co_await refuse(client, http::status::bad_request, "CONNECT needs host:port.", false);
        co_return;
    }
    if (options.loopback_only && !is_loopback(host)) {
        co_await refuse(client, http::status::forbidden, "This test proxy only tunnels to loopback addresses.", false);
        co_return;
    }

    tcp::resolver resolver(co_await net::this_coro::executor);
    auto [resolve_ec, results] = co_await resolver.async_resolve(host, port_text, use_tuple);
    beast::tcp_stream upstream(co_await net::this_coro::executor);
    error_code connect_ec = resolve_ec;
    if (!resolve_ec) {
        upstream.expires_after(options.connect_timeout);
        auto [ec, endpoint] = co_await upstream.async_connect(results, use_tuple);
        (void)endpoint;
        connect_ec = ec;
    }
    if (connect_ec) {
        co_await refuse(client, http::status::bad_gateway, "Cannot reach " + host + ":" + port_text + ".", false);
        co_return;
    }

    static constexpr std::string_view established = "HTTP/1.1 200 Connection established\r\n\r\n";
    client.expires_after(options.idle_timeout);
    if (auto [ec, written] =
            co_await net::async_write(client, net::buffer(established.data(), established.size()), use_tuple);
        ec)
        co_return;
    tunnels.fetch_add(1);
    if (tunnel_callback)
        tunnel_callback();

    // Bytes the client sent right behind its CONNECT request belong to the tunnel.
    if (buffer.size() > 0) {
        upstream.expires_after(options.idle_timeout);
        if (auto [ec, written] = co_await net::async_write(upstream, buffer.data(), use_tuple); ec)
            co_return;
        buffer.consume(buffer.size());
    }
    co_await (relay(client, upstream) && relay(upstream, client));
    error_code ignored;
    client.socket().close(ignored);
    upstream.socket().close(ignored);
}

// Copies bytes one way until the source ends, then passes the end on (half-close), so each side sees
// the other's close exactly as it would without the proxy.
net::awaitable<void> connect_proxy::impl::relay(beast::tcp_stream& from, beast::tcp_stream& to)
{
    std::array<char, 16 * 1024> data;
    for (;;) {
        from.expires_after(options.idle_timeout);
        auto [read_ec, n] = co_await from.async_read_some(net::buffer(data), use_tuple);
        if (n > 0) {
            to.expires_after(options.idle_timeout);
            auto [write_ec, written] = co_await net::async_write(to, net::buffer(data.data(), n), use_tuple);
            (void)written;
            if (write_ec)
                break;
        }
        if (read_ec)
            break;
    }
    error_code ignored;
    to.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

connect_proxy::connect_proxy(proxy_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

connect_proxy::~connect_proxy()
{
    stop();
}

void connect_proxy::start()
{
    if (impl_->started.exchange(true))
        return;
    net::co_spawn(impl_->acceptor.get_executor(), impl_->accept_loop(), net::detached);
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

void connect_proxy::stop()
{
    if (impl_->stopped.exchange(true))
        return;
    impl_->ioc.stop();
    if (impl_->thread.joinable())
        impl_->thread.join();
    error_code ignored;
    impl_->acceptor.close(ignored);
}

std::uint16_t connect_proxy::port() const noexcept
{
    return impl_->port;
}

std::string connect_proxy::url() const
{
    return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::uint64_t connect_proxy::tunnels_opened() const noexcept
{
    return impl_->tunnels.load();
}

std::uint64_t connect_proxy::auth_failures() const noexcept
{
    return impl_->auth_failures.load();
}

void connect_proxy::reset_counters() noexcept
{
    impl_->tunnels.store(0);
    impl_->auth_failures.store(0);
}

void connect_proxy::on_tunnel(std::function<void()> callback)
{
    impl_->tunnel_callback = std::move(callback);
}

} // namespace sage_sandbox
