#include "console/http_server.hpp"

#include "runtime/host_error.hpp"

#include <connector_support/guarded.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <array>
#include <atomic>
#include <csignal>
#include <mutex>
#include <vector>

namespace sample_host {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

// What every connection needs to know about; lives in the server's state.
class connection_base {
public:
    virtual ~connection_base() = default;
    // On stop: a connection waiting for a request closes now; one at work closes after its answer.
    virtual void stop_if_idle() = 0;
};

} // namespace

struct http_server::state : std::enable_shared_from_this<http_server::state> {
    http_server_options options;
    request_handler handler;
    error_responder refuse;
    server_log log;
    net::io_context ioc{1};
    std::optional<ssl::context> tls;
    tcp::acceptor acceptor{ioc};
    net::steady_timer grace{ioc};
    net::signal_set signals{ioc};
    std::atomic<bool> stopping{false};
    std::size_t connections = 0; // touched only on the io_context's thread
    std::vector<std::weak_ptr<connection_base>> live;
    // Last: joined (in ~state) before anything its jobs use goes.
    std::unique_ptr<net::thread_pool> workers;

    ~state()
    {
        if (workers)
            workers->join();
    }

    void accept();
    void begin_stop();
    void connection_ended()
    {
        if (--connections == 0 && stopping)
            grace.cancel(); // nothing left to wait for
    }
    void report(std::string_view what, const boost::system::error_code& ec) const
    {
        if (log)
            log(std::string(what) + ": " + ec.message());
    }
};

namespace {

using server_state = http_server::state;

// The request as the routes see it.
http_request to_exchange(http::request<http::string_body>&& request)
{
    http_request out;
    out.method = std::string(request.method_string());
    out.target = std::string(request.target());
    for (const auto& field : request) {
        std::string name(field.name_string());
        for (auto& c : name)
            c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        out.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    out.body = std::move(request.body());
    return out;
}

http::response<http::string_body> to_beast(http_response&& answer, unsigned version, bool keep_alive)
{
    http::response<http::string_body> out{static_cast<http::status>(answer.status), version};
    if (!answer.content_type.empty())
        out.set(http::field::content_type, answer.content_type);
    for (auto& [name, value] : answer.headers)
        out.insert(name, value);
    out.body() = std::move(answer.body);
    out.keep_alive(keep_alive);
    out.prepare_payload();
    return out;
}

// One connection, Beast-example style: read a request → work on it (on a worker) → write the answer →
// read the next, each step with its deadline; TLS adds a handshake first and a close_notify last.
template <class Stream>
class connection final : public connection_base, public std::enable_shared_from_this<connection<Stream>> {
public:
    connection(std::shared_ptr<server_state> server, Stream stream)
        : server_(std::move(server)), stream_(std::move(stream))
    {
        ++server_->connections;
    }
    ~connection() override
    {
        // The last reference may go on a worker thread: the count lives on the io_context's.
        try {
            net::post(server_->ioc, [weak = std::weak_ptr<server_state>(server_)] {
                if (auto server = weak.lock())
                    server->connection_ended();
            });
        } catch (...) { // no memory for the posted count: the server only counts one connection too many
        }
    }

    void start()
    {
        if constexpr (is_tls) {
            beast::get_lowest_layer(stream_).expires_after(server_->options.request_timeout);
            stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
                self->on_handshake(ec);
            });
        } else {
            read_request();
        }
    }

    void stop_if_idle() override
    {
        if (!busy_)
            beast::get_lowest_layer(stream_).socket().close();
    }

private:
    static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

    void on_handshake(beast::error_code ec)
    {
        if (ec)
            return; // a client that is not speaking TLS, or gave up: nothing to answer
        read_request();
    }

