#include "https_server.hpp"

#include "error_bodies.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace sage_sandbox {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// A session's strand-bound TCP stream; TLS sessions wrap it.
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

std::unique_ptr<ssl::context> make_tls_context(const listener_spec& spec)
{
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    ctx->use_certificate_chain(net::buffer(spec.cert_pem));
    ctx->use_private_key(net::buffer(spec.key_pem), ssl::context::pem);
    // Needed for session resumption when client certificates are verified; harmless otherwise.
    static constexpr unsigned char session_context[] = "sage-sandbox";
    SSL_CTX_set_session_id_context(ctx->native_handle(), session_context, sizeof session_context - 1);
    if (spec.client_ca_pem) {
        ctx->add_certificate_authority(net::buffer(*spec.client_ca_pem));
        ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
        // Tell clients which CA we accept, so those holding several identities pick the right one.
        BIO* bio = BIO_new_mem_buf(spec.client_ca_pem->data(), static_cast<int>(spec.client_ca_pem->size()));
        X509* ca = bio == nullptr ? nullptr : PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
        if (ca == nullptr || SSL_CTX_add_client_CA(ctx->native_handle(), ca) != 1) {
            X509_free(ca);
            throw std::runtime_error("cannot load the client CA of listener " + spec.name);
        }
        X509_free(ca);
    }
    return ctx;
}

std::string text(beast::string_view view)
{
    return {view.data(), view.size()};
}

http_request to_plain(http::request<http::string_body>&& req)
{
    http_request out;
    out.method = text(req.method_string());
    out.target = text(req.target());
    for (const auto& field : req)
        out.headers.insert_or_assign(text(field.name_string()), text(field.value()));
    out.body = std::move(req.body());
    return out;
}

template <class Body>
void copy_headers(http::response<Body>& res, const http_response& from)
{
    for (const auto& [name, value] : from.headers)
        res.set(name, value);
    res.set(http::field::server, "sage-sandbox");
}

