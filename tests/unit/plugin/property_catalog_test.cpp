#define BOOST_TEST_MODULE property_catalog
#include <boost/test/unit_test.hpp>

#include "form/property_catalog.hpp"
#include "form/property_keys.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace keys = sage::keys;
using connector_sdk::property_descriptor;
using connector_sdk::property_type;

namespace {

struct expected_property {
    std::string_view key;
    std::string label;
    property_type type;
    bool secret;
    bool advanced;
    std::optional<std::string> default_value;
};

// The form of issue 2 section 4. Labels of the first nine come from the marketplace page.
const std::vector<expected_property>& expected()
{
    static const std::vector<expected_property> list = {
        {keys::connection_name, "Connection Name", property_type::string, false, false, std::nullopt},
        {keys::client_id, "Client ID", property_type::string, false, false, std::nullopt},
        {keys::client_secret, "Client Secret", property_type::string, true, false, std::nullopt},
        {keys::access_token, "Access Token", property_type::string, true, false, std::nullopt},
        {keys::refresh_token, "Refresh Token", property_type::string, true, false, std::nullopt},
        {keys::enable_ssl, "Enable SSL", property_type::boolean, false, false, "true"},
        {keys::keystore_file, "Upload Keystore File", property_type::file, false, false, std::nullopt},
        {keys::keystore_password, "Keystore Password", property_type::string, true, false, std::nullopt},
        {keys::additional_configuration, "Add Configuration", property_type::key_value_list, false, false,
         std::nullopt},
        {keys::initiate_oauth, "InitiateOAuth", property_type::enumeration, false, true, "GETANDREFRESH"},
        {keys::oauth_settings_location, "OAuthSettingsLocation", property_type::string, false, true, std::nullopt},
        {keys::callback_url, "CallbackURL", property_type::string, false, true, "http://localhost:3333"},
        {keys::scope, "Scope", property_type::enumeration, false, true, "full_access"},
        {keys::country, "Country", property_type::enumeration, false, true, std::nullopt},
        {keys::locale, "Locale", property_type::string, false, true, std::nullopt},
        {keys::business_id, "BusinessId", property_type::string, false, true, std::nullopt},
        {keys::timeout, "Timeout", property_type::integer, false, true, "60"},
        {keys::oauth_expires_in, "OAuthExpiresIn", property_type::integer, false, true, std::nullopt},
        {keys::oauth_token_timestamp, "OAuthTokenTimestamp", property_type::integer, false, true, std::nullopt},
        {keys::oauth_verifier, "OAuthVerifier", property_type::string, true, true, std::nullopt},
        {keys::oauth_authorization_timeout, "OAuthAuthorizationTimeout", property_type::integer, false, true, "300"},
        {keys::proxy_server, "ProxyServer", property_type::string, false, true, std::nullopt},
        {keys::proxy_port, "ProxyPort", property_type::integer, false, true, std::nullopt},
        {keys::proxy_user, "ProxyUser", property_type::string, false, true, std::nullopt},
        {keys::proxy_password, "ProxyPassword", property_type::string, true, true, std::nullopt},
        {keys::trust_keystore_for_sage, "TrustKeystoreForSage", property_type::boolean, false, true, "false"},
        {keys::authorize_url, "AuthorizeURL", property_type::string, false, true,
         "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1"},
        {keys::token_url, "TokenURL", property_type::string, false, true, "https://oauth.accounting.sage.com/token"},
        {keys::api_base_url, "ApiBaseURL", property_type::string, false, true, "https://api.accounting.sage.com/v3.1"},
    };
    return list;
}

const property_descriptor& get(std::string_view key)
{
    const property_descriptor* d = sage::find_property(key);
    BOOST_REQUIRE_MESSAGE(d != nullptr, "no property " << key);
    return *d;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_key_is_present_exactly_once_and_nothing_else)
{
    const auto& catalog = sage::property_catalog();
    std::map<std::string, int> seen;
    for (const auto& d : catalog)
        ++seen[d.key];
    for (const auto& e : expected())
        BOOST_TEST(seen[std::string(e.key)] == 1, e.key);
    BOOST_TEST(catalog.size() == expected().size());
}

BOOST_AUTO_TEST_CASE(labels_types_secret_flags_defaults_and_advanced_flags)
{
    for (const auto& e : expected()) {
        BOOST_TEST_CONTEXT("key " << e.key)
        {
            const auto& d = get(e.key);
            BOOST_TEST(d.label == e.label);
            BOOST_TEST(connector_sdk::to_string(d.type) == connector_sdk::to_string(e.type));
            BOOST_TEST(d.secret == e.secret);
            BOOST_TEST(d.advanced == e.advanced);
            BOOST_TEST(d.default_value.has_value() == e.default_value.has_value());
            if (d.default_value && e.default_value)
                BOOST_TEST(*d.default_value == *e.default_value);
        }
    }
}

BOOST_AUTO_TEST_CASE(exactly_the_credentials_are_secret)
{
    const std::set<std::string> secrets = {"ClientSecret",     "AccessToken",   "RefreshToken",
                                           "KeystorePassword", "ProxyPassword", "OAuthVerifier"};
    for (const auto& d : sage::property_catalog())
        BOOST_TEST(d.secret == (secrets.count(d.key) == 1), d.key);
}

BOOST_AUTO_TEST_CASE(only_connection_name_is_required)
{
    for (const auto& d : sage::property_catalog())
        BOOST_TEST(d.required == (d.key == keys::connection_name), d.key);
}

BOOST_AUTO_TEST_CASE(enumerations_list_their_values_in_canonical_spelling)
{
    using list = std::vector<std::string>;
    BOOST_TEST(get(keys::initiate_oauth).allowed_values == (list{"OFF", "GETANDREFRESH", "REFRESH"}),
               boost::test_tools::per_element());
    BOOST_TEST(get(keys::scope).allowed_values == (list{"full_access", "readonly"}), boost::test_tools::per_element());
    BOOST_TEST(get(keys::country).allowed_values == (list{"gb", "ie", "ca", "us", "de", "es", "fr"}),
               boost::test_tools::per_element());
    for (const auto& d : sage::property_catalog())
        if (d.type != property_type::enumeration)
            BOOST_TEST(d.allowed_values.empty(), d.key);
}

BOOST_AUTO_TEST_CASE(integer_bounds)
{
    BOOST_TEST(get(keys::timeout).minimum.value_or(-1) == 1);
    BOOST_TEST(get(keys::timeout).maximum.value_or(-1) == 3600);
    BOOST_TEST(get(keys::proxy_port).minimum.value_or(-1) == 1);
    BOOST_TEST(get(keys::proxy_port).maximum.value_or(-1) == 65535);
    BOOST_TEST(get(keys::oauth_expires_in).minimum.value_or(-1) == 0);
    BOOST_TEST(get(keys::oauth_token_timestamp).minimum.value_or(-1) == 0);
    for (const auto& d : sage::property_catalog())
        if (d.type != property_type::integer) {
            BOOST_TEST(!d.minimum.has_value(), d.key);
            BOOST_TEST(!d.maximum.has_value(), d.key);
        }
}

BOOST_AUTO_TEST_CASE(keystore_accepts_pem_and_pkcs12_and_its_password_shows_only_with_a_file)
{
    using list = std::vector<std::string>;
    BOOST_TEST(get(keys::keystore_file).file_extensions == (list{".pem", ".crt", ".cer", ".p12", ".pfx"}),
               boost::test_tools::per_element());
    const auto& password = get(keys::keystore_password);
    BOOST_REQUIRE(password.visible_when.has_value());
    BOOST_TEST(password.visible_when->key == keys::keystore_file);
    BOOST_TEST(password.visible_when->values.empty()); // any uploaded file
    for (const auto& d : sage::property_catalog())
        if (d.key != keys::keystore_password)
            BOOST_TEST(!d.visible_when.has_value(), d.key);
}

BOOST_AUTO_TEST_CASE(orders_are_unique_and_the_list_is_in_display_order)
{
    const auto& catalog = sage::property_catalog();
    std::set<int> orders;
    for (const auto& d : catalog)
        BOOST_TEST(orders.insert(d.order).second, "duplicate order " << d.order << " at " << d.key);
    BOOST_TEST(
        std::is_sorted(catalog.begin(), catalog.end(), [](const auto& a, const auto& b) { return a.order < b.order; }));
    // The marketplace form comes first, the advanced keys after it.
    const auto first_advanced = std::find_if(catalog.begin(), catalog.end(), [](const auto& d) { return d.advanced; });
    BOOST_TEST(std::all_of(first_advanced, catalog.end(), [](const auto& d) { return d.advanced; }));
    BOOST_TEST(catalog.front().key == keys::connection_name);
}

BOOST_AUTO_TEST_CASE(every_property_has_a_group_and_helpful_text)
{
    const std::set<std::string> groups = {"Connection", "Authentication", "Security", "Configuration",
                                          "OAuth",      "Business",       "Network",  "Endpoints"};
    for (const auto& d : sage::property_catalog()) {
        BOOST_TEST(groups.count(d.group) == 1, d.key << " has group " << d.group);
        BOOST_TEST(d.description.size() >= 40u, d.key << " has too short a help text");
    }
    // Help texts that tell users what they cannot guess.
    BOOST_TEST(get(keys::oauth_settings_location).description.find("memory://") != std::string::npos);
    BOOST_TEST(get(keys::oauth_settings_location).description.find("state folder") != std::string::npos);
    BOOST_TEST(get(keys::business_id).description.find("X-Business") != std::string::npos);
    BOOST_TEST(get(keys::business_id).description.find("32 hexadecimal") != std::string::npos);
    BOOST_TEST(get(keys::oauth_token_timestamp).description.find("milliseconds") != std::string::npos);
    BOOST_TEST(get(keys::callback_url).description.find("explicit port") != std::string::npos);
    BOOST_TEST(get(keys::timeout).description.find("3600") != std::string::npos);
    BOOST_TEST(get(keys::additional_configuration).description.find("OAuthClientId") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lookups)
{
    BOOST_TEST(sage::label_of(keys::client_id) == "Client ID");
    BOOST_TEST(sage::label_of("NoSuchKey") == "NoSuchKey");
    BOOST_TEST(sage::find_property("clientid") == nullptr); // exact, canonical keys only
    BOOST_CHECK_THROW((void)sage::property("NoSuchKey"), std::out_of_range);
    BOOST_TEST(&sage::property(keys::scope) == sage::find_property(keys::scope));
}
