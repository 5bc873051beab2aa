// TEST against the Sage sandbox: each failure mapped to its category and sentence, TLS trusted through
// an uploaded PEM and PKCS#12 keystore, untrusted/wrong-host/expired certificates, mutual TLS, a
// CONNECT proxy, plain HTTP to loopback, retries on 429/5xx/resets, bounded time, rotating refresh
// tokens persisted, and no secret in anything said.
#define BOOST_TEST_MODULE test_operation
#include <boost/test/unit_test.hpp>

#include "connector/sage_connector.hpp"
#include "oauth/token_set.hpp"
#include "sandbox.hpp"

#include <fake_host_services.hpp>
#include <file_mode.hpp>
#include <module_sandbox.hpp>
#include <sandbox_form.hpp>
#include <sdk_printing.hpp>
#include <temp_dir.hpp>
#include <test_marketplace.hpp>

#include <chrono>

using connector_sdk::error_category;
using connector_sdk::form_values;
using sage_sandbox::counter;
using sage_sandbox::fault_kind;
using namespace std::chrono_literals;

namespace {

// The module's sandbox (test_support::module_sandbox): five contacts, and a CONNECT proxy that
// demands credentials.
sage_sandbox::sandbox_options module_options()
{
    sage_sandbox::sandbox_options options;
    options.contacts = 5;
    options.proxy = true;
    options.proxy_username = "proxy-user";
    options.proxy_password = "proxy-secret-value";
    return options;
}

struct sandbox_owner : test_support::module_sandbox {
    sandbox_owner() : module_sandbox(module_options()) {}
};

sage_sandbox::fault_spec fault(std::string endpoint, fault_kind kind, std::optional<std::uint32_t> count = std::nullopt)
{
    sage_sandbox::fault_spec f;
    f.endpoint = std::move(endpoint);
    f.kind = kind;
    f.count = count;
    return f;
}

struct fixture {
    sage_sandbox::sandbox& sage = test_support::module_sandbox::get();
    test_support::temp_dir state{"connection-test"};
    test_support::fake_host_services services{state.path()};
    std::unique_ptr<connector_sdk::connector> connector =
        sage::sage_connector::make(services, test_support::test_marketplace_keys());
    sage_sandbox::token_set minted;

    fixture()
    {
        sage.service().reset();
        services.set_license_token(test_support::test_license(services.now()));
        minted = sage.service().mint_tokens(sage.client().client_id);
    }

    // A REFRESH-mode form pointing at the sandbox listener `base` (the main one when empty), trusting its
    // CA through a PEM keystore.
    form_values form(const std::string& base = {}) const
    {
        form_values f = test_support::refresh_form(sage, minted.refresh_token, state / "oauth" / "books.json", base);
        f.set("Timeout", std::string("5"));
        return f;
    }

    // form(base) with the PKCS#12 keystore `p12` (the sandbox's password) in place of the PEM.
    form_values p12_form(const std::filesystem::path& p12, const std::string& base = {}) const
    {
        form_values f = form(base);
        f.set("KeystoreFile", test_support::form_file(p12));
        f.set("KeystorePassword", sage.info().client_p12_password);
        return f;
    }

    form_values off_form(const std::string& access_token) const
    {
        form_values f = form();
        f.set("InitiateOAuth", std::string("OFF"));
        f.set("AccessToken", access_token);
        f.erase("RefreshToken");
        return f;
    }