http::response<http::string_body> to_beast(http_response&& from, unsigned version, bool keep_alive)
{
    http::response<http::string_body> res;
    res.version(version);
    res.result(from.status);
    copy_headers(res, from);
    res.body() = std::move(from.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

// Closes the TCP connection at once, without TLS close_notify: to the client this is a truncated
// response (or no response at all).
template <class Stream>
void close_abruptly(Stream& stream)
{
    error_code ignored;
    auto& socket = beast::get_lowest_layer(stream).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

} // namespace

struct https_server::impl {
    struct listener {
        listener_spec spec;
        std::unique_ptr<ssl::context> tls;
        tcp::acceptor acceptor;
    };

    impl(handler h, server_limits l, std::function<void()> on_conn)
        : handle(std::move(h)), limits(l), on_connection(std::move(on_conn)),
          ioc(static_cast<int>(std::max(1u, l.threads)))
    {
    }

    handler handle;
    server_limits limits;
    std::function<void()> on_connection;
    // Declared before the listeners: the acceptors must go before the io_context that serves them.
    net::io_context ioc;
    std::vector<std::unique_ptr<listener>> listeners;
    std::vector<std::thread> threads;
    std::atomic<bool> started{false};
    std::atomic<bool> stopped{false};

    net::awaitable<void> accept_loop(listener& l);
    net::awaitable<void> serve_plain(tcp::socket socket);
    net::awaitable<void> serve_tls(tcp::socket socket, ssl::context& tls);
    template <class Stream>
    net::awaitable<bool> serve_requests(Stream& stream);
    template <class Stream>
    net::awaitable<bool> deliver(Stream& stream, reply r, unsigned version, bool keep_alive);
    template <class Stream>
    net::awaitable<bool> stream_oversize(Stream& stream, const reply& r, unsigned version);
    reply answer(const http_request& request) noexcept;
};

reply https_server::impl::answer(const http_request& request) noexcept
{
    try {
        return handle(request);
    } catch (const std::exception& e) {
        reply r;
        r.response = api_error(500, data_code::unexpected_error, std::string("sandbox failure: ") + e.what());
        return r;
    }
}

net::awaitable<void> https_server::impl::accept_loop(listener& l)
{
    for (;;) {
        // Each connection gets its own strand: its steps never run concurrently, while several
        // connections are served in parallel on the pool.
        auto [ec, socket] = co_await l.acceptor.async_accept(net::make_strand(ioc), use_tuple);
        if (ec) {
            if (ec == net::error::operation_aborted || !l.acceptor.is_open())
                co_return;
            // Out of descriptors or a connection reset before accept: wait a little, keep accepting.
            net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(50));
            co_await pause.async_wait(use_tuple);
            continue;
        }
        if (on_connection)
            on_connection();
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto executor = socket.get_executor();
        if (l.tls)
            net::co_spawn(executor, serve_tls(tcp::socket(std::move(socket)), *l.tls), net::detached);
        else
            net::co_spawn(executor, serve_plain(tcp::socket(std::move(socket))), net::detached);
    }
}

net::awaitable<void> https_server::impl::serve_plain(tcp::socket socket)
{
    plain_stream stream(std::move(socket));
    const bool graceful = co_await serve_requests(stream);
    error_code ignored;
    if (graceful)
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.socket().close(ignored);
}

net::awaitable<void> https_server::impl::serve_tls(tcp::socket socket, ssl::context& tls)
{
    tls_stream stream(std::move(socket), tls);
    beast::get_lowest_layer(stream).expires_after(limits.handshake_timeout);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (ec) {
        // Expected on the TLS-fault listeners: the client rejects our certificate and hangs up.
        close_abruptly(stream);
        co_return;
    }
    const bool graceful = co_await serve_requests(stream);
    if (graceful) {
        beast::get_lowest_layer(stream).expires_after(limits.handshake_timeout);
        auto [shutdown_ec] = co_await stream.async_shutdown(use_tuple);
        // stream_truncated (or eof) is benign here: most clients close the TCP connection without
        // answering our close_notify, and every response has already been delivered in full.
        (void)shutdown_ec;
    }
    close_abruptly(stream);
}

template <class Stream>
net::awaitable<bool> https_server::impl::serve_requests(Stream& stream)
{
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(limits.header_limit);
        parser.body_limit(limits.request_body_limit);
        beast::get_lowest_layer(stream).expires_after(limits.idle_timeout);
        auto [ec, bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
        (void)bytes;
        if (ec == http::error::end_of_stream)
            co_return true; // the client closed its side after its last request
        if (ec == http::error::body_limit || ec == http::error::header_limit) {
            reply r;
            r.response = ec == http::error::body_limit
                             ? api_error(413, data_code::invalid_parameter, "The request body is too large.")
                             : api_error(431, data_code::invalid_parameter, "The request headers are too large.");
            co_return co_await deliver(stream, std::move(r), 11, false);
        }
        if (ec)
            co_return false; // timeout, reset, TLS error, malformed request: nothing sensible to answer

        http::request<http::string_body> req = parser.release();
        const bool keep_alive = req.keep_alive();
        const unsigned version = req.version();
        reply r = answer(to_plain(std::move(req)));
        if (r.delay.count() > 0) {
            net::steady_timer timer(co_await net::this_coro::executor, r.delay);
            co_await timer.async_wait(use_tuple);
        }
        const bool keep_going = co_await deliver(stream, std::move(r), version, keep_alive);
        if (!keep_going || !keep_alive)
            co_return keep_going;
    }
}

// Writes one reply as its delivery says; true when the connection may carry on (or be closed politely).
template <class Stream>
net::awaitable<bool> https_server::impl::deliver(Stream& stream, reply r, unsigned version, bool keep_alive)
{
    auto& lowest = beast::get_lowest_layer(stream);
    switch (r.how) {
    case delivery::drop_connection: close_abruptly(stream); co_return false;
    case delivery::oversize_body: co_return co_await stream_oversize(stream, r, version);
    case delivery::close_mid_response: {
        auto res = to_beast(std::move(r.response), version, false);
        http::response_serializer<http::string_body> serializer(res);
        lowest.expires_after(limits.write_timeout);
        auto [ec, n] = co_await http::async_write_header(stream, serializer, use_tuple);
        if (!ec) {
            const std::string& body = res.body();
            lowest.expires_after(limits.write_timeout);
            co_await net::async_write(stream, net::buffer(body.data(), body.size() / 2), use_tuple);
        }
        (void)n;
        close_abruptly(stream);
        co_return false;
    }
    case delivery::normal: break;
    }
    auto res = to_beast(std::move(r.response), version, keep_alive);
    lowest.expires_after(limits.write_timeout);
    auto [ec, n] = co_await http::async_write(stream, res, use_tuple);
    (void)n;
    co_return !ec;
}

// Streams {"padding":"aaa..."} of exactly oversize_bytes in 64 KiB pieces, so a 64 MiB (or larger)
// body never sits in memory; the client's body limit is what is being tested.
template <class Stream>
net::awaitable<bool> https_server::impl::stream_oversize(Stream& stream, const reply& r, unsigned version)
{
    static const std::string filler(64 * 1024, 'a');
    static constexpr std::string_view prefix = R"({"padding":")";
    static constexpr std::string_view suffix = R"("})";
    const std::uint64_t total = std::max<std::uint64_t>(r.oversize_bytes, prefix.size() + suffix.size());

    http::response<http::empty_body> res;
    res.version(version);
    res.result(r.response.status);
    copy_headers(res, r.response);
    res.content_length(total);
    res.keep_alive(false);
    http::response_serializer<http::empty_body> serializer(res);
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(limits.write_timeout);
    if (auto [ec, n] = co_await http::async_write_header(stream, serializer, use_tuple); ec)
        co_return false;

    lowest.expires_after(limits.write_timeout);
    if (auto [ec, n] = co_await net::async_write(stream, net::buffer(prefix.data(), prefix.size()), use_tuple); ec)
        co_return false;
    std::uint64_t left = total - prefix.size() - suffix.size();
    while (left > 0) {
        const std::size_t piece = static_cast<std::size_t>(std::min<std::uint64_t>(left, filler.size()));
        lowest.expires_after(limits.write_timeout);
        auto [ec, n] = co_await net::async_write(stream, net::buffer(filler.data(), piece), use_tuple);
        if (ec)
            co_return false; // the client gave up, as a client with a body limit should
        left -= piece;
    }
    lowest.expires_after(limits.write_timeout);
    auto [ec, n] = co_await net::async_write(stream, net::buffer(suffix.data(), suffix.size()), use_tuple);
    co_return !ec;
}

