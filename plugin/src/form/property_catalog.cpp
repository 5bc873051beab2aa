#include "form/property_catalog.hpp"

#include "form/property_keys.hpp"
#include "sage/sage_endpoints.hpp"
#include <connector_sdk/property_builder.hpp>

#include <stdexcept>
#include <utility>

namespace sage {

namespace {

using connector_sdk::property_descriptor;
using connector_sdk::property_type;

namespace group {
constexpr char connection[] = "Connection";
constexpr char authentication[] = "Authentication";
constexpr char security[] = "Security";
constexpr char configuration[] = "Configuration";
constexpr char oauth[] = "OAuth";
constexpr char business[] = "Business";
constexpr char network[] = "Network";
constexpr char endpoint[] = "Endpoints";
} // namespace group

// An entry of the catalogue: the SDK's builder, placed in its group and display order.
connector_sdk::property_builder entry(std::string_view key, std::string label, property_type type, std::string group,
                                      int order)
{
    connector_sdk::property_builder b(key, std::move(label), type);
    b.group(std::move(group)).order(order);
    return b;
}

std::vector<property_descriptor> build_catalog()
{
    std::vector<property_descriptor> c;
    const auto add = [&c](connector_sdk::property_builder& e) { c.push_back(std::move(e).build()); };

    // --- The marketplace form ---------------------------------------------------------------------
    add(entry(keys::connection_name, "Connection Name", property_type::string, group::connection, 10)
            .required()
            .help("The name of the connection to be created. This is the name that will display on the "
                  "list of available connections. Leading and trailing spaces are ignored."));
    add(entry(keys::client_id, "Client ID", property_type::string, group::authentication, 20)
            .help("The client Id assigned when you register your application with an OAuth authorization "
                  "server: for Sage, in the Sage Developer Portal (developer.sage.com, My Apps); it looks "
                  "like two UUIDs joined by '/'. Also accepted under CData's name OAuthClientId. Leave it "
                  "empty to use the OAuth application your host provides, if it provides one."));
    add(entry(keys::client_secret, "Client Secret", property_type::string, group::authentication, 30)
            .secret()
            .help("The client secret assigned when you register your application with an OAuth "
                  "authorization server: shown next to the Client ID in the Sage Developer Portal. Also "
                  "accepted as OAuthClientSecret."));
    add(entry(keys::access_token, "Access Token", property_type::string, group::authentication, 40)
            .secret()
            .help("The access token for connecting using OAuth. Required when InitiateOAuth is OFF; "
                  "otherwise the connector obtains and renews it. Sage access tokens expire after 5 "
                  "minutes. Also accepted as OAuthAccessToken."));
    add(entry(keys::refresh_token, "Refresh Token", property_type::string, group::authentication, 50)
            .secret()
            .help("The OAuth refresh token for the corresponding OAuth access token. Required when "
                  "InitiateOAuth is REFRESH. Sage refresh tokens are single-use and last 31 days; the "
                  "connector stores each new one in OAuthSettingsLocation. Also accepted as "
                  "OAuthRefreshToken."));
    add(entry(keys::enable_ssl, "Enable SSL", property_type::boolean, group::security, 60)
            .default_value("true")
            .help("Option for creating the connection with SSL enabled. Sage is reached only over HTTPS; "
                  "turn this off only to point AuthorizeURL, TokenURL and ApiBaseURL at a plain-http "
                  "sandbox on this machine (localhost, 127.0.0.1 or ::1). Default: true."));
    add(entry(keys::keystore_file, "Upload Keystore File", property_type::file, group::security, 70)
            .extensions({".pem", ".crt", ".cer", ".p12", ".pfx"})
            .help("Option to upload keystore file: a PEM bundle (one or more certificates, optionally "
                  "with a private key) or a PKCS#12 file (.p12, .pfx). Its CA certificates are trusted "
                  "in addition to the system's; a certificate with its private key is presented as the "
                  "client certificate. Optional."));
    add(entry(keys::keystore_password, "Keystore Password", property_type::string, group::security, 80)
            .secret()
            .visible_when(keys::keystore_file)
            .help("The password of the uploaded keystore: the PKCS#12 password, or the passphrase of an "
                  "encrypted PEM private key. Needed only when the keystore is protected."));
    add(entry(keys::additional_configuration, "Add Configuration", property_type::key_value_list, group::configuration,
              90)
            .help("Additional properties can be added using this option as key-value pairs, e.g. "
                  "Timeout=120 or InitiateOAuth=REFRESH (as text: Key=Value;Key2=Value2). Keys ignore "
                  "case; every advanced property of this form is accepted, as are CData's names "
                  "OAuthClientId, OAuthClientSecret, OAuthAccessToken and OAuthRefreshToken."));

    // --- Advanced: the keys Add Configuration accepts -------------------------------------------------
    add(entry(keys::initiate_oauth, "InitiateOAuth", property_type::enumeration, group::oauth, 100)
            .advanced()
            .allowed({"OFF", "GETANDREFRESH", "REFRESH"})
            .default_value("GETANDREFRESH")
            .help("How the connector obtains the OAuth access token. GETANDREFRESH (default): when no "
                  "token is stored yet, sign in to Sage once in the browser, then refresh automatically. "
                  "REFRESH: start from the Access Token and Refresh Token you supply and refresh them. "
                  "OFF: use the Access Token as given and never refresh it."));
    add(entry(keys::oauth_settings_location, "OAuthSettingsLocation", property_type::string, group::oauth, 110)
            .advanced()
            .help("Where the OAuth token set (access token, refresh token, expiry) is kept between "
                  "connections: an absolute file path (~/ for your home folder), or memory://<id> to keep "
                  "it in process memory only, shared by connections with the same id (letters, digits, "
                  "'.', '_', '-'). Default: a file for this connection in the host's private state folder "
                  "for this connector (<state folder>/oauth/<connection name>-<hash>.json), readable only "
                  "by the host's user."));
    add(entry(keys::callback_url, "CallbackURL", property_type::string, group::oauth, 120)
            .advanced()
            .default_value(endpoints::callback_url)
            .help("Where Sage sends the browser back after sign-in; the connector listens there during "
                  "the OAuth flow. An http:// or https:// URL on this machine (localhost, 127.0.0.1 or "
                  "[::1]) with an explicit port, equal character for character to a Callback URL "
                  "registered for your app in the Sage Developer Portal. Default: http://localhost:3333."));
    add(entry(keys::scope, "Scope", property_type::enumeration, group::oauth, 130)
            .advanced()
            .allowed({"full_access", "readonly"})
            .default_value("full_access")
            .help("The access Sage grants the connection: full_access (read and write) or readonly. "
                  "Default: full_access."));
    add(entry(keys::oauth_verifier, "OAuthVerifier", property_type::string, group::oauth, 140)
            .advanced()
            .secret()
            .help("For signing in without a browser here: the authorization code from the callback URL "
                  "(code=...) after signing in on another machine. Single-use and valid for 60 seconds; "
                  "the connector exchanges it for tokens and stores them in OAuthSettingsLocation."));
    add(entry(keys::oauth_authorization_timeout, "OAuthAuthorizationTimeout", property_type::integer, group::oauth, 145)
            .advanced()
            .range(5, 3600)
            .default_value("300")
            .help("Seconds to wait for the browser to come back to the CallbackURL during sign-in, 5 to "
                  "3600. Default: 300."));
    add(entry(keys::oauth_expires_in, "OAuthExpiresIn", property_type::integer, group::oauth, 150)
            .advanced()
            .range(0, 31'622'400) // a year: larger would overflow the clock arithmetic
            .help("The lifetime in seconds of the Access Token you supply (Sage issues 300). With "
                  "OAuthTokenTimestamp it tells the connector when to refresh. Optional."));
    add(entry(keys::oauth_token_timestamp, "OAuthTokenTimestamp", property_type::integer, group::oauth, 160)
            .advanced()
            .range(0, 253'402'300'799'999) // up to the end of year 9999, in milliseconds
            .help("When the Access Token you supply was issued, in Unix epoch milliseconds (e.g. "
                  "1700000000000), as CData defines it. Used with OAuthExpiresIn. Optional."));
    add(entry(keys::country, "Country", property_type::enumeration, group::business, 200)
            .advanced()
            .allowed({"gb", "ie", "ca", "us", "de", "es", "fr"})
            .help("Preselects the Sage region on the sign-in page: gb, ie or ca (older Sage regions: us, "
                  "de, es, fr). Optional; without it the user chooses on the page."));
    add(entry(keys::locale, "Locale", property_type::string, group::business, 210)
            .advanced()
            .help("The language of Sage's sign-in page, as language-REGION, e.g. en-GB or fr-CA. "
                  "Optional."));
    add(entry(keys::business_id, "BusinessId", property_type::string, group::business, 220)
            .advanced()
            .help("The Sage business to work with, sent as the X-Business header: 32 hexadecimal digits, "
                  "as listed by Sage's GET /businesses. Optional; without it Sage uses the user's lead "
                  "business, which changes if the user picks another lead business in Sage."));
    add(entry(keys::timeout, "Timeout", property_type::integer, group::network, 300)
            .advanced()
            .range(1, 3600)
            .default_value("60")
            .help("Seconds to wait for each HTTP request to Sage before giving up, 1 to 3600. Default: 60."));
    add(entry(keys::proxy_server, "ProxyServer", property_type::string, group::network, 310)
            .advanced()
            .help("The host name or IP address of an HTTP proxy to reach Sage through, e.g. "
                  "proxy.example.com (no scheme, no port). Optional; without it the connector connects "
                  "directly."));
    add(entry(keys::proxy_port, "ProxyPort", property_type::integer, group::network, 320)
            .advanced()
            .range(1, 65535)
            .help("The port of ProxyServer, 1 to 65535. Optional; 80 when ProxyServer is set without it."));
    add(entry(keys::proxy_user, "ProxyUser", property_type::string, group::network, 330)
            .advanced()
            .help("The user name for ProxyServer, when the proxy asks for one (HTTP Basic). Optional."));
    add(entry(keys::proxy_password, "ProxyPassword", property_type::string, group::network, 340)
            .advanced()
            .secret()
            .help("The password of ProxyUser, sent to ProxyServer when the proxy asks for authentication. "
                  "Optional."));
    add(entry(keys::trust_keystore_for_sage, "TrustKeystoreForSage", property_type::boolean, group::security, 350)
            .advanced()
            .default_value("false")
            .help("Trust the uploaded keystore's CA certificates for Sage's own hosts too, as a "
                  "TLS-inspecting corporate proxy needs. Off by default: those CAs are trusted only for "
                  "other hosts (a local test double), and Sage's hosts are verified against the system's "
                  "trust store alone. Turning it on requires your own Client ID and Client Secret (the "
                  "host's OAuth app is never sent over a transport the form chose). Default: false."));
    add(entry(keys::authorize_url, "AuthorizeURL", property_type::string, group::endpoint, 400)
            .advanced()
            .default_value(endpoints::authorize_url)
            .help("Sage's OAuth sign-in page. Change it only to point at a Sage test double: the host must "
                  "be one of Sage's (www.sageone.com, oauth.accounting.sage.com, api.accounting.sage.com) "
                  "or this machine, over https (http only on this machine with Enable SSL off). Default: "
                  "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1."));
    add(entry(keys::token_url, "TokenURL", property_type::string, group::endpoint, 410)
            .advanced()
            .default_value(endpoints::token_url)
            .help("Sage's OAuth token endpoint, where codes and refresh tokens are exchanged. Same rules "
                  "as AuthorizeURL. Default: https://oauth.accounting.sage.com/token."));
    add(entry(keys::api_base_url, "ApiBaseURL", property_type::string, group::endpoint, 420)
            .advanced()
            .default_value(endpoints::api_base_url)
            .help("The base of Sage's Accounting API v3.1, which every request path is appended to. Same "
                  "rules as AuthorizeURL. Default: https://api.accounting.sage.com/v3.1."));
    return c;
}

} // namespace

const std::vector<property_descriptor>& property_catalog()
{
    static const std::vector<property_descriptor> catalog = build_catalog();
    return catalog;
}

const property_descriptor* find_property(std::string_view key)
{
    return connector_sdk::find_property(property_catalog(), key);
}

const property_descriptor& property(std::string_view key)
{
    if (const property_descriptor* d = find_property(key))
        return *d;
    throw std::out_of_range("the property catalogue has no key '" + std::string(key) + "'");
}

std::string label_of(std::string_view key)
{
    return connector_sdk::label_of(property_catalog(), key);
}

} // namespace sage
