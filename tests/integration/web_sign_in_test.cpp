// Signing in through a web host (web_sign_in.v1) against the Sage sandbox, the test playing the
// browser with curl: begin gives the consent page's address, the sandbox redirects to the host's
// callback page, complete exchanges the code and TEST works. Then every refusal: a replayed callback,
// a wrong state, an expired flow, access_denied, a cancelled or dropped flow, another connection's
// form, redirect URIs off https, and a callback on another address.
#define BOOST_TEST_MODULE web_sign_in
#include <boost/test/unit_test.hpp>

#include "connector/sage_connector.hpp"
#include "sandbox.hpp"

#include <connector_sdk/web_sign_in.hpp>

#include <fake_host_services.hpp>
#include <memory_credential_store.hpp>
#include <module_sandbox.hpp>
#include <sandbox_form.hpp>
#include <sdk_printing.hpp>
#include <sign_in_browser.hpp>
#include <temp_dir.hpp>
#include <test_marketplace.hpp>

#include <regex>

using connector_sdk::error_category;
using connector_sdk::form_values;
using sage_sandbox::counter;
using test_support::browser_visit;
using test_support::module_sandbox;
using test_support::replace_state;
using test_support::visit_sage;
using namespace std::chrono_literals;

namespace {

const std::string callback_page = "https://console.example.com/oauth/callback";

struct fixture {
    sage_sandbox::sandbox& sage = module_sandbox::get();
    test_support::temp_dir state{"web-sign-in"};
    test_support::fake_host_services services{state.path()};
    std::unique_ptr<connector_sdk::connector> connector =
        sage::sage_connector::make(services, test_support::test_marketplace_keys());
    connector_sdk::web_sign_in* web = connector_sdk::find_extension<connector_sdk::web_sign_in>(*connector);
    sage_sandbox::oauth_client client;

    fixture()
    {
        sage.service().reset();
        services.set_license_token(test_support::test_license(services.now()));
        client.client_id = sage_sandbox::make_client_id();
        client.client_secret = "web-secret";
        client.redirect_uris = {callback_page, "http://127.0.0.1:8080/oauth/callback"};
        sage.service().register_client(client);
        BOOST_REQUIRE(web != nullptr);
    }

    form_values form(const std::string& name = "Books") const
    {
        form_values f = test_support::sandbox_form(sage, client);
        f.set("ConnectionName", name);
        f.set("OAuthSettingsLocation", (state / "tokens.json").string());
        f.set("OAuthAuthorizationTimeout", std::string("120"));
        return f;
    }