    void read_request()
    {
        if (server_->stopping)
            return close();
        busy_ = false;
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_->options.header_limit));
        parser_->body_limit(server_->options.body_limit);
        // Set before every read: a client that sends slowly (or not at all) is cut off.
        beast::get_lowest_layer(stream_).expires_after(server_->options.request_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec)
    {
        busy_ = true;
        if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
            ec == net::error::connection_reset || ec == net::error::eof || ec == ssl::error::stream_truncated)
            return close();
        if (ec == http::error::body_limit)
            return refuse(413, "too_large",
                          "the request body is larger than the " + std::to_string(server_->options.body_limit / 1024) +
                              " KiB the console accepts: upload a smaller file");
        if (ec == http::error::header_limit)
            return refuse(431, "too_large",
                          "the request's headers are larger than the " +
                              std::to_string(server_->options.header_limit / 1024) + " KiB the console accepts");
        if (ec)
            return refuse(400, "bad_request", "the request is not valid HTTP/1.1 (" + ec.message() + ")");

        auto request = parser_->release();
        keep_alive_ = request.keep_alive();
        version_ = request.version();
        net::post(*server_->workers, [self = this->shared_from_this(), exchange = to_exchange(std::move(request))] {
            http_response answer = self->work_on(exchange);
            net::post(self->stream_.get_executor(),
                      [self, answer = std::move(answer)]() mutable { self->write(std::move(answer)); });
        });
    }

    // On a worker thread: the routes' answer, or a 500 for a defect.
    http_response work_on(const http_request& exchange) const
    {
        return connector_support::guarded(
            [&] { return server_->handler(exchange); },
            [&](std::string_view why) {
                if (server_->log)
                    server_->log("a request failed unexpectedly: " + std::string(why));
            },
            [&] {
                return server_->refuse(500, "internal",
                                       "the console failed unexpectedly (a defect; the host log has the details)");
            });
    }

    // An answer the server gives itself, after which the connection closes (the rest of the request
    // cannot be trusted to be where the parser stopped).
    void refuse(unsigned status, std::string_view category, const std::string& message)
    {
        keep_alive_ = false;
        linger_ = true;
        write(server_->refuse(status, category, message));
    }

    void write(http_response answer)
    {
        const bool keep_alive = keep_alive_ && !server_->stopping;
        response_ = to_beast(std::move(answer), version_, keep_alive);
        beast::get_lowest_layer(stream_).expires_after(server_->options.request_timeout);
        http::async_write(stream_, response_,
                          [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                              if (ec)
                                  return;
                              if (keep_alive)
                                  self->read_request();
                              else
                                  self->close();
                          });
    }

    void close()
    {
        busy_ = true;
        auto& lowest = beast::get_lowest_layer(stream_);
        if constexpr (is_tls) {
            lowest.expires_after(std::chrono::seconds(5));
            // A peer that closes without close_notify gives stream_truncated: harmless here, the
            // answer was complete (Content-Length) before we shut down.
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
                beast::error_code ignored;
                beast::get_lowest_layer(self->stream_).socket().close(ignored);
            });
        } else {
            beast::error_code ignored;
            lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
            if (linger_)
                return drain();
            lowest.socket().close(ignored);
        }
    }

    // After refusing a request whose rest is still arriving: read and drop it (2 s at most) before
    // closing, so the client reads the refusal instead of a reset.
    void drain()
    {
        auto& lowest = beast::get_lowest_layer(stream_);
        lowest.expires_after(std::chrono::seconds(2));
        lowest.async_read_some(net::buffer(discard_),
                               [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                   if (!ec)
                                       return self->drain();
                                   beast::error_code ignored;
                                   beast::get_lowest_layer(self->stream_).socket().close(ignored);
                               });
    }

    std::shared_ptr<server_state> server_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    unsigned version_ = 11;
    bool keep_alive_ = false;
    bool busy_ = false;
    bool linger_ = false;
    std::array<char, 4096> discard_{};
};

tcp::endpoint listen_endpoint(const http_server_options& options)
{
    boost::system::error_code ec;
    const auto address = net::ip::make_address(options.address, ec);
    if (ec)
        throw host_error("--listen " + options.address + ": not an IP address; give one such as 127.0.0.1 or ::1");
    return {address, options.port};
}

