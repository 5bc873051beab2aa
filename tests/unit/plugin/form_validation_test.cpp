#define BOOST_TEST_MODULE form_validation
#include <boost/test/unit_test.hpp>

#include "form/form_validation.hpp"
#include "form/property_catalog.hpp"

#include <connector_support/openssl_handles.hpp>
#include <test_pki.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using connector_sdk::file_value;
using connector_sdk::form_value;
using connector_sdk::form_values;
using connector_sdk::key_value_pairs;

namespace {

// Material generated once per run; nothing is read from or written to disk.
struct material {
    test_pki::identity ca = test_pki::make_ca("Validation Test CA");
    test_pki::identity client = make_client(ca);
    std::string p12 = test_pki::make_pkcs12(&client, {ca.cert_pem}, "p12-password");

    static test_pki::identity make_client(const test_pki::identity& issuer)
    {
        test_pki::certificate_options options;
        options.common_name = "validation client";
        options.server = false;
        return test_pki::make_certificate(issuer, options);
    }
};

const material& pki()
{
    static const material instance;
    return instance;
}

file_value file(std::string name, std::string_view bytes)
{
    return {std::move(name), std::vector<std::uint8_t>(bytes.begin(), bytes.end())};
}

std::string encrypted_key(const std::string& key_pem, const std::string& password)
{
    const connector_support::pkey_ptr key = connector_support::read_pem_key(key_pem);
    const connector_support::bio_ptr out(BIO_new(BIO_s_mem()));
    BOOST_REQUIRE(key && out);
    BOOST_REQUIRE(PEM_write_bio_PKCS8PrivateKey(out.get(), key.get(), EVP_aes_256_cbc(), password.data(),
                                                static_cast<int>(password.size()), nullptr, nullptr) == 1);
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

// A form that validates clean: GETANDREFRESH with the app's credentials.
form_values good_form()
{
    form_values form;
    form.set("ConnectionName", std::string("Sage books"));
    form.set("ClientId", std::string("4b6a1c2e-client/77aa"));
    form.set("ClientSecret", std::string("client-secret-value"));
    return form;
}

sage::validation_environment environment(bool host_offers_oauth_app = false)
{
    return {host_offers_oauth_app, std::chrono::system_clock::now()};
}

std::string messages_of(const std::vector<connector_sdk::field_error>& errors)
{
    std::string all;
    for (const auto& e : errors)
        all += "\n  [" + e.key + "] " + e.message;
    return all.empty() ? " (no errors)" : all;
}

bool has_error(const std::vector<connector_sdk::field_error>& errors, std::string_view key, std::string_view fragment)
{
    return std::any_of(errors.begin(), errors.end(),
                       [&](const auto& e) { return e.key == key && e.message.find(fragment) != std::string::npos; });
}

using mutation = std::function<void(form_values&)>;

mutation set(std::string key, form_value value)
{
    return [key = std::move(key), value = std::move(value)](form_values& f) { f.set(key, value); };
}
mutation erase(std::string key)
{
    return [key = std::move(key)](form_values& f) { f.erase(key); };
}
mutation config(std::string text)
{
    return set("AdditionalConfiguration", std::move(text));
}
mutation all(std::vector<mutation> steps)
{
    return [steps = std::move(steps)](form_values& f) {
        for (const auto& step : steps)
            step(f);
    };
}

struct bad_row {
    std::string name;
    mutation change;
    std::string key;      // the field the error must be attached to
    std::string fragment; // a piece of its message
    bool host_offers_oauth_app = false;
};

// Each row breaks the good form in one way. The error must name the field (its key here, its label in
// the message) and say what is wrong.
std::vector<bad_row> bad_rows()
{
    const material& m = pki();
    return {
        // Required, trimmed, plain
        {"no connection name", erase("ConnectionName"), "ConnectionName", "Connection Name is required"},
        {"blank connection name", set("ConnectionName", std::string(" \t ")), "ConnectionName",
         "Connection Name is required"},
        {"connection name with a line break", set("ConnectionName", std::string("a\nb")), "ConnectionName",
         "control character"},
        {"connection name too long", set("ConnectionName", std::string(200, 'n')), "ConnectionName", "use at most 128"},
        // Wrong types
        {"connection name as a boolean", set("ConnectionName", true), "ConnectionName", "Connection Name must be text"},
        {"client id as a file", set("ClientId", file("id.txt", "x")), "ClientId",
         "Client ID must be text, not an uploaded file"},
        {"enable ssl as a word", set("EnableSSL", std::string("maybe")), "EnableSSL",
         "Enable SSL must be true or false"},
        {"enable ssl as 2", set("EnableSSL", std::int64_t{2}), "EnableSSL", "must be true or false"},
        {"keystore as text", set("KeystoreFile", std::string("/etc/ca.pem")), "KeystoreFile",
         "must be an uploaded file"},
        {"keystore in add configuration", config("KeystoreFile=/etc/ca.pem"), "KeystoreFile",
         "cannot be given in Add Configuration"},
        {"add configuration as a boolean", set("AdditionalConfiguration", true), "AdditionalConfiguration",
         "must be key-value pairs"},
        // Integers
        {"timeout not a number", config("Timeout=soon"), "Timeout",
         "must be a whole number between 1 and 3600; got 'soon'"},
        {"timeout zero", set("Timeout", std::int64_t{0}), "Timeout", "between 1 and 3600"},
        {"timeout too long", set("Timeout", std::string("3601")), "Timeout", "between 1 and 3600"},
        {"timeout negative in add configuration", config("timeout=-5"), "Timeout",
         "(given as 'timeout' in Add Configuration)"},
        {"timeout overflowing", set("Timeout", std::string("99999999999999999999")), "Timeout", "whole number"},
        {"proxy port too high",
         all({set("ProxyServer", std::string("proxy.local")), set("ProxyPort", std::int64_t{70000})}), "ProxyPort",
         "between 1 and 65535"},
        {"proxy port zero", all({set("ProxyServer", std::string("proxy.local")), config("ProxyPort=0")}), "ProxyPort",
         "between 1 and 65535"},
        {"expires in negative", set("OAuthExpiresIn", std::int64_t{-1}), "OAuthExpiresIn", "between 0 and"},
        {"expires in overflowing", set("OAuthExpiresIn", std::int64_t{9223372036854775807}), "OAuthExpiresIn",
         "between 0 and"},
        {"token timestamp overflowing", set("OAuthTokenTimestamp", std::int64_t{9223372036854775807}),
         "OAuthTokenTimestamp", "between 0 and"},
        {"token timestamp as a date", set("OAuthTokenTimestamp", std::string("2024-01-01")), "OAuthTokenTimestamp",
         "whole number"},
        // Enumerations
        {"initiate oauth unknown", config("InitiateOAuth=ALWAYS"), "InitiateOAuth",
         "must be one of OFF, GETANDREFRESH, REFRESH"},
        {"scope unknown", set("Scope", std::string("write")), "Scope",
         "must be one of full_access, readonly; got 'write'"},
        {"country unknown", set("Country", std::string("uk")), "Country", "must be one of gb, ie, ca, us, de, es, fr"},
        // Shapes
        {"locale a word", set("Locale", std::string("english")), "Locale", "like en-GB or fr-CA"},
        {"locale with underscore", set("Locale", std::string("en_GB")), "Locale", "like en-GB"},
        {"business id short", set("BusinessId", std::string("1234")), "BusinessId", "must be 32 hexadecimal digits"},
        {"business id not hex", set("BusinessId", std::string("0123456789abcdef0123456789abcdeg")), "BusinessId",
         "32 hexadecimal"},
        // Endpoints
        {"authorize url malformed", set("AuthorizeURL", std::string("not-a-url")), "AuthorizeURL",
         "AuthorizeURL is not a valid absolute URL"},
        {"token url without host", set("TokenURL", std::string("https:///token")), "TokenURL", "has no host"},
        {"api base on a foreign host", set("ApiBaseURL", std::string("https://evil.example.com/v3.1")), "ApiBaseURL",
         "points at 'evil.example.com', which is not a Sage host"},
        {"api base on a look-alike host", config("ApiBaseURL=https://api.accounting.sage.com.evil.io/v3.1"),
         "ApiBaseURL", "not a Sage host"},
        {"token url over http", set("TokenURL", std::string("http://oauth.accounting.sage.com/token")), "TokenURL",
         "must use https"},
        {"loopback http with ssl on", set("ApiBaseURL", std::string("http://localhost:8080/v3.1")), "ApiBaseURL",
         "allowed only with Enable SSL turned off"},
        {"api base over ftp", set("ApiBaseURL", std::string("ftp://api.accounting.sage.com/")), "ApiBaseURL",
         "must be an https:// URL"},
        {"authorize url with credentials", set("AuthorizeURL", std::string("https://u:p@www.sageone.com/oauth2/auth")),
         "AuthorizeURL", "must not contain a user name or password"},
        {"token url with fragment", set("TokenURL", std::string("https://oauth.accounting.sage.com/token#x")),
         "TokenURL", "fragment"},
        {"ssl off with sage's endpoints", set("EnableSSL", false), "EnableSSL",
         "Enable SSL is off, but AuthorizeURL, TokenURL and ApiBaseURL point at a server that is not on this machine"},
        {"ssl off with one remote endpoint",
         all({set("EnableSSL", std::string("no")), set("AuthorizeURL", std::string("http://127.0.0.1:9/auth")),
              set("TokenURL", std::string("http://127.0.0.1:9/token"))}),
         "EnableSSL", "but ApiBaseURL points at"},
        // Callback URL (RFC 8252)
        {"callback on a remote host", set("CallbackURL", std::string("https://example.com:3333/cb")), "CallbackURL",
         "must be on this machine"},
        {"callback without a port", config("CallbackURL=http://localhost/callback"), "CallbackURL",
         "needs an explicit port"},
        {"callback over ftp", set("CallbackURL", std::string("ftp://localhost:21/")), "CallbackURL",
         "must be an http:// or https:// URL"},
        {"callback port out of range", set("CallbackURL", std::string("http://localhost:99999/")), "CallbackURL",
         "a port is 1 to 65535"},
        // Token store location
        {"settings location relative", set("OAuthSettingsLocation", std::string("tokens.json")),
         "OAuthSettingsLocation", "absolute"},
        {"settings location memory without id", config("OAuthSettingsLocation=memory://"), "OAuthSettingsLocation",
         "needs an id"},
        {"settings location memory bad id", set("OAuthSettingsLocation", std::string("memory://my tokens")),
         "OAuthSettingsLocation", "letters, digits"},
        {"settings location other scheme", set("OAuthSettingsLocation", std::string("s3://bucket/t")),
         "OAuthSettingsLocation", "memory://<id>"},
        // Keystore
        {"keystore password without keystore", set("KeystorePassword", std::string("pw")), "KeystorePassword",
         "Keystore Password is set but Upload Keystore File is not"},
        {"keystore garbage", set("KeystoreFile", file("junk.bin", std::string("\x01\x02\x03 not a keystore"))),
         "KeystoreFile", "neither a PEM bundle nor a PKCS#12 file"},
        {"keystore wrong password",
         all({set("KeystoreFile", file("client.p12", m.p12)), set("KeystorePassword", std::string("nope"))}),
         "KeystorePassword", "Keystore Password is wrong"},
        {"keystore password missing", set("KeystoreFile", file("client.p12", m.p12)), "KeystorePassword",
         "Keystore Password is needed"},
        {"keystore pem without certificate", set("KeystoreFile", file("key.pem", m.client.key_pem)), "KeystoreFile",
         "without any certificate"},
        {"keystore encrypted pem key without password",
         set("KeystoreFile", file("client.pem", m.client.cert_pem + encrypted_key(m.client.key_pem, "pem-pass"))),
         "KeystorePassword", "is an encrypted private key protected by a password"},
        {"keystore empty file", set("KeystoreFile", file("empty.pem", "")), "KeystoreFile", "is an empty file"},
        // Proxy
        {"proxy user without server", set("ProxyUser", std::string("me")), "ProxyUser",
         "ProxyUser is set but ProxyServer is not"},
        {"proxy password without server", config("ProxyPassword=x"), "ProxyPassword", "ProxyServer is not"},
        {"proxy port without server", set("ProxyPort", std::int64_t{8080}), "ProxyPort", "ProxyServer is not"},
        {"proxy server as a url", set("ProxyServer", std::string("http://proxy.local:8080")), "ProxyServer",
         "only a host name"},
        {"proxy server with a port", set("ProxyServer", std::string("proxy.local:8080")), "ProxyServer",
         "must not include a port"},
        // Unknown keys and Add Configuration syntax
        {"unknown top-level key", set("Timout", std::string("30")), "Timout", "did you mean 'Timeout'?"},
        {"unknown key in add configuration", config("Scop=readonly"), "AdditionalConfiguration",
         "unknown key 'Scop' (entry 1); did you mean 'Scope'?"},
        {"add configuration entry without equals", config("Timeout=30;readonly"), "AdditionalConfiguration",
         "entry 2 has no '='"},
        {"add configuration unclosed quote", config("ProxyPassword='abc"), "AdditionalConfiguration", "never closed"},
        {"add configuration nested",
         set("AdditionalConfiguration", key_value_pairs{{"AdditionalConfiguration", "x=y"}}), "AdditionalConfiguration",
         "cannot contain"},
        {"conflicting client ids", config("OAuthClientId=another-id"), "ClientId",
         "Client ID is given twice with different values, as the Client ID field and as 'OAuthClientId' in Add "
         "Configuration"},
        // OAuth cross-field rules
        {"off without access token", config("InitiateOAuth=OFF"), "AccessToken",
         "Access Token is required when InitiateOAuth is OFF"},
        {"refresh without refresh token", config("InitiateOAuth=REFRESH"), "RefreshToken",
         "Refresh Token is required when InitiateOAuth is REFRESH"},
        {"refresh without client credentials",
         all({erase("ClientId"), erase("ClientSecret"), config("InitiateOAuth=refresh;OAuthRefreshToken=rt")}),
         "ClientId", "Client ID is required when InitiateOAuth is REFRESH"},
        {"refresh without credentials even when the host has an app",
         all({erase("ClientId"), erase("ClientSecret"), config("InitiateOAuth=REFRESH;RefreshToken=rt")}),
         "ClientSecret", "Client Secret is required when InitiateOAuth is REFRESH", true},
        {"getandrefresh without credentials and no host app", all({erase("ClientId"), erase("ClientSecret")}),
         "ClientId", "this host provides no OAuth app of its own"},
        {"client id without secret", erase("ClientSecret"), "ClientSecret",
         "Client Secret is required when Client ID is given"},
        {"client secret without id", erase("ClientId"), "ClientId",
         "Client ID is required when Client Secret is given"},
    };
}

} // namespace

BOOST_AUTO_TEST_SUITE(bad_forms)

BOOST_AUTO_TEST_CASE(each_bad_input_is_reported_on_its_field)
{
    const auto rows = bad_rows();
    BOOST_TEST(rows.size() >= 40u);
    for (const auto& row : rows) {
        BOOST_TEST_CONTEXT("row: " << row.name)
        {
            form_values form = good_form();
            row.change(form);
            const auto result = sage::validate(form, environment(row.host_offers_oauth_app));
            BOOST_TEST(!result.ok());
            BOOST_TEST(has_error(result.errors, row.key, row.fragment),
                       "expected [" << row.key << "] ..." << row.fragment
                                    << "... among:" << messages_of(result.errors));
        }
    }
}

BOOST_AUTO_TEST_CASE(every_message_names_its_field_by_label)
{
    for (const auto& row : bad_rows()) {
        form_values form = good_form();
        row.change(form);
        for (const auto& e : sage::validate(form, environment(row.host_offers_oauth_app)).errors) {
            const auto* property = sage::find_property(e.key);
            const std::string label = property != nullptr ? property->label : e.key;
            BOOST_TEST(e.message.find(label) != std::string::npos,
                       "row '" << row.name << "': [" << e.key << "] " << e.message);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_value_that_failed_sets_off_no_further_rules)
{
    form_values form = good_form();
    form.set("InitiateOAuth", std::string("sometimes")); // cannot be read: no OFF/REFRESH rule may fire
    form.set("EnableSSL", std::string("perhaps"));       // cannot be read: no endpoint-vs-SSL rule may fire
    const auto result = sage::validate(form, environment());
    BOOST_TEST(result.errors.size() == 2u, messages_of(result.errors));
}

BOOST_AUTO_TEST_CASE(errors_come_in_the_form_s_display_order)
{
    form_values form;
    form.set("Timeout", std::string("0"));
    form.set("Bogus", std::string("x"));
    form.set("ProxyUser", std::string("u"));
    form.set("ConnectionName", std::string(""));
    const auto result = sage::validate(form, environment());
    std::vector<std::string> keys;
    for (const auto& e : result.errors)
        keys.push_back(e.key);
    const std::vector<std::string> expected = {"ConnectionName", "ClientId",  "ClientSecret",
                                               "Timeout",        "ProxyUser", "Bogus"};
    BOOST_TEST(keys == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(good_forms)

BOOST_AUTO_TEST_CASE(these_forms_validate_clean)
{
    const material& m = pki();
    struct good_row {
        std::string name;
        mutation change;
        bool host_offers_oauth_app = false;
    };
    const std::vector<good_row> rows = {
        {"the base form", [](form_values&) {}},
        {"host app instead of credentials", all({erase("ClientId"), erase("ClientSecret")}), true},
        {"OFF with an access token",
         all({erase("ClientId"), erase("ClientSecret"), config("InitiateOAuth=OFF;AccessToken=at")})},
        {"REFRESH with tokens and credentials",
         config("InitiateOAuth=REFRESH;OAuthRefreshToken=rt;OAuthAccessToken=at")},
        {"every advanced key in text form",
         config("InitiateOAuth=getandrefresh; OAuthSettingsLocation=memory://team.books; "
                "CallbackURL=http://127.0.0.1:4567/cb;"
                "Scope=READONLY; Country=GB; Locale=en-gb; BusinessId=0123456789ABCDEF0123456789ABCDEF; Timeout=120;"
                "OAuthExpiresIn=300; OAuthTokenTimestamp=1700000000000; OAuthVerifier=GB/abc; ProxyServer=proxy.local;"
                "ProxyPort=3128; ProxyUser=me; ProxyPassword='p;w'; "
                "AuthorizeURL=https://www.sageone.com/oauth2/auth/central?filter=apiv3.1;"
                "TokenURL=https://oauth.accounting.sage.com/token; ApiBaseURL=https://api.accounting.sage.com/v3.1")},
        {"a local plain-http sandbox with ssl off",
         all({set("EnableSSL", false), set("AuthorizeURL", std::string("http://127.0.0.1:8443/oauth2/auth")),
              set("TokenURL", std::string("http://localhost:8443/token")),
              set("ApiBaseURL", std::string("http://[::1]:8443/v3.1")),
              set("CallbackURL", std::string("http://[::1]:3333/callback"))})},
        {"a local https sandbox with ssl on", all({set("AuthorizeURL", std::string("https://localhost:8443/auth")),
                                                   set("TokenURL", std::string("https://127.0.0.1:8443/token")),
                                                   set("ApiBaseURL", std::string("https://localhost:8443/v3.1")),
                                                   set("CallbackURL", std::string("https://localhost:3334/cb"))})},
        {"ssl off spelled as text with loopback endpoints",
         all({set("EnableSSL", std::string("No")),
              config("AuthorizeURL=https://127.0.0.1:1/a;TokenURL=https://127.0.0.1:1/t;"
                     "ApiBaseURL=https://127.0.0.1:1/v3.1")})},
        {"token file in the home folder", set("OAuthSettingsLocation", std::string("~/.sage/tokens.json"))},
        {"absolute token file", set("OAuthSettingsLocation", std::string("/var/lib/host/sage.json"))},
        {"pkcs12 keystore with its password",
         all({set("KeystoreFile", file("client.p12", m.p12)), set("KeystorePassword", std::string("p12-password"))})},
        {"pem bundle of a ca", set("KeystoreFile", file("ca.pem", m.ca.cert_pem))},
        {"pem with an encrypted key",
         all({set("KeystoreFile", file("client.pem", m.client.cert_pem + encrypted_key(m.client.key_pem, "pem-pass"))),
              config("KeystorePassword=pem-pass")})},
        {"the same value twice",
         all({set("OAuthClientId", std::string("4b6a1c2e-client/77aa")), config("clientid=4b6a1c2e-client/77aa")})},
        {"proxy with ipv6 address", set("ProxyServer", std::string("fd00::1"))},
        {"empty optional values", all({set("AccessToken", std::string("")), set("Country", std::string(" ")),
                                       set("AdditionalConfiguration", key_value_pairs{{"Timeout", ""}})})},
    };
    for (const auto& row : rows) {
        BOOST_TEST_CONTEXT("row: " << row.name)
        {
            form_values form = good_form();
            row.change(form);
            const auto result = sage::validate(form, environment(row.host_offers_oauth_app));
            BOOST_TEST(result.ok(), messages_of(result.errors));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_valid_form_carries_its_settings_and_keystore)
{
    const material& m = pki();
    form_values form = good_form();
    form.set("KeystoreFile", file("client.p12", m.p12));
    form.set("KeystorePassword", std::string("p12-password"));
    form.set("AdditionalConfiguration", std::string("Timeout=15"));
    const auto result = sage::validate(form, environment());
    BOOST_REQUIRE_MESSAGE(result.ok(), messages_of(result.errors));
    BOOST_TEST(result.settings().timeout.count() == 15);
    BOOST_REQUIRE(result.loaded_keystore != nullptr);
    BOOST_TEST(result.loaded_keystore->has_client_identity());
    BOOST_TEST(result.notes.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(secrets)

// Every secret filled with a recognisable marker, in every way a form can carry it, in forms broken
// in many ways: no message may ever repeat a marker.
BOOST_AUTO_TEST_CASE(no_message_contains_a_secret_value)
{
    const material& m = pki();
    const std::string marker = "S3CRET-MARKER";
    const auto secret = [&](std::string_view which) { return marker + "-" + std::string(which); };

    std::vector<form_values> forms;
    const auto add = [&forms](std::initializer_list<std::pair<std::string, form_value>> values) {
        form_values form;
        for (const auto& [k, v] : values)
            form.set(k, v);
        forms.push_back(std::move(form));
    };
    // Secrets at the top level, in a form broken everywhere else.
    add({{"ConnectionName", std::string("")},
         {"ClientSecret", secret("client-secret")},
         {"AccessToken", secret("access")},
         {"RefreshToken", secret("refresh")},
         {"KeystorePassword", secret("keystore")},
         {"ProxyPassword", secret("proxy")},
         {"OAuthVerifier", secret("verifier")},
         {"InitiateOAuth", std::string("never")},
         {"ApiBaseURL", std::string("https://evil.example.com/")},
         {"Timeout", std::string("0")}});
    // The same secrets given twice with different values, under aliases and in Add Configuration.
    add({{"ClientSecret", secret("a")},
         {"OAuthClientSecret", secret("b")},
         {"AccessToken", secret("c")},
         {"RefreshToken", secret("d")},
         {"OAuthVerifier", secret("e")},
         {"AdditionalConfiguration",
          std::string("oauthclientsecret=" + secret("f") + ";OAuthAccessToken=" + secret("g") +
                      ";OAuthRefreshToken=" + secret("h") + ";ProxyPassword=" + secret("i") +
                      ";OAuthVerifier=" + secret("j") + ";KeystorePassword=" + secret("k"))}});
    // Secrets under mistyped keys, in malformed entries, and in values of the wrong kind.
    add({{"ClientSecrett", secret("typo-top")},
         {"AdditionalConfiguration", std::string("OAuthClientScret=" + secret("typo") + ";" + secret("no-equals") +
                                                 ";ProxyPassword='" + secret("unclosed"))}});
    add({{"AdditionalConfiguration", key_value_pairs{{"AccesToken", secret("kv-typo")},
                                                     {"", secret("no-key")},
                                                     {"RefreshToken", secret("kv-1")},
                                                     {"refreshtoken", secret("kv-2")}}}});
    // Secret-looking values in places that are checked for shape.
    add({{"ClientSecret", std::string(marker + "\n\t" + marker)},
         {"KeystoreFile", file("client.p12", m.p12)},
         {"KeystorePassword", secret("wrong-p12")},
         {"ProxyUser", std::string("user")},
         {"ProxyPassword", secret("no-server")}});
    add({{"KeystoreFile", file("client.pem", m.client.cert_pem + encrypted_key(m.client.key_pem, "right-one"))},
         {"KeystorePassword", secret("wrong-pem")},
         {"AccessToken", true},
         {"RefreshToken", file("refresh.txt", secret("file"))}});
    // Keystore bytes must never be echoed either.
    add({{"KeystoreFile",
          file("junk.pem", "-----BEGIN CERTIFICATE-----\n" + secret("pem-bytes") + "\n-----END CERTIFICATE-----\n")}});
    add({{"KeystoreFile", file("junk.bin", secret("binary-bytes"))}});

    std::size_t messages = 0;
    for (std::size_t i = 0; i < forms.size(); ++i) {
        for (bool host_app : {false, true}) {
            const auto result = sage::validate(forms[i], environment(host_app));
            BOOST_TEST(!result.ok(), "form " << i << " should have been refused");
            for (const auto& e : result.errors) {
                ++messages;
                BOOST_TEST(e.message.find(marker) == std::string::npos,
                           "form " << i << ": [" << e.key << "] " << e.message);
                BOOST_TEST(e.key.find(marker) == std::string::npos, "form " << i << ": key " << e.key);
            }
            for (const auto& note : result.notes)
                BOOST_TEST(note.find(marker) == std::string::npos, "form " << i << ": note " << note);
        }
    }
    BOOST_TEST(messages >= 40u); // the forms really did produce many messages to inspect
}

BOOST_AUTO_TEST_CASE(the_secret_fields_of_the_check_are_the_catalogue_s)
{
    // The marker test above covers every property the catalogue marks secret.
    std::vector<std::string> secret_keys;
    for (const auto& d : sage::property_catalog())
        if (d.secret)
            secret_keys.push_back(d.key);
    const std::vector<std::string> covered = {"ClientSecret",     "AccessToken",   "RefreshToken",
                                              "KeystorePassword", "OAuthVerifier", "ProxyPassword"};
    BOOST_TEST(secret_keys == covered, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

// Issue 9: secrets go only to Sage (or a loopback test double), over verified TLS.

BOOST_AUTO_TEST_CASE(plain_http_never_goes_through_a_proxy_even_to_loopback)
{
    form_values form = good_form();
    form.set("EnableSSL", false);
    form.set("AuthorizeURL", std::string("http://127.0.0.1:8080/auth"));
    form.set("TokenURL", std::string("http://127.0.0.1:8080/token"));
    form.set("ApiBaseURL", std::string("http://127.0.0.1:8080/v3.1"));
    BOOST_TEST_REQUIRE(sage::validate(form, environment()).errors.empty(),
                       messages_of(sage::validate(form, environment()).errors));
    form.set("ProxyServer", std::string("proxy.example.com"));
    const auto result = sage::validate(form, environment());
    BOOST_TEST(has_error(result.errors, "EnableSSL", "proxy"), messages_of(result.errors));
}

BOOST_AUTO_TEST_CASE(the_host_s_oauth_app_travels_only_the_default_transport)
{
    form_values form;
    form.set("ConnectionName", std::string("Host app"));
    BOOST_TEST(sage::validate(form, environment(true)).errors.empty(),
               messages_of(sage::validate(form, environment(true)).errors));
    const std::vector<std::pair<std::string, mutation>> custom = {
        {"a proxy", set("ProxyServer", std::string("proxy.example.com"))},
        {"a keystore", set("KeystoreFile", file("ca.pem", pki().ca.cert_pem))},
        {"a sandbox token endpoint", set("TokenURL", std::string("https://127.0.0.1:8443/token"))},
        {"a sandbox API", set("ApiBaseURL", std::string("https://localhost:8443/v3.1"))},
    };
    for (const auto& [name, change] : custom) {
        form_values changed = form;
        change(changed);
        const auto result = sage::validate(changed, environment(true));
        BOOST_TEST(has_error(result.errors, "ClientId", "this host's own OAuth app"),
                   name << ":" << messages_of(result.errors));
        BOOST_TEST(has_error(result.errors, "ClientSecret", "this host's own OAuth app"),
                   name << ":" << messages_of(result.errors));
        // The tenant's own app may use its own transport.
        changed.set("ClientId", std::string("own-client"));
        changed.set("ClientSecret", std::string("own-secret"));
        BOOST_TEST(sage::validate(changed, environment(true)).errors.empty(),
                   name << ":" << messages_of(sage::validate(changed, environment(true)).errors));
    }
}

BOOST_AUTO_TEST_CASE(trusting_the_keystore_for_sage_needs_a_keystore_and_the_tenant_s_own_app)
{
    form_values form = good_form();
    form.set("AdditionalConfiguration", std::string("TrustKeystoreForSage=true"));
    auto result = sage::validate(form, environment());
    BOOST_TEST(has_error(result.errors, "TrustKeystoreForSage", "no keystore"), messages_of(result.errors));
    form.set("KeystoreFile", file("ca.pem", pki().ca.cert_pem));
    result = sage::validate(form, environment());
    BOOST_TEST(result.errors.empty(), messages_of(result.errors));
    BOOST_TEST(result.settings().trust_keystore_for_sage);
    form.erase("ClientId");
    form.erase("ClientSecret");
    result = sage::validate(form, environment(true));
    BOOST_TEST(has_error(result.errors, "ClientId", "this host's own OAuth app"), messages_of(result.errors));
}

BOOST_AUTO_TEST_CASE(tokens_must_be_rfc_6750_b64tokens)
{
    for (const std::string bad : {"abc\r\nX-Injected: 1", "abc def", "\"quoted\"", "tok=en", "="}) {
        form_values form = good_form();
        form.set("AdditionalConfiguration", std::string("InitiateOAuth=REFRESH"));
        form.set("AccessToken", bad);
        form.set("RefreshToken", bad);
        const auto result = sage::validate(form, environment());
        BOOST_TEST(has_error(result.errors, "AccessToken", "not a valid OAuth token"), messages_of(result.errors));
        BOOST_TEST(has_error(result.errors, "RefreshToken", "not a valid OAuth token"), messages_of(result.errors));
        for (const auto& e : result.errors)
            BOOST_TEST((bad.size() < 2 || e.message.find(bad) == std::string::npos),
                       "a token was echoed: " << e.message);
    }
    form_values form = good_form();
    form.set("AccessToken", std::string("aZ09-._~+/abc=="));
    BOOST_TEST(sage::validate(form, environment()).errors.empty(),
               messages_of(sage::validate(form, environment()).errors));
}
