// Beast behind callback_listener: one small io_context, one coroutine per browser connection, a
// deadline on every read and write, a cap on open connections, and a timer that ends the wait.
#include "oauth/callback_listener.hpp"

#include "oauth/pkce.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

namespace sage {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

constexpr std::chrono::seconds per_request_deadline{10};

// A browser opens a few connections; anything beyond this is a local flood. The oldest connection
// is closed to make room: a browser sends its request at once, a flood's idle sockets do not.
constexpr std::size_t max_connections = 32;

// After an accept error (EMFILE under a flood...), wait this long before accepting again, doubling.
constexpr std::chrono::milliseconds accept_backoff_first{10};
constexpr std::chrono::milliseconds accept_backoff_cap{1000};

std::string page(std::string_view title, std::string_view text)
{
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + std::string(title) +
           "</title></head><body style=\"font-family:sans-serif;margin:3em\"><h1>" + std::string(title) + "</h1><p>" +
           std::string(text) + "</p></body></html>";
}

std::string path_of(std::string_view target)
{
    return std::string(target.substr(0, target.find('?')));
}

} // namespace

class callback_listener::impl {
public:
    // Declared before the io_context: the coroutines it destroys last unregister from it.
    std::map<std::uint64_t, beast::tcp_stream*> open_connections; // by age: the first is the oldest
    std::uint64_t next_connection = 0;
    asio::io_context ioc{1};
    std::vector<tcp::acceptor> acceptors;
    std::string expected_path;
    std::string expected_state;
    callback_wait_result result;
    bool done = false;

    // Accepts until the wait ends. An accept error (no file descriptors left, no buffers) is not
    // the end: wait a little, longer each time, and accept again.
    asio::awaitable<void> accept_loop(tcp::acceptor& acceptor)
    {
        auto backoff = accept_backoff_first;
        asio::steady_timer pause(ioc);
        while (!done) {
            auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
            if (done || ec == asio::error::operation_aborted || !acceptor.is_open())
                co_return; // closed at the end of the wait
            if (ec) {
                pause.expires_after(backoff);
                co_await pause.async_wait(use_tuple);
                backoff = std::min(backoff * 2, accept_backoff_cap);
                continue;
            }
            backoff = accept_backoff_first;
            if (open_connections.size() >= max_connections) {
                beast::error_code ignored;
                open_connections.begin()->second->socket().close(ignored);
                open_connections.erase(open_connections.begin());
            }
            asio::co_spawn(ioc, serve(std::move(socket)), asio::detached);
        }
    }

    // Keeps `stream` in open_connections for as long as serve() runs.
    struct registration {
        impl& owner;
        std::uint64_t id;
        registration(impl& o, beast::tcp_stream& stream) : owner(o), id(o.next_connection++)
        {
            owner.open_connections.emplace(id, &stream);
        }
        ~registration() { owner.open_connections.erase(id); }
        registration(const registration&) = delete;
        registration& operator=(const registration&) = delete;
    };

    asio::awaitable<void> serve(tcp::socket socket)
    {
        beast::tcp_stream stream(std::move(socket));
        const registration registered(*this, stream);
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::empty_body> parser;
            parser.header_limit(16 * 1024);
            stream.expires_after(per_request_deadline);
            auto [read_error, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
            (void)read;
            if (read_error)
                co_return;
            const auto& request = parser.get();
            const std::string target(request.target());
            http::response<http::string_body> response;
            response.version(request.version());
            response.set(http::field::content_type, "text/html; charset=utf-8");
            response.set(http::field::cache_control, "no-store");
            bool finished = false;
            const auto answer = parse_authorization_response(target);
            if (request.method() != http::verb::get || path_of(target) != expected_path || !answer) {
                ++result.turned_away;
                response.result(http::status::not_found);
                response.body() = page("Not found", "This address only receives the answer of a Sage sign-in.");
            } else if (!answer->state || !same_secret(*answer->state, expected_state)) {
                // Not the request in progress (an old tab, or a forged redirect): refuse and keep waiting.
                ++result.turned_away;
                response.result(http::status::bad_request);
                response.body() =
                    page("Sign-in not accepted",
                         "This answer does not belong to the sign-in in progress. Start the sign-in again "
                         "from the application.");
            } else {
                result.response = *answer;
                finished = true;
                response.result(http::status::ok);
                if (answer->error)
                    response.body() = page("Sage sign-in was not completed",
                                           "Sage reported: " + *answer->error +
                                               ". You can close this window and return to the application.");
                else
                    response.body() = page("Sage Cloud Accounting is connected",
                                           "You can close this window and return to the application.");
            }
            response.keep_alive(false);
            response.prepare_payload();
            stream.expires_after(per_request_deadline);
            co_await http::async_write(stream, response, use_tuple);
            beast::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            if (finished)
                finish();
            co_return;
        }
    }

