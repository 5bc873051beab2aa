#define BOOST_TEST_MODULE sage_connector
#include <boost/test/unit_test.hpp>

#include "connector/sage_connector.hpp"
#include "form/property_catalog.hpp"

#include <fake_host_services.hpp>
#include <sdk_printing.hpp>
#include <temp_dir.hpp>
#include <test_marketplace.hpp>
#include <test_pki.hpp>

#include <connector_sdk/license.hpp>
#include <connector_sdk/oauth_management.hpp>

#include <algorithm>
#include <string>

using connector_sdk::error_category;
using connector_sdk::file_value;
using connector_sdk::form_value;
using connector_sdk::form_values;

namespace {

// A licence for the fake host's tenant, signed by the test marketplace.
std::string trial_license(std::chrono::system_clock::time_point now, const std::string& tenant = "tenant-test")
{
    return test_support::test_license(now, tenant);
}

struct fixture {
    test_support::temp_dir state{"sage-connector-state"};
    test_support::fake_host_services services{state.path()};
    std::unique_ptr<connector_sdk::connector> connector =
        sage::sage_connector::make(services, test_support::test_marketplace_keys());

    fixture() { services.set_license_token(trial_license(services.now())); }
};

form_values good_form()
{
    form_values form;
    form.set("ConnectionName", std::string("  Books of Acme  "));
    form.set("ClientId", std::string("client-id"));
    form.set("OAuthClientSecret", std::string("client-secret"));
    form.set("RefreshToken", std::string(""));
    form.set("AdditionalConfiguration", std::string("timeout=90; scope=READONLY; EnableSSL=yes"));
    return form;
}

const connector_sdk::record_field* field(const connector_sdk::connection_record& record, std::string_view key)
{
    for (const auto& f : record.fields)
        if (f.key == key)
            return &f;
    return nullptr;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(connector, fixture)

BOOST_AUTO_TEST_CASE(identifies_itself)
{
    const auto info = connector->info();
    BOOST_TEST(info.id == "sage-cloud-accounting");
    BOOST_TEST(info.name == "Sage Cloud Accounting");
    BOOST_TEST(!info.version.empty());
    BOOST_TEST(connector->query_extension("oauth_management.v1") != nullptr);
    BOOST_TEST(connector->query_extension("no_such_extension.v1") == nullptr);
    BOOST_TEST(connector_sdk::find_extension<connector_sdk::oauth_management>(*connector) ==
               connector->query_extension("oauth_management.v1"));
}

BOOST_AUTO_TEST_CASE(describe_properties_returns_the_catalogue)
{
    const auto properties = connector->describe_properties();
    BOOST_REQUIRE(properties.size() == sage::property_catalog().size());
    for (std::size_t i = 0; i < properties.size(); ++i) {
        BOOST_TEST(properties[i].key == sage::property_catalog()[i].key);
        BOOST_TEST(properties[i].secret == sage::property_catalog()[i].secret);
    }
}

BOOST_AUTO_TEST_CASE(validate_reports_field_errors)
{
    BOOST_TEST(connector->validate(good_form()).ok());
    form_values bad = good_form();
    bad.erase("ClientId");
    bad.set("Timeout", std::string("0"));
    const auto result = connector->validate(bad);
    BOOST_REQUIRE(result.errors.size() == 2u);
    BOOST_TEST(result.errors[0].key == "ClientId");
    BOOST_TEST(result.errors[1].key == "Timeout");
}

BOOST_AUTO_TEST_CASE(the_host_s_oauth_app_stands_in_for_client_credentials)
{
    form_values form;
    form.set("ConnectionName", std::string("Books"));
    BOOST_TEST(!connector->validate(form).ok());
    services.set_default_oauth_app(connector_sdk::oauth_app_credentials{"host-id", "host-secret"});
    BOOST_TEST(connector->validate(form).ok());
    services.set_default_oauth_app(connector_sdk::oauth_app_credentials{"", ""}); // registered but empty: no app
    BOOST_TEST(!connector->validate(form).ok());
}

BOOST_AUTO_TEST_CASE(test_of_an_invalid_form_is_a_config_failure_naming_the_fields)
{
    form_values bad = good_form();
    bad.erase("ClientId");
    bad.set("Timeout", std::string("0"));
    const auto result = connector->test(bad);
    BOOST_TEST(!result.available);
    BOOST_TEST(result.category == error_category::config);
    BOOST_TEST(result.message.starts_with("2 fields need attention: Client ID is required"), result.message);
    BOOST_TEST(result.message.find("(and 1 more problem)") != std::string::npos, result.message);
    BOOST_TEST(result.field_errors.size() == 2u);
    BOOST_TEST(result.headline().starts_with("Connection unavailable: 2 fields need attention"));

    form_values one = good_form();
    one.set("ConnectionName", std::string(""));
    const auto single = connector->test(one);
    BOOST_TEST(single.message.starts_with("1 field needs attention: Connection Name is required"), single.message);
}

BOOST_AUTO_TEST_CASE(test_without_stored_tokens_asks_to_sign_in_first)
{
    const auto result = connector->test(good_form());
    BOOST_TEST(!result.available);
    BOOST_TEST(result.category == error_category::auth);
    BOOST_TEST(result.message.find("no OAuth tokens are stored") != std::string::npos, result.message);
    BOOST_TEST(result.message.find(state.path().string()) != std::string::npos, result.message);
    BOOST_TEST(result.field_errors.empty());
}

BOOST_AUTO_TEST_CASE(test_towards_a_closed_port_is_a_network_failure)
{
    form_values form = good_form();
    form.set("InitiateOAuth", std::string("OFF"));
    form.set("AccessToken", std::string("token"));
    form.set("AdditionalConfiguration", std::string(""));
    form.set("EnableSSL", false);
    form.set("ApiBaseURL", std::string("http://127.0.0.1:9/v3.1")); // discard port: nothing listens
    form.set("AuthorizeURL", std::string("http://127.0.0.1:9/oauth2/auth/central"));
    form.set("TokenURL", std::string("http://127.0.0.1:9/token"));
    const auto result = connector->test(form);
    BOOST_TEST(!result.available);
    BOOST_TEST(result.category == error_category::network, result.message);
    BOOST_TEST(result.message.find("cannot reach the Sage API") != std::string::npos, result.message);
}

BOOST_AUTO_TEST_CASE(without_a_licence_test_and_create_are_refused_with_the_marketplace_sentence)
{
    services.set_license_token(std::nullopt);
    const std::string sentence = "Please request your administrator to start a trial or subscribe to the Premium Sage "
                                 "Cloud Accounting connector.";
    const auto tested = connector->test(good_form());
    BOOST_TEST(!tested.available);
    BOOST_TEST(tested.category == error_category::license);
    BOOST_TEST(tested.message == sentence);
    const auto created = connector->create(good_form(), {.run_test = false});
    BOOST_TEST(!created.created);
    BOOST_TEST(created.category == error_category::license);
    BOOST_TEST(created.message == sentence);
    BOOST_TEST(connector->check_license().state == connector_sdk::license_state::none);
    // The form stays available without a licence.
    BOOST_TEST(!connector->describe_properties().empty());
    BOOST_TEST(connector->validate(good_form()).ok());
}

BOOST_AUTO_TEST_CASE(a_licence_for_another_tenant_is_refused)
{
    services.set_license_token(trial_license(services.now(), "someone-else"));
    const auto status = connector->check_license();
    BOOST_TEST(status.state == connector_sdk::license_state::invalid);
    BOOST_TEST(status.reason.find("another tenant") != std::string::npos, status.reason);
    BOOST_TEST(connector->test(good_form()).category == error_category::license);
}

BOOST_AUTO_TEST_CASE(a_trial_is_reported_and_ends_with_the_host_clock)
{
    auto status = connector->check_license();
    BOOST_TEST(status.state == connector_sdk::license_state::trial_active);
    BOOST_TEST(status.days_left.value() == 30);
    services.advance(std::chrono::days(31));
    status = connector->check_license();
    BOOST_TEST(status.state == connector_sdk::license_state::grace);
    services.advance(std::chrono::days(7));
    BOOST_TEST(connector->check_license().state == connector_sdk::license_state::expired);
    BOOST_TEST(connector->test(good_form()).category == error_category::license);
}

BOOST_AUTO_TEST_CASE(setting_the_clock_back_is_noticed)
{
    services.advance(std::chrono::days(10));
    BOOST_TEST(connector->check_license().state == connector_sdk::license_state::trial_active);
    services.advance(-std::chrono::days(5));
    const auto status = connector->check_license();
    BOOST_TEST(status.state == connector_sdk::license_state::invalid);
    BOOST_TEST(status.reason.find("clock was set back") != std::string::npos, status.reason);
}

BOOST_AUTO_TEST_CASE(test_passes_keystore_notes_on_as_detail)
{
    const auto ca = test_pki::make_ca("Connector Test CA");
    test_pki::certificate_options options;
    options.common_name = "old client";
    options.not_before = std::chrono::hours(-48);
    options.not_after = std::chrono::hours(-24);
    options.server = false;
    const auto expired = test_pki::make_certificate(ca, options);
    const std::string pem = expired.cert_pem + expired.key_pem;
    form_values form = good_form();
    form.set("KeystoreFile", file_value{"client.pem", std::vector<std::uint8_t>(pem.begin(), pem.end())});
    const auto result = connector->test(form);
    BOOST_TEST(result.field_errors.empty());
    BOOST_TEST(result.detail.find("expired on") != std::string::npos, result.detail);
}

BOOST_AUTO_TEST_CASE(create_without_a_test_returns_the_normalised_record)
{
    const auto result = connector->create(good_form(), {.run_test = false});
    BOOST_TEST(result.created);
    BOOST_TEST(result.category == error_category::none);
    BOOST_TEST(!result.test.has_value());
    BOOST_TEST(result.record.name == "Books of Acme");
    BOOST_TEST(result.record.connector_id == "sage-cloud-accounting");
    std::vector<std::string> keys;
    for (const auto& f : result.record.fields)
        keys.push_back(f.key);
    // Canonical keys in form order; the empty Refresh Token omitted; Add Configuration folded in.
    const std::vector<std::string> expected = {"ConnectionName", "ClientId", "ClientSecret",
                                               "EnableSSL",      "Scope",    "Timeout"};
    BOOST_TEST(keys == expected, boost::test_tools::per_element());
    BOOST_REQUIRE(field(result.record, "ClientSecret") != nullptr);
    BOOST_TEST(field(result.record, "ClientSecret")->secret);
    BOOST_TEST(std::get<std::string>(field(result.record, "ClientSecret")->value) == "client-secret");
    BOOST_TEST(!field(result.record, "ClientId")->secret);
    BOOST_TEST(std::get<std::int64_t>(field(result.record, "Timeout")->value) == 90);
    BOOST_TEST(std::get<std::string>(field(result.record, "Scope")->value) == "readonly");
    BOOST_TEST(std::get<bool>(field(result.record, "EnableSSL")->value) == true);
    BOOST_TEST(std::get<std::string>(field(result.record, "ConnectionName")->value) == "Books of Acme");
}

BOOST_AUTO_TEST_CASE(create_with_a_test_returns_the_test_outcome_and_creates_nothing)
{
    const auto result = connector->create(good_form(), {.run_test = true});
    BOOST_TEST(!result.created);
    BOOST_REQUIRE(result.test.has_value());
    BOOST_TEST(!result.test->available);
    BOOST_TEST(result.category == result.test->category);
    BOOST_TEST(result.message.starts_with("not created: no OAuth tokens are stored"), result.message);
    BOOST_TEST(result.record.fields.empty());
}

BOOST_AUTO_TEST_CASE(create_of_an_invalid_form_is_a_config_failure)
{
    form_values bad = good_form();
    bad.set("ApiBaseURL", std::string("https://attacker.example/v3.1"));
    const auto result = connector->create(bad, {.run_test = false});
    BOOST_TEST(!result.created);
    BOOST_TEST(result.category == error_category::config);
    BOOST_REQUIRE(result.field_errors.size() == 1u);
    BOOST_TEST(result.field_errors[0].key == "ApiBaseURL");
    BOOST_TEST(result.message.starts_with("1 field needs attention: ApiBaseURL points at 'attacker.example'"),
               result.message);
}

BOOST_AUTO_TEST_CASE(nothing_a_connector_says_contains_a_secret)
{
    form_values form = good_form();
    form.set("OAuthClientSecret", std::string("MARK-client"));
    form.set("AccessToken", std::string("MARK-access"));
    form.set("AdditionalConfiguration",
             std::string("RefreshToken=MARK-refresh;OAuthVerifier=MARK-verifier;ProxyPassword=MARK-proxy;"
                         "ClientSecret=MARK-other;Timeout=0;Bogus=MARK-unknown"));
    const auto tested = connector->test(form);
    const auto created = connector->create(form, {.run_test = false});
    std::string said = tested.message + tested.detail + created.message + services.everything_said();
    for (const auto& e : tested.field_errors)
        said += e.message;
    for (const auto& e : created.field_errors)
        said += e.message;
    BOOST_TEST(!tested.field_errors.empty());
    BOOST_TEST(said.find("MARK-") == std::string::npos, said);
}

BOOST_AUTO_TEST_SUITE_END()