    // begin, then the browser at Sage: the flow and the address the callback page receives.
    std::pair<connector_sdk::web_sign_in_start, std::string>
    begin_and_consent(const form_values& f, const std::string& redirect = callback_page)
    {
        auto start = web->begin(f, redirect);
        BOOST_TEST_REQUIRE(start.ok(), start.message);
        const browser_visit visit = visit_sage(start.authorization_url, sage.info().ca_file);
        BOOST_TEST_REQUIRE(visit.status == 302);
        return {start, visit.location};
    }
};

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(module_sandbox);

BOOST_FIXTURE_TEST_SUITE(web_sign_in, fixture)

BOOST_AUTO_TEST_CASE(begin_consent_complete_then_test_works)
{
    const auto [start, location] = begin_and_consent(form());
    // The consent page's address carries PKCE S256, our redirect URI, and the flow id as its state.
    BOOST_TEST(start.authorization_url.find("code_challenge_method=S256") != std::string::npos);
    BOOST_TEST(start.authorization_url.find("redirect_uri=https%3A%2F%2Fconsole.example.com%2Foauth%2Fcallback") !=
                   std::string::npos,
               start.authorization_url);
    BOOST_TEST(start.authorization_url.find("state=" + start.flow_id) != std::string::npos);
    BOOST_TEST(start.flow_id.size() >= 43u);
    BOOST_TEST(location.starts_with(callback_page + "?"), location);

    const auto done = web->complete(form(), start.flow_id, location);
    BOOST_TEST_REQUIRE(done.ok, done.message);
    BOOST_TEST(done.message.find("signed in to Sage; tokens stored in the file") != std::string::npos, done.message);
    BOOST_TEST(sage.counters()[counter::codes_redeemed] == 1u);
    const auto tested = connector->test(form());
    BOOST_TEST(tested.available, tested.message);
    BOOST_TEST(services.opened_urls().empty()); // the host drove the browser, not the connector

    // A replayed callback is refused, and Sage is not asked again.
    const auto replay = web->complete(form(), start.flow_id, location);
    BOOST_TEST(!replay.ok);
    BOOST_TEST(replay.category == error_category::auth);
    BOOST_TEST(replay.message.find("completed already") != std::string::npos, replay.message);
    BOOST_TEST(sage.counters()[counter::codes_redeemed] == 1u);
    // No secret in anything said.
    BOOST_TEST(services.everything_said().find(client.client_secret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_tokens_go_to_the_hosts_credential_store_when_it_offers_one)
{
    test_support::memory_credential_store store;
    services.set_credential_store(&store); // a host offers its store from the start
    connector = sage::sage_connector::make(services, test_support::test_marketplace_keys());
    web = connector_sdk::find_extension<connector_sdk::web_sign_in>(*connector);
    const auto [start, location] = begin_and_consent(form());
    const auto done = web->complete(form(), start.flow_id, location);
    BOOST_TEST_REQUIRE(done.ok, done.message);
    BOOST_TEST(done.message.find("the host's credential store") != std::string::npos, done.message);
    BOOST_TEST(store.peek("Books").has_value());
    BOOST_TEST(!std::filesystem::exists(state / "tokens.json"));
    BOOST_TEST(connector->test(form()).available);
}

BOOST_AUTO_TEST_CASE(a_wrong_state_is_refused_and_the_flow_waits_for_its_own_callback)
{
    const auto [start, location] = begin_and_consent(form());
    const auto forged = web->complete(form(), start.flow_id, replace_state(location, "forged"));
    BOOST_TEST(!forged.ok);
    BOOST_TEST(forged.message.find("belongs to another sign-in") != std::string::npos, forged.message);
    const auto stateless =
        web->complete(form(), start.flow_id, std::regex_replace(location, std::regex("&?state=[^&]*"), ""));
    BOOST_TEST(!stateless.ok);
    BOOST_TEST(stateless.message.find("carries no state") != std::string::npos, stateless.message);
    BOOST_TEST(sage.counters()[counter::codes_redeemed] == 0u);
    const auto done = web->complete(form(), start.flow_id, location);
    BOOST_TEST(done.ok, done.message);
}

BOOST_AUTO_TEST_CASE(an_unknown_flow_is_refused)
{
    const auto [start, location] = begin_and_consent(form());
    const auto r = web->complete(form(), "not-a-flow", location);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.message.find("no sign-in with this flow id") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_CASE(an_expired_flow_is_refused)
{
    const auto [start, location] = begin_and_consent(form());
    services.advance(121s); // OAuthAuthorizationTimeout is 120 s
    const auto r = web->complete(form(), start.flow_id, location);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.category == error_category::auth);
    BOOST_TEST(r.message.find("this sign-in expired") != std::string::npos, r.message);
    BOOST_TEST(r.message.find("120 seconds") != std::string::npos, r.message);
    BOOST_TEST(sage.counters()[counter::codes_redeemed] == 0u);
}

BOOST_AUTO_TEST_CASE(access_denied_is_named)
{
    sage.service().set_consent_mode(sage_sandbox::consent_mode::access_denied);
    const auto [start, location] = begin_and_consent(form());
    BOOST_TEST(location.find("error=access_denied") != std::string::npos, location);
    const auto r = web->complete(form(), start.flow_id, location);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.category == error_category::auth);
    BOOST_TEST(r.message.find("the sign-in was refused (access_denied)") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_CASE(a_cancelled_flow_cannot_be_completed)
{
    const auto [start, location] = begin_and_consent(form());
    web->cancel(start.flow_id);
    web->cancel("nothing-pending"); // does nothing
    const auto r = web->complete(form(), start.flow_id, location);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.message.find("cancelled") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_CASE(the_oldest_flows_are_dropped_beyond_the_cap)
{
    const auto first = web->begin(form(), callback_page);
    BOOST_TEST_REQUIRE(first.ok());
    for (std::size_t i = 0; i < sage::sage_web_sign_in::pending_capacity; ++i)
        BOOST_TEST_REQUIRE(web->begin(form(), callback_page).ok());
    const auto r = web->complete(form(), first.flow_id, callback_page + "?code=x&state=" + first.flow_id);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.message.find("dropped because too many newer sign-ins") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_CASE(the_form_must_name_the_connection_and_client_of_begin)
{
    const auto [start, location] = begin_and_consent(form());
    const auto other = web->complete(form("Other"), start.flow_id, location);
    BOOST_TEST(!other.ok);
    BOOST_TEST(other.message.find("begun for the connection 'Books', not 'Other'") != std::string::npos, other.message);
    form_values other_client = form();
    other_client.set("ClientId", std::string("another-client"));
    const auto r = web->complete(other_client, start.flow_id, location);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.message.find("another OAuth client") != std::string::npos, r.message);
    BOOST_TEST(web->complete(form(), start.flow_id, location).ok); // still pending for the right form
}

BOOST_AUTO_TEST_CASE(a_callback_on_another_address_is_refused)
{
    const auto [start, location] = begin_and_consent(form());
    const std::string elsewhere =
        std::regex_replace(location, std::regex("^https://console\\.example\\.com"), "https://evil.example");
    const auto r = web->complete(form(), start.flow_id, elsewhere);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.message.find("not on the redirect URI") != std::string::npos, r.message);
    const auto nothing = web->complete(form(), start.flow_id, callback_page);
    BOOST_TEST(!nothing.ok);
    BOOST_TEST(nothing.message.find("neither an authorization code nor an error") != std::string::npos,
               nothing.message);
}

BOOST_AUTO_TEST_CASE(redirect_uris_must_be_https_or_loopback_http)
{
    const auto plain = web->begin(form(), "http://console.example.com/oauth/callback");
    BOOST_TEST(!plain.ok());
    BOOST_TEST(plain.category == error_category::config);
    BOOST_TEST(plain.message.find("must use https") != std::string::npos, plain.message);
    BOOST_TEST(!web->begin(form(), "not a url").ok());
    BOOST_TEST(!web->begin(form(), "https://console.example.com/oauth/callback#x").ok());
    BOOST_TEST(!web->begin(form(), "https://user:pw@console.example.com/oauth/callback").ok());
    // Loopback http works end to end.
    const auto [start, location] = begin_and_consent(form(), "http://127.0.0.1:8080/oauth/callback");
    BOOST_TEST(web->complete(form(), start.flow_id, location).ok);
}

BOOST_AUTO_TEST_CASE(begin_checks_the_form_and_the_licence)
{
    form_values broken = form();
    broken.set("ClientSecret", std::string(""));
    BOOST_TEST(!web->begin(broken, callback_page).ok());
    services.set_license_token(std::nullopt);
    const auto r = web->begin(form(), callback_page);
    BOOST_TEST(!r.ok());
    BOOST_TEST(r.category == error_category::license);
}

BOOST_AUTO_TEST_SUITE_END()
