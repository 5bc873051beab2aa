// The sign-ins a web host began: found while pending, ended once, expired by the host's clock, the
// oldest dropped beyond the cap, and each way a flow ended named when it is asked for again.
#define BOOST_TEST_MODULE pending_sign_ins
#include <boost/test/unit_test.hpp>

#include "oauth/pending_sign_ins.hpp"
#include "oauth/pkce.hpp"

using namespace std::chrono_literals;

namespace {

const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

sage::pending_sign_in flow(const std::string& state, std::chrono::seconds life = 300s)
{
    sage::pending_sign_in f;
    f.request.state = state;
    f.request.code_verifier = "verifier-" + state;
    f.request.redirect_uri = "https://console.example.com/oauth/callback";
    f.connection_name = "Books";
    f.client_id = "client";
    f.begun_at = t0;
    f.expires_at = t0 + life;
    return f;
}

std::string refusal(sage::pending_sign_ins& flows, const std::string& id, std::chrono::system_clock::time_point at)
{
    const auto found = flows.find(id, at);
    BOOST_REQUIRE(!found);
    return found.error().message;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_flow_is_found_until_taken_once)
{
    sage::pending_sign_ins flows;
    flows.add(flow("s1"), t0);
    const auto found = flows.find("s1", t0 + 10s);
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST(found->request.code_verifier == "verifier-s1");
    BOOST_TEST(flows.find("s1", t0 + 10s).has_value()); // finding does not end it
    BOOST_TEST(flows.take("s1"));
    BOOST_TEST(!flows.take("s1")); // a second completion loses
    BOOST_TEST(refusal(flows, "s1", t0).find("completed already") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_expired_flow_is_named_with_its_timeout)
{
    sage::pending_sign_ins flows;
    flows.add(flow("s1", 120s), t0);
    BOOST_TEST(flows.find("s1", t0 + 119s).has_value());
    const std::string why = refusal(flows, "s1", t0 + 120s);
    BOOST_TEST(why.find("expired") != std::string::npos, why);
    BOOST_TEST(why.find("120 seconds") != std::string::npos, why);
    BOOST_TEST(refusal(flows, "s1", t0 + 121s).find("expired") != std::string::npos); // and stays so
}

BOOST_AUTO_TEST_CASE(the_oldest_is_dropped_beyond_the_cap_and_expired_ones_go_first)
{
    sage::pending_sign_ins flows(3);
    flows.add(flow("old", 10s), t0);
    flows.add(flow("a"), t0);
    flows.add(flow("b"), t0);
    flows.add(flow("c"), t0 + 20s); // "old" has expired: it goes, nothing else does
    BOOST_TEST(refusal(flows, "old", t0 + 20s).find("expired") != std::string::npos);
    BOOST_TEST(flows.find("a", t0 + 20s).has_value());
    flows.add(flow("d"), t0 + 20s); // full: the oldest pending ("a") is dropped
    BOOST_TEST(refusal(flows, "a", t0 + 20s).find("dropped") != std::string::npos);
    for (const char* kept : {"b", "c", "d"})
        BOOST_TEST(flows.find(kept, t0 + 20s).has_value(), kept);
}

BOOST_AUTO_TEST_CASE(cancelled_and_unknown_flows_are_named)
{
    sage::pending_sign_ins flows;
    flows.add(flow("s1"), t0);
    flows.cancel("s1");
    flows.cancel("never"); // nothing pending: nothing happens
    BOOST_TEST(refusal(flows, "s1", t0).find("cancelled") != std::string::npos);
    BOOST_TEST(refusal(flows, "never", t0).find("no sign-in with this flow id") != std::string::npos);
    BOOST_TEST(!flows.take("s1"));
}

BOOST_AUTO_TEST_CASE(secrets_compare_by_content_and_length)
{
    BOOST_TEST(sage::same_secret("abc", "abc"));
    BOOST_TEST(!sage::same_secret("abc", "abd"));
    BOOST_TEST(!sage::same_secret("abc", "abcd"));
    BOOST_TEST(sage::same_secret("", ""));
}
