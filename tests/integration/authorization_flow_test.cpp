// Signing in with the authorization-code flow against the Sage sandbox, the test playing the browser
// with curl: the full flow (PKCE, state), a wrong state turned away, access_denied, no callback before
// the wait ends, code reuse, code expiry, redirect_uri mismatch, and the headless ways (pasted URL now,
// OAuthVerifier later). Then status and revoke through the oauth_management extension.
#define BOOST_TEST_MODULE authorization_flow
#include <boost/test/unit_test.hpp>

#include "connector/sage_connector.hpp"
#include "sandbox.hpp"

#include <connector_sdk/oauth_management.hpp>

#include <fake_host_services.hpp>
#include <file_mode.hpp>
#include <free_port.hpp>
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
using test_support::deliver;
using test_support::module_sandbox;
using test_support::replace_state;
using test_support::visit_sage;
using namespace std::chrono_literals;

namespace {

struct fixture {
    sage_sandbox::sandbox& sage = module_sandbox::get();
    test_support::temp_dir state{"authorization-flow"};
    test_support::fake_host_services services{state.path()};
    std::unique_ptr<connector_sdk::connector> connector =
        sage::sage_connector::make(services, test_support::test_marketplace_keys());
    connector_sdk::oauth_management* oauth = connector_sdk::find_extension<connector_sdk::oauth_management>(*connector);
    unsigned short port = test_support::free_port();
    std::string callback = "http://127.0.0.1:" + std::to_string(port) + "/callback";
    sage_sandbox::oauth_client client;

    fixture()
    {
        sage.service().reset();
        services.set_license_token(test_support::test_license(services.now()));
        client.client_id = sage_sandbox::make_client_id();
        client.client_secret = "secret-" + std::to_string(port);
        client.redirect_uris = {callback};
        sage.service().register_client(client);
        BOOST_REQUIRE(oauth != nullptr);
    }

    form_values form() const
    {
        form_values f = test_support::sandbox_form(sage, client);
        f.set("ConnectionName", std::string("Books"));
        f.set("CallbackURL", callback);
        f.set("OAuthSettingsLocation", (state / "tokens.json").string());
        f.set("OAuthAuthorizationTimeout", std::string("20"));
        f.set("Country", std::string("gb"));
        return f;
    }