    void finish()
    {
        done = true;
        for (auto& acceptor : acceptors) {
            beast::error_code ignored;
            acceptor.close(ignored);
        }
        ioc.stop();
    }
};

connector_support::result<std::unique_ptr<callback_listener>> callback_listener::bind(const endpoint& callback_url)
{
    auto implementation = std::make_unique<impl>();
    implementation->expected_path = path_of(callback_url.target.empty() ? "/" : callback_url.target);
    std::vector<asio::ip::address> addresses;
    beast::error_code ec;
    if (callback_url.host == "localhost") {
        // Browsers may resolve localhost to either family: listen on both loopbacks.
        addresses = {asio::ip::make_address("127.0.0.1"), asio::ip::make_address("::1")};
    } else {
        const auto address = asio::ip::make_address(callback_url.host, ec);
        if (ec || !address.is_loopback()) {
            return connector_support::fail(connector_sdk::error_category::config,
                                           "CallbackURL must name this machine (localhost, 127.0.0.1 or [::1]) for "
                                           "the connector to receive the browser's redirect");
        }
        addresses = {address};
    }
    unsigned short port = callback_url.port;
    for (const auto& address : addresses) {
        tcp::acceptor acceptor(implementation->ioc);
        const tcp::endpoint where(address, port);
        acceptor.open(where.protocol(), ec);
        if (!ec && address.is_v6())
            acceptor.set_option(asio::ip::v6_only(true), ec);
        if (!ec)
            acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec)
            acceptor.bind(where, ec);
        if (!ec)
            acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) {
            // No IPv6 loopback on this machine: IPv4 alone will do. Any other failure on [::1] (the
            // port taken there) would let another program receive a browser's redirect.
            if (address.is_v6() && !implementation->acceptors.empty() &&
                (ec == asio::error::address_family_not_supported || ec == boost::system::errc::address_not_available))
                continue;
            if (address.is_v6() && !implementation->acceptors.empty())
                return connector_support::fail(
                    connector_sdk::error_category::config,
                    "cannot listen on [::1]:" + std::to_string(port) + " (" + ec.message() +
                        "), the IPv6 half of localhost: another program holds that port there and a browser that "
                        "resolves localhost to ::1 would hand it the sign-in answer. Close that program, or set "
                        "CallbackURL to http://127.0.0.1:" +
                        std::to_string(port) + " (registered for your app at developer.sage.com)");
            return connector_support::fail(
                connector_sdk::error_category::config,
                "cannot listen on " + callback_url.url + " (" + ec.message() + "): close the program using port " +
                    std::to_string(port) +
                    ", or set CallbackURL to another loopback port registered for your app at developer.sage.com");
        }
        port = acceptor.local_endpoint().port(); // a :0 CallbackURL gets one port for both families
        implementation->acceptors.push_back(std::move(acceptor));
    }
    return std::unique_ptr<callback_listener>(new callback_listener(std::move(implementation)));
}

callback_listener::callback_listener(std::unique_ptr<impl> implementation) noexcept : impl_(std::move(implementation))
{
}

callback_listener::~callback_listener() = default;

unsigned short callback_listener::port() const noexcept
{
    return impl_->acceptors.empty() ? 0 : impl_->acceptors.front().local_endpoint().port();
}

callback_wait_result callback_listener::wait_for(const std::string& expected_state, std::chrono::milliseconds wait)
{
    impl_->expected_state = expected_state;
    impl_->result = {};
    impl_->done = false;
    asio::steady_timer timer(impl_->ioc);
    timer.expires_after(wait);
    timer.async_wait([this](const beast::error_code& ec) {
        if (!ec) {
            impl_->result.timed_out = true;
            impl_->finish();
        }
    });
    for (auto& acceptor : impl_->acceptors)
        asio::co_spawn(impl_->ioc, impl_->accept_loop(acceptor), asio::detached);
    impl_->ioc.restart();
    impl_->ioc.run();
    return impl_->result;
}

} // namespace sage
