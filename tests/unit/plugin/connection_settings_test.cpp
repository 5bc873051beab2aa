#define BOOST_TEST_MODULE connection_settings
#include <boost/test/unit_test.hpp>

#include "form/additional_configuration.hpp"
#include "form/connection_settings.hpp"
#include "form/property_keys.hpp"

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <string>
#include <utility>

// Boost.Test prints the enums by their canonical spelling.
namespace sage {
std::ostream& boost_test_print_type(std::ostream& out, initiate_oauth_mode v)
{
    return out << to_string(v);
}
std::ostream& boost_test_print_type(std::ostream& out, oauth_scope v)
{
    return out << to_string(v);
}
} // namespace sage

namespace keys = sage::keys;
using connector_sdk::file_value;
using connector_sdk::form_value;
using connector_sdk::form_values;
using connector_sdk::key_value_pairs;

namespace {

form_values make_form(std::initializer_list<std::pair<std::string, form_value>> values)
{
    form_values form;
    for (const auto& [key, value] : values)
        form.set(key, value);
    return form;
}

std::string messages_of(const sage::settings_resolution& r)
{
    std::string all;
    for (const auto& e : r.errors)
        all += "[" + e.key + "] " + e.message + "\n";
    return all;
}

// Whether `r` has an error on `key` whose message contains `fragment`.
bool has_error(const sage::settings_resolution& r, std::string_view key, std::string_view fragment)
{
    return std::any_of(r.errors.begin(), r.errors.end(),
                       [&](const auto& e) { return e.key == key && e.message.find(fragment) != std::string::npos; });
}

const form_value* normalised(const sage::settings_resolution& r, std::string_view key)
{
    for (const auto& f : r.normalised)
        if (f.key == key)
            return &f.value;
    return nullptr;
}

file_value file(std::string name, std::string_view bytes)
{
    return {std::move(name), std::vector<std::uint8_t>(bytes.begin(), bytes.end())};
}

} // namespace

BOOST_AUTO_TEST_SUITE(defaults)

BOOST_AUTO_TEST_CASE(an_empty_form_resolves_to_the_catalogue_defaults)
{
    const auto r = sage::resolve_settings({});
    BOOST_TEST(r.ok(), messages_of(r));
    const auto& s = r.settings;
    BOOST_TEST(s.connection_name.empty());
    BOOST_TEST(s.enable_ssl);
    BOOST_TEST(s.timeout.count() == 60);
    BOOST_TEST(s.initiate_oauth == sage::initiate_oauth_mode::get_and_refresh);
    BOOST_TEST(s.scope == sage::oauth_scope::full_access);
    BOOST_TEST(!s.country.has_value());
    BOOST_TEST(!s.client_id.has_value());
    BOOST_TEST(!s.client_secret.has_value());
    BOOST_TEST(!s.access_token.has_value());
    BOOST_TEST(!s.refresh_token.has_value());
    BOOST_TEST(!s.keystore_file.has_value());
    BOOST_TEST(!s.proxy.has_value());
    BOOST_TEST(!s.oauth_expires_in.has_value());
    BOOST_TEST(!s.oauth_token_timestamp.has_value());
    BOOST_TEST((s.oauth_settings.where == sage::oauth_settings_location::kind::host_default));
    BOOST_TEST(s.callback_url.url == "http://localhost:3333");
    BOOST_TEST(s.callback_url.port == 3333);
    BOOST_TEST(s.authorize_url.host == "www.sageone.com");
    BOOST_TEST(s.authorize_url.target == "/oauth2/auth/central?filter=apiv3.1");
    BOOST_TEST(s.token_url.url == "https://oauth.accounting.sage.com/token");
    BOOST_TEST(s.api_base_url.url == "https://api.accounting.sage.com/v3.1");
    BOOST_TEST(r.given.empty());
    BOOST_TEST(r.normalised.empty());
}

BOOST_AUTO_TEST_CASE(a_default_constructed_value_holds_the_same_defaults)
{
    const sage::connection_settings s;
    BOOST_TEST(s.enable_ssl);
    BOOST_TEST(s.timeout.count() == 60);
    BOOST_TEST(s.token_url.host == "oauth.accounting.sage.com");
    BOOST_TEST(s.api_base_url.target == "/v3.1");
}