    // A browser that consents and comes back; `before_return` may tamper with the redirect.
    void use_consenting_browser(std::function<std::string(const std::string&)> before_return = {})
    {
        services.set_browser([this, before_return](const std::string& url) {
            const browser_visit visit = visit_sage(url, sage.info().ca_file);
            if (visit.status != 302)
                return;
            deliver(before_return ? before_return(visit.location) : visit.location);
        });
    }
};

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(module_sandbox);

BOOST_FIXTURE_TEST_SUITE(browser_flow, fixture)

BOOST_AUTO_TEST_CASE(test_signs_in_through_the_browser_then_works_without_it)
{
    use_consenting_browser();
    const auto r = connector->test(form());
    BOOST_TEST_REQUIRE(r.available, r.message);
    BOOST_TEST(sage.counters()[counter::codes_redeemed] == 1u);
    // The authorize request carried PKCE S256, a long random state, our exact redirect_uri and country.
    const std::string url = services.opened_urls().at(0);
    BOOST_TEST(url.find("code_challenge_method=S256") != std::string::npos, url);
    BOOST_TEST(url.find("filter=apiv3.1") != std::string::npos, url);
    BOOST_TEST(url.find("country=gb") != std::string::npos, url);
    BOOST_TEST(url.find("client_id=" + client.client_id.substr(0, 8)) != std::string::npos, url);
    BOOST_TEST(url.find("%2F") != std::string::npos, "the uuid/uuid client id is percent-encoded: " << url);
    std::smatch found;
    BOOST_REQUIRE(std::regex_search(url, found, std::regex("state=([A-Za-z0-9_-]+)")));
    BOOST_TEST(found[1].length() >= 22); // at least 128 bits as base64url
    // Stored, private; and the next TEST needs no browser.
    BOOST_TEST(test_support::file_mode(state / "tokens.json") == 0600u);
    services.set_browser({});
    BOOST_TEST(connector->test(form()).available);
    BOOST_TEST(services.opened_urls().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_redirect_with_the_wrong_state_is_turned_away)
{
    services.set_browser([this](const std::string& url) {
        const browser_visit visit = visit_sage(url, sage.info().ca_file);
        BOOST_TEST(deliver(replace_state(visit.location, "forged")) == 400); // refused, still waiting
        BOOST_TEST(deliver(visit.location) == 200);
    });
    const auto result = oauth->authorize(form(), {});
    BOOST_TEST(result.ok, result.message);
}

BOOST_AUTO_TEST_CASE(only_a_wrong_state_means_no_sign_in)
{
    use_consenting_browser([](const std::string& location) { return replace_state(location, "forged"); });
    const auto result = oauth->authorize(form(), {.headless = false, .wait = 3s});
    BOOST_TEST(!result.ok);
    BOOST_TEST(result.category == error_category::auth);
    BOOST_TEST(result.message.find("no answer from the browser within 3 seconds") != std::string::npos, result.message);
    BOOST_TEST(sage.counters()[counter::codes_redeemed] == 0u);
}

BOOST_AUTO_TEST_CASE(access_denied)
{
    sage.service().set_consent_mode(sage_sandbox::consent_mode::access_denied);
    use_consenting_browser();
    const auto result = oauth->authorize(form(), {});
    BOOST_TEST(!result.ok);
    BOOST_TEST(result.category == error_category::auth);
    BOOST_TEST(result.message.find("the sign-in was refused (access_denied)") != std::string::npos, result.message);
}

BOOST_AUTO_TEST_CASE(no_callback_before_the_wait_ends)
{
    services.set_browser([](const std::string&) {}); // opens, but the user never signs in
    const auto started = std::chrono::steady_clock::now();
    const auto result = oauth->authorize(form(), {.headless = false, .wait = 2s});
    BOOST_TEST(!result.ok);
    BOOST_TEST(result.message.find("no answer from the browser within 2 seconds") != std::string::npos, result.message);
    const bool stopped = std::chrono::steady_clock::now() - started < 30s;
    BOOST_TEST(stopped);
    // The URL was always shown, for a user whose browser did not open.
    BOOST_TEST(services.everything_said().find("/oauth2/auth/central?") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_expired_code_is_refused)
{
    use_consenting_browser([this](const std::string& location) {
        sage.service().advance_clock(61s); // the user took too long between consent and callback
        return location;
    });
    const auto result = oauth->authorize(form(), {});
    BOOST_TEST(!result.ok);
    BOOST_TEST(result.message.find("Sage refused the authorization code") != std::string::npos, result.message);
}

BOOST_AUTO_TEST_CASE(a_used_code_cannot_be_used_again)
{
    std::string code;
    use_consenting_browser([&code](const std::string& location) {
        std::smatch m;
        std::regex_search(location, m, std::regex("code=([^&]+)"));
        code = m[1];
        return location;
    });
    BOOST_TEST_REQUIRE(oauth->authorize(form(), {}).ok);
    // Replayed as OAuthVerifier into another store: Sage refuses it.
    form_values replay = form();
    replay.set("OAuthSettingsLocation", std::string("memory://replay"));
    replay.set("OAuthVerifier", code);
    const auto result = oauth->authorize(replay, {});
    BOOST_TEST(!result.ok);
    BOOST_TEST(result.message.find("already used") != std::string::npos, result.message);
}

BOOST_AUTO_TEST_CASE(an_unregistered_redirect_uri_is_stopped_at_sage)
{
    int status = 0;
    services.set_browser([&](const std::string& url) { status = visit_sage(url, sage.info().ca_file).status; });
    form_values f = form();
    f.set("CallbackURL", "http://127.0.0.1:" + std::to_string(test_support::free_port()) + "/other");
    const auto result = oauth->authorize(f, {.headless = false, .wait = 3s});
    BOOST_TEST(!result.ok);
    BOOST_TEST(status == 400); // Sage shows an error page instead of redirecting anywhere
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(headless, fixture)

BOOST_AUTO_TEST_CASE(the_pasted_callback_address_finishes_the_sign_in)
{
    services.set_prompt_handler([this](const std::string&) -> std::optional<std::string> {
        const std::string said = services.everything_said();
        std::smatch m;
        if (!std::regex_search(said, m, std::regex("https://\\S+/oauth2/auth/central\\?\\S+")))
            return std::nullopt;
        return visit_sage(m.str(0), sage.info().ca_file).location;
    });
    const auto result = oauth->authorize(form(), {.headless = true, .wait = std::nullopt});
    BOOST_TEST(result.ok, result.message);
    BOOST_TEST(services.opened_urls().empty()); // headless: no browser, no listener
}

BOOST_AUTO_TEST_CASE(a_pasted_address_of_another_sign_in_is_refused)
{
    services.set_prompt_handler([this](const std::string&) -> std::optional<std::string> {
        const std::string said = services.everything_said();
        std::smatch m;
        std::regex_search(said, m, std::regex("https://\\S+/oauth2/auth/central\\?\\S+"));
        return replace_state(visit_sage(m.str(0), sage.info().ca_file).location, "another");
    });
    const auto result = oauth->authorize(form(), {.headless = true, .wait = std::nullopt});
    BOOST_TEST(!result.ok);
    BOOST_TEST(result.message.find("belongs to another sign-in") != std::string::npos, result.message);
}

BOOST_AUTO_TEST_CASE(the_code_given_later_as_oauth_verifier)
{
    const auto started = oauth->authorize(form(), {.headless = true, .wait = std::nullopt}); // nobody answers
    BOOST_TEST(!started.ok);
    BOOST_TEST(started.awaiting_verifier);
    BOOST_TEST(started.message.find("OAuthVerifier") != std::string::npos, started.message);
    // Elsewhere, the user opens the address and copies the callback address back.
    std::smatch m;
    const std::string said = services.everything_said();
    BOOST_REQUIRE(std::regex_search(said, m, std::regex("https://\\S+/oauth2/auth/central\\?\\S+")));
    const std::string back = visit_sage(m.str(0), sage.info().ca_file).location;
    form_values finish = form();
    finish.set("OAuthVerifier", back);
    const auto done = oauth->authorize(finish, {});
    BOOST_TEST(done.ok, done.message);
    BOOST_TEST(connector->test(form()).available);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(management, fixture)

BOOST_AUTO_TEST_CASE(status_masks_tokens_and_revoke_ends_them)
{
    auto status = oauth->status(form());
    BOOST_TEST(!status.present);
    use_consenting_browser();
    BOOST_TEST_REQUIRE(oauth->authorize(form(), {}).ok);
    status = oauth->status(form());
    BOOST_TEST(status.present, status.message);
    BOOST_TEST(status.access_token_masked.starts_with("********"));
    BOOST_TEST(status.scope == "full_access");
    BOOST_TEST(status.access_expires_at.has_value());
    const std::string stored = test_support::read_file(state / "tokens.json");
    std::smatch m;
    BOOST_REQUIRE(std::regex_search(stored, m, std::regex("\"refresh_token\":\"([^\"]+)\"")));
    const std::string refresh = m[1];
    BOOST_TEST(status.message.find(refresh) == std::string::npos);

    const auto revoked = oauth->revoke(form());
    BOOST_TEST(revoked.ok, revoked.message);
    BOOST_TEST(sage.counters()[counter::revocations] == 1u);
    BOOST_TEST(!std::filesystem::exists(state / "tokens.json"));
    const bool ended = sage.service().inspect_token(refresh).status != sage_sandbox::token_status::active;
    BOOST_TEST(ended);
    BOOST_TEST(!oauth->revoke(form()).ok); // nothing left to revoke
}

BOOST_AUTO_TEST_CASE(no_licence_no_sign_in)
{
    services.set_license_token(std::nullopt);
    const auto result = oauth->authorize(form(), {});
    BOOST_TEST(!result.ok);
    BOOST_TEST(result.category == error_category::license);
}

BOOST_AUTO_TEST_SUITE_END()
