// The web console's sessions and the units around them, without a network: one-time login tokens,
// idle expiry on a test clock, CSRF token comparison, pending sign-ins visible only to their session
// and completed once, the --listen parser, cookie parsing, and escaping on the console's pages.
#define BOOST_TEST_MODULE console_sessions
#include <boost/test/unit_test.hpp>

#include "console/console_answers.hpp"
#include "console/console_router.hpp"
#include "console/console_sessions.hpp"
#include "console/serve_command.hpp"
#include "console/sign_in_flows.hpp"
#include "runtime/host_error.hpp"

#include <set>

using namespace sample_host;
using namespace std::chrono_literals;

namespace {

struct test_clock {
    std::chrono::steady_clock::time_point now = std::chrono::steady_clock::time_point(1000h);
    auto function()
    {
        return [this] { return now; };
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(a_login_token_gives_one_session_once)
{
    test_clock clock;
    console_sessions sessions(30min, 15min, clock.function());
    const std::string token = sessions.issue_login_token();
    BOOST_TEST(token.size() == 64u);
    const auto session = sessions.redeem(token);
    BOOST_TEST_REQUIRE(session.has_value());
    BOOST_TEST(session->id.size() == 64u);
    BOOST_TEST(session->csrf.size() == 64u);
    BOOST_TEST(session->id != session->csrf);
    BOOST_TEST(!sessions.redeem(token).has_value()); // spent
    BOOST_TEST(sessions.find(session->id).has_value());
    BOOST_TEST(!sessions.find("").has_value());
    BOOST_TEST(!sessions.find(token).has_value()); // a login token is not a session
}

BOOST_AUTO_TEST_CASE(tokens_and_sessions_expire)
{
    test_clock clock;
    console_sessions sessions(30min, 15min, clock.function());
    const std::string late = sessions.issue_login_token();
    clock.now += 15min;
    BOOST_TEST(!sessions.redeem(late).has_value());

    const auto session = sessions.redeem(sessions.issue_login_token());
    BOOST_TEST_REQUIRE(session.has_value());
    clock.now += 29min;
    BOOST_TEST(sessions.find(session->id).has_value()); // use restarts the idle period
    clock.now += 29min;
    BOOST_TEST(sessions.find(session->id).has_value());
    clock.now += 30min;
    BOOST_TEST(!sessions.find(session->id).has_value());
}

BOOST_AUTO_TEST_CASE(random_tokens_differ_and_compare_exactly)
{
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i)
        seen.insert(random_token());
    BOOST_TEST(seen.size() == 100u);
    const std::string a = random_token();
    BOOST_TEST(same_token(a, a));
    BOOST_TEST(!same_token(a, a.substr(1)));
    BOOST_TEST(!same_token("", ""));
    std::string b = a;
    b.back() = b.back() == '0' ? '1' : '0';
    BOOST_TEST(!same_token(a, b));
}

BOOST_AUTO_TEST_CASE(a_sign_in_is_seen_by_its_session_and_completed_once)
{
    test_clock clock;
    sign_in_flows flows(15min, clock.function());
    sign_in_flow flow;
    flow.flow_id = "state-1";
    flow.session_id = std::string(64, 'a');
    flow.form.set("ClientSecret", std::string("secret-value"));
    flows.add(std::move(flow));

    BOOST_TEST(!flows.outcome("state-1", std::string(64, 'b')).has_value());
    BOOST_TEST(to_string(flows.outcome("state-1", std::string(64, 'a'))->state) == "pending");
    const auto completing = flows.begin_completion("state-1");
    BOOST_TEST_REQUIRE(completing.has_value());
    BOOST_TEST(completing->form.contains("ClientSecret"));
    BOOST_TEST(!flows.begin_completion("state-1").has_value()); // a replayed callback
    BOOST_TEST(to_string(flows.outcome("state-1", std::string(64, 'a'))->state) == "pending");
    flows.finish("state-1", true, connector_sdk::error_category::none, "signed in");
    const auto done = flows.outcome("state-1", std::string(64, 'a'));
    BOOST_TEST(to_string(done->state) == "done");
    BOOST_TEST(done->message == "signed in");
    BOOST_TEST(!flows.begin_completion("unknown").has_value());

    clock.now += 15min;
    BOOST_TEST(!flows.outcome("state-1", std::string(64, 'a')).has_value());
}

BOOST_AUTO_TEST_CASE(listen_addresses)
{
    const auto v4 = parse_listen_address("127.0.0.1:8080");
    BOOST_TEST(v4.address == "127.0.0.1");
    BOOST_TEST(v4.port == 8080);
    BOOST_TEST(v4.loopback);
    const auto any = parse_listen_address("localhost:0");
    BOOST_TEST(any.address == "127.0.0.1");
    BOOST_TEST(any.port == 0);
    const auto v6 = parse_listen_address("[::1]:9000");
    BOOST_TEST(v6.address == "::1");
    BOOST_TEST(v6.loopback);
    BOOST_TEST(!parse_listen_address("0.0.0.0:443").loopback);
    BOOST_TEST(!parse_listen_address("192.168.1.5:443").loopback);
    BOOST_TEST(parse_listen_address("127.8.9.10:1").loopback);
    for (const char* bad :
         {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:x", "example.com:80", "::1:80", "[::1]80", ":80"})
        BOOST_CHECK_THROW((void)parse_listen_address(bad), usage_error);
}

BOOST_AUTO_TEST_CASE(cookies_and_escaping)
{
    BOOST_TEST(cookie_value("a=1; console_session=abc; b=2", "console_session") == "abc");
    BOOST_TEST(cookie_value("console_session=abc", "console_session") == "abc");
    BOOST_TEST(cookie_value("xconsole_session=abc", "console_session") == "");
    BOOST_TEST(cookie_value("", "console_session") == "");
    BOOST_TEST(html_escape(R"(<script>"x" & 'y'</script>)") ==
               "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;");
    const http_response page = html_page(400, "<b>", "a <i>reason</i>");
    BOOST_TEST(page.body.find("<i>") == std::string::npos);
    BOOST_TEST(page.body.find("&lt;i&gt;reason") != std::string::npos);
}