BOOST_AUTO_TEST_CASE(empty_values_count_as_absent)
{
    const auto r = sage::resolve_settings(make_form({{"ClientId", std::string("  ")},
                                                     {"Timeout", std::string("")},
                                                     {"AdditionalConfiguration", key_value_pairs{}},
                                                     {"KeystoreFile", file_value{}}}));
    BOOST_TEST(r.ok(), messages_of(r));
    BOOST_TEST(r.given.empty());
    BOOST_TEST(!r.settings.client_id.has_value());
    BOOST_TEST(r.settings.timeout.count() == 60);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(typed_values)

BOOST_AUTO_TEST_CASE(every_key_given_at_the_top_level)
{
    const auto r = sage::resolve_settings(make_form({
        {"ConnectionName", std::string("  My Sage  ")},
        {"ClientId", std::string("a1b2c3/d4e5f6")},
        {"ClientSecret", std::string("s3cr3t")},
        {"AccessToken", std::string("at")},
        {"RefreshToken", std::string("rt")},
        {"EnableSSL", false},
        {"KeystoreFile", file("ca.pem", "-----BEGIN CERTIFICATE-----")},
        {"KeystorePassword", std::string(" pass word ")},
        {"InitiateOAuth", std::string("refresh")},
        {"OAuthSettingsLocation", std::string("memory://sage-main")},
        {"CallbackURL", std::string("http://127.0.0.1:4000/cb")},
        {"Scope", std::string("READONLY")},
        {"Country", std::string("IE")},
        {"Locale", std::string("fr-ca")},
        {"BusinessId", std::string("0123456789ABCDEF0123456789abcdef")},
        {"Timeout", std::int64_t{120}},
        {"OAuthExpiresIn", std::string("300")},
        {"OAuthTokenTimestamp", std::int64_t{1700000000123}},
        {"OAuthVerifier", std::string("GB/code")},
        {"ProxyServer", std::string("proxy.example.com")},
        {"ProxyPort", std::string("8080")},
        {"ProxyUser", std::string("pu")},
        {"ProxyPassword", std::string("pp")},
        {"AuthorizeURL", std::string("http://localhost:8443/auth")},
        {"TokenURL", std::string("http://localhost:8443/token")},
        {"ApiBaseURL", std::string("http://localhost:8443/v3.1")},
    }));
    BOOST_TEST(r.ok(), messages_of(r));
    const auto& s = r.settings;
    BOOST_TEST(s.connection_name == "My Sage");
    BOOST_TEST(s.client_id.value_or("") == "a1b2c3/d4e5f6");
    BOOST_TEST(s.client_secret.value_or("") == "s3cr3t");
    BOOST_TEST(s.access_token.value_or("") == "at");
    BOOST_TEST(s.refresh_token.value_or("") == "rt");
    BOOST_TEST(!s.enable_ssl);
    BOOST_REQUIRE(s.keystore_file.has_value());
    BOOST_TEST(s.keystore_file->file_name == "ca.pem");
    BOOST_TEST(s.keystore_password.value_or("") == " pass word "); // passwords keep their spaces
    BOOST_TEST(s.initiate_oauth == sage::initiate_oauth_mode::refresh);
    BOOST_TEST((s.oauth_settings.where == sage::oauth_settings_location::kind::memory));
    BOOST_TEST(s.oauth_settings.memory_id == "sage-main");
    BOOST_TEST(s.callback_url.port == 4000);
    BOOST_TEST(s.callback_url.target == "/cb");
    BOOST_TEST(s.scope == sage::oauth_scope::readonly);
    BOOST_TEST((s.country == sage::sage_country::ie));
    BOOST_TEST(s.locale.value_or("") == "fr-CA");
    BOOST_TEST(s.business_id.value_or("") == "0123456789abcdef0123456789abcdef");
    BOOST_TEST(s.timeout.count() == 120);
    BOOST_TEST(s.oauth_expires_in.value_or(std::chrono::seconds(0)).count() == 300);
    BOOST_REQUIRE(s.oauth_token_timestamp.has_value());
    BOOST_TEST(s.oauth_token_timestamp->time_since_epoch().count() == 1700000000123);
    BOOST_TEST(s.oauth_verifier.value_or("") == "GB/code");
    BOOST_REQUIRE(s.proxy.has_value());
    BOOST_TEST(s.proxy->server == "proxy.example.com");
    BOOST_TEST(s.proxy->port == 8080);
    BOOST_TEST(s.proxy->user.value_or("") == "pu");
    BOOST_TEST(s.proxy->password.value_or("") == "pp");
    BOOST_TEST(s.authorize_url.loopback);
    BOOST_TEST(s.token_url.target == "/token");
    BOOST_TEST(s.api_base_url.port == 8443);
    BOOST_TEST(r.given.size() == 26u);
}

BOOST_AUTO_TEST_CASE(booleans_accept_bool_and_text_spellings)
{
    for (const auto& [value, expected] :
         std::initializer_list<std::pair<form_value, bool>>{{true, true},
                                                            {false, false},
                                                            {std::string("TRUE"), true},
                                                            {std::string(" false "), false},
                                                            {std::string("Yes"), true},
                                                            {std::string("no"), false},
                                                            {std::string("1"), true},
                                                            {std::string("0"), false},
                                                            {std::int64_t{1}, true},
                                                            {std::int64_t{0}, false}}) {
        const auto r = sage::resolve_settings(make_form({{"EnableSSL", value}}));
        BOOST_TEST(r.ok(), messages_of(r));
        BOOST_TEST(r.settings.enable_ssl == expected);
    }
    for (const form_value& bad : {form_value(std::string("maybe")), form_value(std::int64_t{2}),
                                  form_value(std::string("on")), form_value(file("x", "y"))}) {
        const auto r = sage::resolve_settings(make_form({{"EnableSSL", bad}}));
        BOOST_TEST(has_error(r, "EnableSSL", "Enable SSL must be true or false"), messages_of(r));
        BOOST_TEST(r.has_failed("EnableSSL"));
        BOOST_TEST(r.settings.enable_ssl); // the default stays
    }
}

BOOST_AUTO_TEST_CASE(integers_accept_int64_and_decimal_text)
{
    for (const auto& [value, expected] : std::initializer_list<std::pair<form_value, std::int64_t>>{
             {std::int64_t{1}, 1}, {std::string("3600"), 3600}, {std::string(" 45 "), 45}, {std::string("+30"), 30}}) {
        const auto r = sage::resolve_settings(make_form({{"Timeout", value}}));
        BOOST_TEST(r.ok(), messages_of(r));
        BOOST_TEST(r.settings.timeout.count() == expected);
    }
    for (const auto& [value, fragment] : std::initializer_list<std::pair<form_value, std::string>>{
             {std::string("abc"), "got 'abc'"},
             {std::string("1.5"), "whole number"},
             {std::string("12s"), "whole number"},
             {std::string("99999999999999999999"), "whole number"},
             {std::string("+-3"), "whole number"},
             {true, "not a true/false value"},
             {std::int64_t{0}, "between 1 and 3600"},
             {std::string("3601"), "got '3601'"}}) {
        const auto r = sage::resolve_settings(make_form({{"Timeout", value}}));
        BOOST_TEST(has_error(r, "Timeout", fragment), messages_of(r));
    }
}

BOOST_AUTO_TEST_CASE(enumerations_ignore_case_and_normalise)
{
    const auto r = sage::resolve_settings(make_form({{"InitiateOAuth", std::string("getandrefresh")},
                                                     {"Scope", std::string("Full_Access")},
                                                     {"Country", std::string("GB")}}));
    BOOST_TEST(r.ok(), messages_of(r));
    BOOST_TEST(std::get<std::string>(*normalised(r, "InitiateOAuth")) == "GETANDREFRESH");
    BOOST_TEST(std::get<std::string>(*normalised(r, "Scope")) == "full_access");
    BOOST_TEST(std::get<std::string>(*normalised(r, "Country")) == "gb");
    BOOST_TEST((r.settings.country == sage::sage_country::gb));

    const auto bad = sage::resolve_settings(make_form({{"InitiateOAuth", std::string("ALWAYS")}}));
    BOOST_TEST(has_error(bad, "InitiateOAuth", "must be one of OFF, GETANDREFRESH, REFRESH; got 'ALWAYS'"),
               messages_of(bad));
    const auto number = sage::resolve_settings(make_form({{"Scope", std::int64_t{1}}}));
    BOOST_TEST(has_error(number, "Scope", "not a number"), messages_of(number));
}

BOOST_AUTO_TEST_CASE(text_properties_take_numbers_as_text_but_refuse_other_kinds)
{
    const auto r = sage::resolve_settings(make_form({{"ClientId", std::int64_t{12345}}}));
    BOOST_TEST(r.ok(), messages_of(r));
    BOOST_TEST(r.settings.client_id.value_or("") == "12345");
    const auto b = sage::resolve_settings(make_form({{"ClientId", true}, {"Locale", file("x", "y")}}));
    BOOST_TEST(has_error(b, "ClientId", "Client ID must be text, not a true/false value"), messages_of(b));
    BOOST_TEST(has_error(b, "Locale", "must be text, not an uploaded file"), messages_of(b));
}

BOOST_AUTO_TEST_CASE(files_must_be_uploaded_files)
{
    const auto text = sage::resolve_settings(make_form({{"KeystoreFile", std::string("/etc/ssl/ca.pem")}}));
    BOOST_TEST(has_error(text, "KeystoreFile", "Upload Keystore File must be an uploaded file"), messages_of(text));
    const auto empty = sage::resolve_settings(make_form({{"KeystoreFile", file("ca.pem", "")}}));
    BOOST_TEST(has_error(empty, "KeystoreFile", "is an empty file ('ca.pem')"), messages_of(empty));
    const auto in_config = sage::resolve_settings(
        make_form({{"AdditionalConfiguration", key_value_pairs{{"KeystoreFile", "/tmp/ca.pem"}}}}));
    BOOST_TEST(has_error(in_config, "KeystoreFile", "cannot be given in Add Configuration"), messages_of(in_config));
}

BOOST_AUTO_TEST_CASE(the_connection_name_is_trimmed)
{
    const auto r = sage::resolve_settings(make_form({{"ConnectionName", std::string("\t Sales ledger \n")}}));
    BOOST_TEST(r.settings.connection_name == "Sales ledger");
    BOOST_TEST(std::get<std::string>(*normalised(r, "ConnectionName")) == "Sales ledger");
}

BOOST_AUTO_TEST_CASE(urls_and_locations_that_cannot_be_read_are_errors)
{
    const auto r = sage::resolve_settings(
        make_form({{"TokenURL", std::string("not-a-url")}, {"OAuthSettingsLocation", std::string("tokens.json")}}));
    BOOST_TEST(has_error(r, "TokenURL", "TokenURL is not a valid absolute URL"), messages_of(r));
    BOOST_TEST(has_error(r, "OAuthSettingsLocation", "absolute"), messages_of(r));
    BOOST_TEST(r.settings.token_url.host == "oauth.accounting.sage.com"); // the default stays
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(add_configuration)

BOOST_AUTO_TEST_CASE(pairs_are_matched_without_regard_to_case)
{
    const auto r =
        sage::resolve_settings(make_form({{"AdditionalConfiguration", key_value_pairs{{"timeout", "120"},
                                                                                      {"INITIATEOAUTH", "refresh"},
                                                                                      {" scope ", " readonly "},
                                                                                      {"proxyserver", "proxy.local"},
                                                                                      {"ProxyPort", "3128"}}}}));
    BOOST_TEST(r.ok(), messages_of(r));
    BOOST_TEST(r.settings.timeout.count() == 120);
    BOOST_TEST(r.settings.initiate_oauth == sage::initiate_oauth_mode::refresh);
    BOOST_TEST(r.settings.scope == sage::oauth_scope::readonly);
    BOOST_REQUIRE(r.settings.proxy.has_value());
    BOOST_TEST(r.settings.proxy->port == 3128);
    BOOST_TEST(r.is_given("Timeout"));
    BOOST_TEST(!r.is_given("AdditionalConfiguration"));
}

BOOST_AUTO_TEST_CASE(text_form_with_separators_quotes_and_new_lines)
{
    const auto r = sage::resolve_settings(make_form(
        {{"AdditionalConfiguration",
          std::string(
              "Timeout=30; Scope = readonly ;;\nProxyServer=p.local\r\nProxyPassword=\"a;b=c\";Locale='en-GB';")}}));
    BOOST_TEST(r.ok(), messages_of(r));
    BOOST_TEST(r.settings.timeout.count() == 30);
    BOOST_TEST(r.settings.scope == sage::oauth_scope::readonly);
    BOOST_REQUIRE(r.settings.proxy.has_value());
    BOOST_TEST(r.settings.proxy->password.value_or("") == "a;b=c");
    BOOST_TEST(r.settings.locale.value_or("") == "en-GB");
}

BOOST_AUTO_TEST_CASE(a_url_value_may_contain_equals_signs)
{
    const auto r = sage::resolve_settings(
        make_form({{"AdditionalConfiguration",
                    std::string("AuthorizeURL=https://www.sageone.com/oauth2/auth/central?filter=apiv3.1&a=b")}}));
    BOOST_TEST(r.ok(), messages_of(r));
    BOOST_TEST(r.settings.authorize_url.target == "/oauth2/auth/central?filter=apiv3.1&a=b");
}

BOOST_AUTO_TEST_CASE(cdata_aliases_are_accepted_anywhere)
{
    const auto r = sage::resolve_settings(make_form(
        {{"OAuthClientId", std::string("id-1")},
         {"AdditionalConfiguration",
          key_value_pairs{{"oauthclientsecret", "sec"}, {"OAuthAccessToken", "at"}, {"OAuthRefreshToken", "rt"}}}}));
    BOOST_TEST(r.ok(), messages_of(r));
    BOOST_TEST(r.settings.client_id.value_or("") == "id-1");
    BOOST_TEST(r.settings.client_secret.value_or("") == "sec");
    BOOST_TEST(r.settings.access_token.value_or("") == "at");
    BOOST_TEST(r.settings.refresh_token.value_or("") == "rt");
    BOOST_TEST(normalised(r, "ClientSecret") != nullptr);
    BOOST_TEST(normalised(r, "OAuthClientSecret") == nullptr);
}

BOOST_AUTO_TEST_CASE(the_same_value_twice_is_fine_different_values_are_an_error_naming_both_places)
{
    const auto same = sage::resolve_settings(make_form(
        {{"ClientId", std::string("abc")}, {"AdditionalConfiguration", key_value_pairs{{"OAuthClientId", " abc "}}}}));
    BOOST_TEST(same.ok(), messages_of(same));
    const auto same_bool = sage::resolve_settings(
        make_form({{"EnableSSL", true}, {"AdditionalConfiguration", key_value_pairs{{"enablessl", "yes"}}}}));
    BOOST_TEST(same_bool.ok(), messages_of(same_bool));

    const auto different = sage::resolve_settings(make_form(
        {{"ClientId", std::string("abc")}, {"AdditionalConfiguration", key_value_pairs{{"OAuthClientId", "xyz"}}}}));
    BOOST_TEST(has_error(different, "ClientId",
                         "Client ID is given twice with different values, as the Client ID field and as "
                         "'OAuthClientId' in Add Configuration"),
               messages_of(different));
    BOOST_TEST(different.has_failed("ClientId"));
    BOOST_TEST(!different.settings.client_id.has_value());

    const auto within =
        sage::resolve_settings(make_form({{"AdditionalConfiguration", std::string("Timeout=30;timeout=40")}}));
    BOOST_TEST(has_error(within, "Timeout", "as 'Timeout' in Add Configuration and as 'timeout' in Add Configuration"),
               messages_of(within));
}

BOOST_AUTO_TEST_CASE(unknown_keys_name_the_nearest_known_key)
{
    const auto top = sage::resolve_settings(make_form({{"Timout", std::string("30")}}));
    BOOST_TEST(has_error(top, "Timout", "'Timout' is not a property of this connector; did you mean 'Timeout'?"),
               messages_of(top));
    const auto inside = sage::resolve_settings(make_form(
        {{"AdditionalConfiguration", key_value_pairs{{"callbackurl", "http://localhost:1"}, {"Scop", "readonly"}}}}));
    BOOST_TEST(has_error(inside, "AdditionalConfiguration", "unknown key 'Scop' (entry 2); did you mean 'Scope'?"),
               messages_of(inside));
    BOOST_TEST(inside.settings.callback_url.port == 1); // the good entry still counts
    const auto alias_typo =
        sage::resolve_settings(make_form({{"AdditionalConfiguration", std::string("OAuthClientSecrett=x")}}));
    BOOST_TEST(has_error(alias_typo, "AdditionalConfiguration", "did you mean 'OAuthClientSecret'?"),
               messages_of(alias_typo));
    const auto far = sage::resolve_settings(make_form({{"Colour", std::string("blue")}}));
    BOOST_TEST(has_error(far, "Colour", "the nearest known key is"), messages_of(far));
}

BOOST_AUTO_TEST_CASE(top_level_keys_also_ignore_case)
{
    const auto r = sage::resolve_settings(make_form({{"clientid", std::string("abc")}, {"TIMEOUT", std::int64_t{5}}}));
    BOOST_TEST(r.ok(), messages_of(r));
    BOOST_TEST(r.settings.client_id.value_or("") == "abc");
    BOOST_TEST(r.settings.timeout.count() == 5);
    const auto bad = sage::resolve_settings(make_form({{"TIMEOUT", std::string("x")}}));
    BOOST_TEST(has_error(bad, "Timeout", "Timeout (given as 'TIMEOUT') must be"), messages_of(bad));
}

BOOST_AUTO_TEST_CASE(values_from_add_configuration_say_so_in_messages)
{
    const auto r = sage::resolve_settings(make_form({{"AdditionalConfiguration", std::string("timeout=-5")}}));
    BOOST_TEST(has_error(r, "Timeout",
                         "Timeout (given as 'timeout' in Add Configuration) must be a whole number "
                         "between 1 and 3600; got '-5'"),
               messages_of(r));
}

BOOST_AUTO_TEST_CASE(malformed_text_and_wrong_kinds)
{
    const auto no_equals =
        sage::resolve_settings(make_form({{"AdditionalConfiguration", std::string("Timeout=5;Scope")}}));
    BOOST_TEST(has_error(no_equals, "AdditionalConfiguration", "entry 2 has no '='"), messages_of(no_equals));
    BOOST_TEST(no_equals.settings.timeout.count() == 5);
    const auto boolean = sage::resolve_settings(make_form({{"AdditionalConfiguration", true}}));
    BOOST_TEST(has_error(boolean, "AdditionalConfiguration", "must be key-value pairs"), messages_of(boolean));
    const auto nested = sage::resolve_settings(
        make_form({{"AdditionalConfiguration", key_value_pairs{{"additionalconfiguration", "Timeout=5"}}}}));
    BOOST_TEST(has_error(nested, "AdditionalConfiguration", "cannot contain"), messages_of(nested));
    const auto keyless =
        sage::resolve_settings(make_form({{"AdditionalConfiguration", key_value_pairs{{" ", "value"}}}}));
    BOOST_TEST(has_error(keyless, "AdditionalConfiguration", "entry 1 has a value but no key"), messages_of(keyless));
}

BOOST_AUTO_TEST_CASE(parse_configuration_text_edge_cases)
{
    const auto empty = sage::parse_configuration_text(" ; ;\n");
    BOOST_TEST(empty.entries.empty());
    BOOST_TEST(empty.problems.empty());

    const auto quoted = sage::parse_configuration_text("A='x;y' ; B=\"\" ; C = plain value ");
    BOOST_REQUIRE(quoted.entries.size() == 3u);
    BOOST_TEST(quoted.entries[0].value == "x;y");
    BOOST_TEST(quoted.entries[1].value.empty());
    BOOST_TEST(quoted.entries[2].key == "C");
    BOOST_TEST(quoted.entries[2].value == "plain value");
    BOOST_TEST(quoted.entries[2].position == 3u);

    const auto unclosed = sage::parse_configuration_text("A=1;B=\"never closed");
    BOOST_TEST(unclosed.entries.size() == 1u);
    BOOST_REQUIRE(unclosed.problems.size() == 1u);
    BOOST_TEST(unclosed.problems[0] == "entry 2 opens a quote that is never closed");

    const auto trailing = sage::parse_configuration_text("A=\"x\"y;B=2");
    BOOST_TEST(trailing.entries.size() == 1u);
    BOOST_TEST(trailing.entries[0].key == "B");
    BOOST_REQUIRE(trailing.problems.size() == 1u);
    BOOST_TEST(trailing.problems[0] == "entry 1 has text after its closing quote");

    const auto keyless = sage::parse_configuration_text("=5");
    BOOST_REQUIRE(keyless.problems.size() == 1u);
    BOOST_TEST(keyless.problems[0] == "entry 1 has no key before '='");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(normalised_values)

BOOST_AUTO_TEST_CASE(canonical_keys_in_catalogue_order_with_secret_flags_and_no_empty_values)
{
    const auto r = sage::resolve_settings(make_form({
        {"ConnectionName", std::string(" Books ")},
        {"OAuthClientSecret", std::string("sec")},
        {"ClientId", std::string("id")},
        {"RefreshToken", std::string("")},
        {"EnableSSL", std::string("yes")},
        {"AdditionalConfiguration", std::string("timeout=90;initiateoauth=refresh;OAuthRefreshToken=rt")},
    }));
    BOOST_TEST(r.ok(), messages_of(r));
    std::vector<std::string> order;
    for (const auto& f : r.normalised)
        order.push_back(f.key);
    const std::vector<std::string> expected = {"ConnectionName", "ClientId",      "ClientSecret", "RefreshToken",
                                               "EnableSSL",      "InitiateOAuth", "Timeout"};
    BOOST_TEST(order == expected, boost::test_tools::per_element());
    for (const auto& f : r.normalised)
        BOOST_TEST(f.secret == (f.key == "ClientSecret" || f.key == "RefreshToken"), f.key);
    BOOST_TEST(std::get<std::string>(*normalised(r, "ConnectionName")) == "Books");
    BOOST_TEST(std::get<bool>(*normalised(r, "EnableSSL")) == true);
    BOOST_TEST(std::get<std::int64_t>(*normalised(r, "Timeout")) == 90);
    BOOST_TEST(std::get<std::string>(*normalised(r, "InitiateOAuth")) == "REFRESH");
}

BOOST_AUTO_TEST_CASE(canonical_key_lookup)
{
    BOOST_TEST(sage::canonical_key("clientID").value_or("") == "ClientId");
    BOOST_TEST(sage::canonical_key(" OAUTHACCESSTOKEN ").value_or("") == "AccessToken");
    BOOST_TEST(sage::canonical_key("apibaseurl").value_or("") == "ApiBaseURL");
    BOOST_TEST(!sage::canonical_key("Other").has_value());
}

BOOST_AUTO_TEST_CASE(enum_spellings)
{
    BOOST_TEST(sage::to_string(sage::initiate_oauth_mode::off) == "OFF");
    BOOST_TEST(sage::to_string(sage::initiate_oauth_mode::get_and_refresh) == "GETANDREFRESH");
    BOOST_TEST(sage::to_string(sage::oauth_scope::readonly) == "readonly");
    BOOST_TEST(sage::to_string(sage::sage_country::fr) == "fr");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(oauth_settings_location)

BOOST_AUTO_TEST_CASE(memory_file_and_home_relative_locations)
{
    const auto memory = sage::parse_oauth_settings_location("MEMORY://Team.Books_1-a");
    BOOST_REQUIRE(memory.has_value());
    BOOST_TEST((memory->where == sage::oauth_settings_location::kind::memory));
    BOOST_TEST(memory->memory_id == "Team.Books_1-a");
    BOOST_TEST(!memory->token_file("/state", "x", std::filesystem::path("/home/u")).has_value());

    const auto absolute = sage::parse_oauth_settings_location("/var/lib/app/tokens.json");
    BOOST_REQUIRE(absolute.has_value());
    BOOST_TEST(absolute->token_file("/state", "x", std::nullopt).value() == "/var/lib/app/tokens.json");

    const auto home = sage::parse_oauth_settings_location("~/.sage/tokens.json");
    BOOST_REQUIRE(home.has_value());
    BOOST_TEST(home->token_file("/state", "x", std::filesystem::path("/home/u")).value() ==
               "/home/u/.sage/tokens.json");
    BOOST_TEST(!home->token_file("/state", "x", std::nullopt).has_value());
}

BOOST_AUTO_TEST_CASE(bad_locations)
{
    for (const auto& [text, fragment] :
         std::initializer_list<std::pair<const char*, const char*>>{{"memory://", "needs an id"},
                                                                    {"memory://a b", "letters, digits"},
                                                                    {"memory://a/b", "letters, digits"},
                                                                    {"tokens.json", "absolute"},
                                                                    {"./tokens.json", "absolute"},
                                                                    {"s3://bucket/key", "memory://<id>"},
                                                                    {"/var/lib/app/", "names a folder"}}) {
        const auto r = sage::parse_oauth_settings_location(text);
        BOOST_TEST_REQUIRE(!r.has_value(), text);
        BOOST_TEST(r.error().message.find(fragment) != std::string::npos, text << " gave: " << r.error().message);
    }
}

BOOST_AUTO_TEST_CASE(the_host_default_is_one_file_per_connection_in_the_state_folder)
{
    const sage::oauth_settings_location location; // host_default
    const auto a = location.token_file("/state", "Sales ledger", std::nullopt);
    BOOST_REQUIRE(a.has_value());
    BOOST_TEST(a->parent_path() == "/state/oauth");
    BOOST_TEST(a->filename().string().starts_with("Sales_ledger-"));
    BOOST_TEST(a->extension() == ".json");
    // Stable for a name, different for names that look alike once made file-safe.
    BOOST_TEST(*a == sage::default_oauth_settings_file("/state", "Sales ledger"));
    BOOST_TEST(*a != sage::default_oauth_settings_file("/state", "Sales/ledger"));
    BOOST_TEST(sage::default_oauth_settings_file("/state", "../../etc/passwd").parent_path() == "/state/oauth");
}

BOOST_AUTO_TEST_SUITE_END()

// Bad input costs little: 40,000 Add Configuration entries (about 520 KB) took 25 s to validate.
// The entries are capped, so the cost stays small whatever the count.
BOOST_AUTO_TEST_CASE(a_flood_of_configuration_entries_is_cut_short_and_cheap)
{
    std::string text;
    for (int i = 0; i < 40'000; ++i)
        text += "Timeout=" + std::to_string(1 + i % 60) + ";";
    const auto started = std::chrono::steady_clock::now();
    const auto r = sage::resolve_settings(make_form({{"AdditionalConfiguration", text}}));
    const auto took = std::chrono::steady_clock::now() - started;
    BOOST_TEST(has_error(r, "AdditionalConfiguration", "more than 256 entries"), messages_of(r));
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 1000);
    BOOST_TEST(r.errors.size() < 300u);
}

// An unquoted ';' inside a secret cuts it; the rest must not come back in an "unknown key" message.
BOOST_AUTO_TEST_CASE(the_tail_of_a_cut_secret_is_never_echoed)
{
    for (const std::string& text : {std::string("ClientSecret=first-part;SECRETTAIL=rest"),
                                    std::string("OAuthClientSecret=abc;SECRETTAIL;Timeout=5"),
                                    std::string("ProxyPassword = p4ss ; SECRETTAIL = x")}) {
        const auto r = sage::resolve_settings(make_form({{"AdditionalConfiguration", text}}));
        const std::string said = messages_of(r);
        BOOST_TEST(said.find("SECRETTAIL") == std::string::npos, said);
        BOOST_TEST(said.find("first-part") == std::string::npos, said);
    }
    const auto r = sage::resolve_settings(
        make_form({{"AdditionalConfiguration", std::string("ClientSecret=first-part;SECRETTAIL=rest")}}));
    BOOST_TEST(has_error(r, "AdditionalConfiguration", "put it in quotes"), messages_of(r));
}
