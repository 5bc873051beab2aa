// The loopback callback listener against local attackers (issue 9): a flood of idle connections is
// capped (the oldest closed) and the browser's redirect still arrives; running out of file
// descriptors pauses accepting instead of ending it; a squatter on [::1] makes a `localhost`
// CallbackURL fail loudly instead of being skipped. Real sockets throughout.
#define BOOST_TEST_MODULE callback_listener
#include <boost/test/unit_test.hpp>

#include "oauth/callback_listener.hpp"
#include "transport/endpoint.hpp"

#include <free_port.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

const std::string state = "expected-state-123";

// A connected TCP socket to 127.0.0.1:port, or -1.
int connect_v4(unsigned short port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Whether the peer closed `fd` within `wait`.
bool closed_within(int fd, std::chrono::milliseconds wait)
{
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0)
        return false;
    char byte = 0;
    return ::recv(fd, &byte, 1, 0) <= 0;
}

// Sends the browser's redirect on a fresh connection; the status line the listener answered.
std::string redirect(unsigned short port)
{
    const int fd = connect_v4(port);
    if (fd < 0)
        return "cannot connect";
    const std::string request = "GET /callback?code=the-code&state=" + state + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    pollfd p{fd, POLLIN, 0};
    std::string answer;
    if (::poll(&p, 1, 5000) > 0) {
        char buffer[256];
        const auto n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0)
            answer.assign(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return answer.substr(0, answer.find("\r\n"));
}

std::unique_ptr<sage::callback_listener> bind_listener()
{
    const std::string url = "http://127.0.0.1:" + std::to_string(test_support::free_port()) + "/callback";
    const auto parsed = sage::parse_endpoint(url);
    BOOST_TEST_REQUIRE(parsed.value.has_value(), parsed.error);
    auto listener = sage::callback_listener::bind(*parsed.value);
    BOOST_TEST_REQUIRE(static_cast<bool>(listener), listener.error().message);
    return std::move(*listener);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_flood_of_idle_connections_is_capped_and_the_redirect_still_arrives)
{
    const auto listener = bind_listener();
    const unsigned short port = listener->port();
    auto waiting = std::async(std::launch::async, [&] { return listener->wait_for(state, 20s); });
    std::vector<int> flood;
    for (int i = 0; i < 100; ++i) {
        const int fd = connect_v4(port);
        BOOST_TEST_REQUIRE(fd >= 0);
        flood.push_back(fd);
    }
    // The oldest idle connections are closed to make room, long before their 10-second deadline.
    BOOST_TEST(closed_within(flood.front(), 2000ms));
    BOOST_TEST(redirect(port) == "HTTP/1.1 200 OK");
    const auto result = waiting.get();
    BOOST_TEST(result.response.has_value());
    for (const int fd : flood)
        ::close(fd);
}

BOOST_AUTO_TEST_CASE(running_out_of_file_descriptors_pauses_accepting_instead_of_ending_it)
{
    const auto listener = bind_listener();
    const unsigned short port = listener->port();
    rlimit original{};
    BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &original) == 0);
    auto waiting = std::async(std::launch::async, [&] { return listener->wait_for(state, 20s); });
    std::this_thread::sleep_for(100ms);

    // Leave only a few descriptors, then use them up: the listener's accept() meets EMFILE.
    rlimit low = original;
    low.rlim_cur = 0;
    for (int fd = 0; fd < 4096; ++fd)
        if (::fcntl(fd, F_GETFD) != -1)
            low.rlim_cur = static_cast<rlim_t>(fd + 1);
    low.rlim_cur += 16;
    BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    std::vector<int> held;
    for (int fd; (fd = connect_v4(port)) >= 0;)
        held.push_back(fd);
    for (int fd; (fd = ::dup(0)) >= 0;) // whatever the accepted sockets left
        held.push_back(fd);
    std::this_thread::sleep_for(300ms); // the listener tries to accept and fails
    for (const int fd : held)
        ::close(fd);
    BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &original) == 0);
    BOOST_TEST(!held.empty());

    BOOST_TEST(redirect(port) == "HTTP/1.1 200 OK");
    const auto result = waiting.get();
    BOOST_TEST(result.response.has_value());
}

BOOST_AUTO_TEST_CASE(a_squatter_on_the_ipv6_loopback_is_not_skipped_silently)
{
    const int squatter = ::socket(AF_INET6, SOCK_STREAM, 0);
    if (squatter < 0) {
        BOOST_TEST_MESSAGE("no IPv6 on this machine: nothing to squat");
        return;
    }
    const int on = 1;
    ::setsockopt(squatter, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    if (::bind(squatter, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(squatter, 4) != 0) {
        ::close(squatter);
        BOOST_TEST_MESSAGE("no IPv6 loopback on this machine: nothing to squat");
        return;
    }
    socklen_t length = sizeof address;
    ::getsockname(squatter, reinterpret_cast<sockaddr*>(&address), &length);
    const unsigned short port = ntohs(address.sin6_port);

    auto listener = sage::callback_listener::bind(sage::known_endpoint("http://localhost:" + std::to_string(port)));
    BOOST_TEST(!listener);
    if (!listener) {
        BOOST_TEST(listener.error().message.find("[::1]") != std::string::npos, listener.error().message);
        BOOST_TEST(listener.error().message.find("127.0.0.1") != std::string::npos, listener.error().message);
    }
    ::close(squatter);
}