https_server::https_server(handler handle, server_limits limits, std::function<void()> on_connection)
    : impl_(std::make_unique<impl>(std::move(handle), limits, std::move(on_connection)))
{
}

https_server::~https_server()
{
    stop();
}

std::uint16_t https_server::listen(const listener_spec& spec)
{
    if (impl_->started)
        throw std::logic_error("https_server::listen after start");
    auto l = std::make_unique<impl::listener>(
        impl::listener{spec, spec.tls ? make_tls_context(spec) : nullptr, tcp::acceptor(net::make_strand(impl_->ioc))});
    const tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), spec.port);
    l->acceptor.open(endpoint.protocol());
    l->acceptor.set_option(net::socket_base::reuse_address(true));
    l->acceptor.bind(endpoint);
    l->acceptor.listen(net::socket_base::max_listen_connections);
    const std::uint16_t port = l->acceptor.local_endpoint().port();
    impl_->listeners.push_back(std::move(l));
    return port;
}

void https_server::start()
{
    if (impl_->started.exchange(true))
        return;
    for (auto& l : impl_->listeners)
        net::co_spawn(l->acceptor.get_executor(), impl_->accept_loop(*l), net::detached);
    const unsigned n = std::max(1u, impl_->limits.threads);
    for (unsigned i = 0; i < n; ++i)
        impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

void https_server::stop()
{
    if (impl_->stopped.exchange(true))
        return;
    impl_->ioc.stop();
    for (auto& t : impl_->threads)
        if (t.joinable())
            t.join();
    impl_->threads.clear();
    // Acceptors first, while their io_context lives; its destruction (with impl_) then frees the
    // suspended sessions.
    impl_->listeners.clear();
}

} // namespace sage_sandbox