    void expect_unavailable(const connector_sdk::test_result& r, error_category category,
                            const std::string& fragment) const
    {
        BOOST_TEST(!r.available);
        BOOST_TEST(r.category == category, r.message);
        BOOST_TEST(r.message.find(fragment) != std::string::npos, r.message);
        BOOST_TEST(r.headline().starts_with("Connection unavailable: "));
    }
};

std::string stored_refresh_token(const std::filesystem::path& file)
{
    const std::string text = test_support::read_file(file);
    const auto at = text.find("\"refresh_token\":\"");
    BOOST_REQUIRE(at != std::string::npos);
    const auto start = at + 17;
    return text.substr(start, text.find('"', start) - start);
}

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(sandbox_owner);

BOOST_FIXTURE_TEST_SUITE(available, fixture)

BOOST_AUTO_TEST_CASE(refresh_mode_refreshes_once_persists_the_rotated_set_and_says_who_is_connected)
{
    const auto r = connector->test(form());
    BOOST_TEST_REQUIRE(r.available, r.message);
    BOOST_TEST(r.category == error_category::none);
    BOOST_TEST(r.headline() == "connection available");
    BOOST_TEST(r.message.starts_with("connected to Sage as "), r.message);
    BOOST_TEST(r.message.find("business") != std::string::npos, r.message);
    BOOST_TEST(r.detail.find("business: ") != std::string::npos, r.detail);
    BOOST_TEST(sage.counters()[counter::refreshes] == 1u);

    const auto file = state / "oauth" / "books.json";
    const std::string rotated = stored_refresh_token(file);
    BOOST_TEST(rotated != minted.refresh_token);
    BOOST_TEST(test_support::file_mode(file) == 0600u);
    BOOST_TEST(test_support::file_mode(file.parent_path()) == 0700u);

    // A second TEST uses the stored set: no refresh, and the connection is reused.
    const auto connections = sage.counters()[counter::connections];
    const auto again = connector->test(form());
    BOOST_TEST(again.available, again.message);
    BOOST_TEST(sage.counters()[counter::refreshes] == 1u);
    BOOST_TEST(sage.counters()[counter::connections] == connections);
    BOOST_TEST(stored_refresh_token(file) == rotated);
}

BOOST_AUTO_TEST_CASE(a_rotated_set_survives_into_a_new_connector_and_refreshes_on_expiry)
{
    BOOST_TEST_REQUIRE(connector->test(form()).available);
    auto second = sage::sage_connector::make(services, test_support::test_marketplace_keys());
    BOOST_TEST(second->test(form()).available);
    BOOST_TEST(sage.counters()[counter::refreshes] == 1u);
    // Past the 300 s life of the access token (both clocks move): one more refresh, no invalid_grant.
    sage.service().advance_clock(301s);
    services.advance(301s);
    const auto r = second->test(form());
    BOOST_TEST(r.available, r.message);
    BOOST_TEST(sage.counters()[counter::refreshes] == 2u);
    BOOST_TEST(sage.counters()[counter::invalid_grant] == 0u);
}

BOOST_AUTO_TEST_CASE(off_mode_uses_the_access_token_as_given)
{
    const auto r = connector->test(off_form(minted.access_token));
    BOOST_TEST(r.available, r.message);
    BOOST_TEST(sage.counters()[counter::refreshes] == 0u);
}

BOOST_AUTO_TEST_CASE(trust_through_a_pkcs12_keystore)
{
    const auto r = connector->test(p12_form(sage.info().ca_p12_file));
    BOOST_TEST(r.available, r.message);
}

BOOST_AUTO_TEST_CASE(mutual_tls_with_a_client_identity)
{
    const auto r = connector->test(p12_form(sage.info().client_p12_file, sage.info().mtls_url));
    BOOST_TEST(r.available, r.message);
}

BOOST_AUTO_TEST_CASE(plain_http_to_a_loopback_sandbox)
{
    form_values f = form(sage.info().plain_url);
    f.set("EnableSSL", false);
    f.erase("KeystoreFile");
    const auto r = connector->test(f);
    BOOST_TEST(r.available, r.message);
}

BOOST_AUTO_TEST_CASE(through_a_connect_proxy_with_credentials)
{
    const std::string proxy = sage.info().proxy_url; // http://127.0.0.1:PORT
    const auto colon = proxy.rfind(':');
    form_values f = form();
    f.set("ProxyServer", std::string("127.0.0.1"));
    f.set("ProxyPort", proxy.substr(colon + 1));
    f.set("ProxyUser", std::string("proxy-user"));
    f.set("ProxyPassword", std::string("proxy-secret-value"));
    const auto r = connector->test(f);
    BOOST_TEST(r.available, r.message);
    BOOST_TEST(sage.counters()[counter::proxy_tunnels] >= 1u);

    f.set("ProxyPassword", std::string("wrong"));
    auto other = sage::sage_connector::make(services, test_support::test_marketplace_keys());
    expect_unavailable(other->test(f), error_category::config, "refused the proxy credentials (HTTP 407)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(sage_refuses, fixture)

BOOST_AUTO_TEST_CASE(invalid_client)
{
    form_values f = form();
    f.set("ClientSecret", std::string("not-the-secret"));
    expect_unavailable(connector->test(f), error_category::auth, "Sage rejected the Client ID or Client Secret");
}

BOOST_AUTO_TEST_CASE(invalid_grant_for_a_used_refresh_token)
{
    BOOST_TEST_REQUIRE(connector->test(form()).available); // rotates the minted token
    // Another connection that still holds the old token, with its own (empty) store.
    form_values f = form();
    f.set("OAuthSettingsLocation", std::string("memory://stale"));
    expect_unavailable(connector->test(f), error_category::auth,
                       "the refresh token has expired, been revoked or already been used: authorise again");
}

BOOST_AUTO_TEST_CASE(an_expired_access_token_in_off_mode)
{
    sage.service().advance_clock(301s);
    expect_unavailable(connector->test(off_form(minted.access_token)), error_category::auth,
                       "Sage rejected the Access Token");
}

BOOST_AUTO_TEST_CASE(a_known_expiry_in_off_mode_needs_no_request)
{
    form_values f = off_form(minted.access_token);
    const auto issued =
        std::chrono::duration_cast<std::chrono::milliseconds>((services.now() - 600s).time_since_epoch());
    f.set("OAuthTokenTimestamp", std::to_string(issued.count()));
    f.set("OAuthExpiresIn", std::string("300"));
    const auto before = sage.counters().requests_to("user");
    expect_unavailable(connector->test(f), error_category::auth, "the Access Token expired at");
    BOOST_TEST(sage.counters().requests_to("user") == before);
}

BOOST_AUTO_TEST_CASE(a_rejected_access_token_is_refreshed_once)
{
    BOOST_TEST_REQUIRE(connector->test(form()).available);
    sage.service().advance_clock(301s); // the sandbox says expired; the connector's clock does not know
    const auto r = connector->test(form());
    BOOST_TEST(r.available, r.message);
    BOOST_TEST(sage.counters()[counter::refreshes] == 2u);
}

BOOST_AUTO_TEST_CASE(subscription_ended)
{
    auto modes = sage.service().modes();
    modes.subscription_ended = true;
    sage.service().set_modes(modes);
    expect_unavailable(connector->test(form()), error_category::remote,
                       "the Sage subscription of this business has ended");
    // Not a token problem: no refresh loop.
    BOOST_TEST(sage.counters()[counter::refreshes] == 1u);
}

BOOST_AUTO_TEST_CASE(multi_user_access_denied)
{
    sage.service().set_forbidden({"businesses"});
    expect_unavailable(connector->test(form()), error_category::auth, "Sage refused access to your businesses");
}

BOOST_AUTO_TEST_CASE(an_unknown_business_id)
{
    form_values f = form();
    f.set("BusinessId", std::string(32, 'a'));
    expect_unavailable(connector->test(f), error_category::config, "is not one of the businesses");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(certificates, fixture)

BOOST_AUTO_TEST_CASE(untrusted_without_the_keystore)
{
    form_values f = form();
    f.erase("KeystoreFile");
    expect_unavailable(connector->test(f), error_category::tls, "is not signed by a trusted authority");
}

BOOST_AUTO_TEST_CASE(unknown_ca)
{
    expect_unavailable(connector->test(form(sage.info().unknown_ca_url)), error_category::tls,
                       "is not signed by a trusted authority");
}

BOOST_AUTO_TEST_CASE(wrong_host)
{
    expect_unavailable(connector->test(form(sage.info().wrong_host_url)), error_category::tls,
                       "is for another host name");
}

BOOST_AUTO_TEST_CASE(expired)
{
    expect_unavailable(connector->test(form(sage.info().expired_url)), error_category::tls, "has expired");
}

BOOST_AUTO_TEST_CASE(mutual_tls_without_a_client_identity)
{
    expect_unavailable(connector->test(form(sage.info().mtls_url)), error_category::tls, "client certificate");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(network_and_remote, fixture)

BOOST_AUTO_TEST_CASE(nothing_listening)
{
    expect_unavailable(connector->test(form("https://127.0.0.1:9")), error_category::network, "cannot reach");
}

BOOST_AUTO_TEST_CASE(a_delay_longer_than_the_timeout_is_bounded)
{
    BOOST_TEST_REQUIRE(connector->test(form()).available); // tokens in place: the API call is what times out
    auto slow = fault("user", fault_kind::delay, 1);
    slow.delay = 20000ms;
    sage.service().arm_fault(slow);
    form_values f = form();
    f.set("Timeout", std::string("1"));
    auto quick = sage::sage_connector::make(services, test_support::test_marketplace_keys());
    const auto started = std::chrono::steady_clock::now();
    expect_unavailable(quick->test(f), error_category::network, "did not answer within the Timeout");
    // Cut by the 1 s Timeout (timeouts are not retried), not by the sandbox's 20 s delay; the margin is
    // for a loaded machine, this is no speed measurement.
    const bool cut_short = std::chrono::steady_clock::now() - started < 15s;
    BOOST_TEST(cut_short);
}

BOOST_AUTO_TEST_CASE(rate_limited_with_retry_after_then_served)
{
    auto limited = fault("user", fault_kind::rate_limited, 1);
    limited.retry_after_seconds = 1;
    sage.service().arm_fault(limited);
    const auto r = connector->test(form());
    BOOST_TEST(r.available, r.message);
    BOOST_TEST(sage.counters().requests_to("user") == 2u);
}

BOOST_AUTO_TEST_CASE(rate_limited_beyond_the_retries)
{
    sage.service().arm_fault(fault("user", fault_kind::rate_limited));
    expect_unavailable(connector->test(form()), error_category::remote, "rate limiting");
    BOOST_TEST(sage.counters().requests_to("user") == 3u);
}

BOOST_AUTO_TEST_CASE(server_errors_are_retried_then_reported)
{
    sage.service().arm_fault(fault("businesses", fault_kind::server_error, 1));
    BOOST_TEST(connector->test(form()).available);
    sage.service().arm_fault(fault("businesses", fault_kind::server_error));
    expect_unavailable(connector->test(form()), error_category::remote, "HTTP 500");
}

BOOST_AUTO_TEST_CASE(a_connection_closed_mid_response_is_retried)
{
    sage.service().arm_fault(fault("user", fault_kind::close_mid_response, 1));
    const auto r = connector->test(form());
    BOOST_TEST(r.available, r.message);
}

BOOST_AUTO_TEST_CASE(a_token_request_is_never_retried)
{
    sage.service().arm_fault(fault("token", fault_kind::server_error, 1));
    expect_unavailable(connector->test(form()), error_category::remote, "token endpoint failed (HTTP 500)");
    BOOST_TEST(sage.counters().requests_to("token") == 1u);
}

BOOST_AUTO_TEST_CASE(malformed_json)
{
    sage.service().arm_fault(fault("user", fault_kind::malformed_json));
    expect_unavailable(connector->test(form()), error_category::remote, "not what Sage sends");
}

BOOST_AUTO_TEST_CASE(an_oversize_body)
{
    auto huge = fault("businesses", fault_kind::oversize_body, 1);
    huge.oversize_bytes = 20ull * 1024 * 1024;
    sage.service().arm_fault(huge);
    expect_unavailable(connector->test(form()), error_category::remote, "larger than the connector accepts");
}

BOOST_AUTO_TEST_SUITE_END()

// OAuthSettingsLocation holding something that is not this connection's token set: a `config` error
// naming the file, and the file left exactly as it was (it may be another program's, or the only copy
// of a refresh token a person could still rescue).
BOOST_FIXTURE_TEST_SUITE(settings_location_problems, fixture)

BOOST_AUTO_TEST_CASE(a_corrupt_file_is_reported_and_left_untouched)
{
    const auto file = state / "oauth" / "books.json";
    test_support::write_file(file, "{\"format\": \"sage-cloud-accounting/token-set/1\", \"access_token\": ");
    const auto r = connector->test(form());
    expect_unavailable(r, error_category::config, file.string());
    BOOST_TEST(r.message.find("left untouched") != std::string::npos, r.message);
    BOOST_TEST(test_support::read_file(file) ==
               "{\"format\": \"sage-cloud-accounting/token-set/1\", \"access_token\": ");
    BOOST_TEST(sage.counters()[counter::refreshes] == 0u);
}

BOOST_AUTO_TEST_CASE(another_json_file_is_never_taken_for_a_token_set)
{
    const auto file = state / "oauth" / "books.json";
    const std::string settings = R"({"theme": "dark", "refresh_token": "looks-like-one"})";
    test_support::write_file(file, settings);
    expect_unavailable(connector->test(form()), error_category::config, file.string());
    BOOST_TEST(test_support::read_file(file) == settings);
    BOOST_TEST(sage.counters()[counter::refreshes] == 0u);
}

BOOST_AUTO_TEST_CASE(the_tokens_of_another_client_are_reported_and_kept)
{
    const auto file = state / "oauth" / "books.json";
    sage::token_set other;
    other.client_id = "another-client/id";
    other.access_token = "access-of-another-client";
    other.refresh_token = "refresh-of-another-client";
    other.expires_at = std::chrono::floor<std::chrono::seconds>(services.now()) + 300s;
    other.obtained_at = std::chrono::floor<std::chrono::seconds>(services.now());
    const std::string text = sage::to_json(other);
    test_support::write_file(file, text);
    const auto r = connector->test(form());
    expect_unavailable(r, error_category::config, "another OAuth client");
    BOOST_TEST(r.message.find(file.string()) != std::string::npos, r.message);
    BOOST_TEST(r.message.find("refresh-of-another-client") == std::string::npos, r.message);
    BOOST_TEST(test_support::read_file(file) == text);
}

BOOST_AUTO_TEST_CASE(a_location_whose_folder_cannot_be_made)
{
    test_support::write_file(state / "a-file", "not a folder");
    form_values f = form();
    f.set("OAuthSettingsLocation", (state / "a-file" / "books.json").string());
    const auto r = connector->test(f);
    expect_unavailable(r, error_category::config, (state / "a-file").string());
    BOOST_TEST(r.message.find("OAuthSettingsLocation") != std::string::npos, r.message);
    // Found before the refresh: the supplied refresh token was not spent on a set that could not be kept.
    BOOST_TEST(sage.counters()[counter::refreshes] == 0u);
    BOOST_TEST_MESSAGE(r.message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_CASE(no_secret_in_anything_said, fixture)
{
    std::vector<connector_sdk::test_result> results;
    results.push_back(connector->test(form()));
    form_values bad = form();
    bad.set("ClientSecret", std::string("not-the-secret"));
    results.push_back(connector->test(bad));
    form_values proxied = form();
    proxied.set("ProxyServer", std::string("127.0.0.1"));
    proxied.set("ProxyPort", std::string("9"));
    proxied.set("ProxyPassword", std::string("proxy-secret-value"));
    proxied.set("ProxyUser", std::string("proxy-user"));
    results.push_back(connector->test(proxied));
    std::string said = services.everything_said();
    for (const auto& r : results)
        said += r.message + "\n" + r.detail + "\n";
    for (const std::string& secret :
         std::vector<std::string>{sage.client().client_secret, minted.refresh_token, minted.access_token,
                                  std::string("not-the-secret"), std::string("proxy-secret-value")})
        BOOST_TEST(said.find(secret) == std::string::npos, "a secret appears in: " << said.size() << " bytes said");
    // And the rotated tokens in the store never appear either.
    const std::string rotated = stored_refresh_token(state / "oauth" / "books.json");
    BOOST_TEST(said.find(rotated) == std::string::npos);
}