ssl::context make_tls_context(const http_server_options& options)
{
    ssl::context context(ssl::context::tls_server);
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    boost::system::error_code ec;
    context.use_certificate_chain_file(options.tls_certificate->string(), ec);
    if (ec)
        throw host_error("--tls-cert " + options.tls_certificate->string() + " cannot be used: " + ec.message() +
                         "; give a PEM certificate (chain) file");
    context.use_private_key_file(options.tls_key->string(), ssl::context::pem, ec);
    if (ec)
        throw host_error("--tls-key " + options.tls_key->string() + " cannot be used: " + ec.message() +
                         "; give the certificate's private key as an unencrypted PEM file");
    if (::SSL_CTX_check_private_key(context.native_handle()) != 1)
        throw host_error("--tls-key " + options.tls_key->string() + " is not the private key of --tls-cert " +
                         options.tls_certificate->string() + ": give the matching pair");
    return context;
}

} // namespace

void server_state::accept()
{
    acceptor.async_accept(ioc, [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (self->stopping)
            return;
        if (ec) {
            self->report("accept failed", ec);
        } else if (self->connections >= self->options.max_connections) {
            // Over the cap: closed at once, before a byte is read, so many idle clients cannot hold
            // the console hostage.
            beast::error_code ignored;
            socket.close(ignored);
        } else {
            std::shared_ptr<connection_base> started;
            if (self->tls) {
                auto c = std::make_shared<connection<beast::ssl_stream<beast::tcp_stream>>>(
                    self, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *self->tls));
                c->start();
                started = c;
            } else {
                auto c = std::make_shared<connection<beast::tcp_stream>>(self, beast::tcp_stream(std::move(socket)));
                c->start();
                started = c;
            }
            std::erase_if(self->live, [](const auto& weak) { return weak.expired(); });
            self->live.push_back(started);
        }
        self->accept();
    });
}

void server_state::begin_stop()
{
    if (stopping.exchange(true))
        return;
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    for (auto& weak : live)
        if (auto c = weak.lock())
            c->stop_if_idle();
    if (connections == 0)
        return; // run() returns as soon as the handlers above have run
    grace.expires_after(options.stop_grace);
    grace.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec)
            self->ioc.stop(); // requests still at work after the grace period are abandoned
    });
}

http_server::http_server(http_server_options options, request_handler handler, error_responder refuse, server_log log)
    : state_(std::make_shared<state>())
{
    state_->options = std::move(options);
    state_->handler = std::move(handler);
    state_->refuse = std::move(refuse);
    state_->log = std::move(log);
    state_->workers = std::make_unique<net::thread_pool>(state_->options.workers);
    if (state_->options.tls_certificate && state_->options.tls_key)
        state_->tls.emplace(make_tls_context(state_->options));

    const tcp::endpoint endpoint = listen_endpoint(state_->options);
    auto& acceptor = state_->acceptor;
    boost::system::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(endpoint, ec);
    if (ec == net::error::address_in_use)
        throw host_error("--listen " + state_->options.address + ":" + std::to_string(state_->options.port) +
                         ": the port is in use by another program: choose another port, or 0 for any free one");
    if (ec == boost::system::errc::address_not_available)
        throw host_error("--listen " + state_->options.address +
                         ": not an address of this machine: give one of its addresses, or 127.0.0.1");
    if (!ec)
        acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        throw host_error("cannot listen on " + state_->options.address + ":" + std::to_string(state_->options.port) +
                         ": " + ec.message());
}

http_server::~http_server()
{
    stop();
}

std::uint16_t http_server::port() const noexcept
{
    try {
        boost::system::error_code ec;
        const auto endpoint = state_->acceptor.local_endpoint(ec);
        return ec ? 0 : endpoint.port();
    } catch (...) {
        return 0;
    }
}

bool http_server::tls() const noexcept
{
    return state_->tls.has_value();
}

void http_server::run(bool stop_on_signals)
{
    if (stop_on_signals) {
        state_->signals.add(SIGINT);
        state_->signals.add(SIGTERM);
        state_->signals.async_wait([self = state_](beast::error_code ec, int) {
            if (!ec)
                self->begin_stop();
        });
    }
    if (!state_->stopping)
        state_->accept();
    state_->ioc.run();
    state_->workers->join(); // the requests in flight (their answers go nowhere once the loop is done)
}

void http_server::stop() noexcept
{
    connector_support::guarded([&] { net::post(state_->ioc, [self = state_] { self->begin_stop(); }); },
                               [](std::string_view) {}, [] {});
}

} // namespace sample_host
