// The connection form read into one typed value: what every later part of the connector (HTTPS
// client, OAuth, token store) consumes. Resolving applies aliases, Add Configuration, conversions and
// defaults, and reports each value that cannot be converted; policy checks live in form_validation.
#pragma once

#include "form/oauth_settings_location.hpp"
#include "transport/endpoint.hpp"

#include <connector_sdk/form.hpp>
#include <connector_sdk/results.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sage {

// InitiateOAuth, as CData defines it.
enum class initiate_oauth_mode : std::uint8_t {
    off,             // use the Access Token as given; never refresh
    get_and_refresh, // sign in through the browser when no token is stored, then refresh
    refresh,         // start from the given tokens and refresh them
};

enum class oauth_scope : std::uint8_t { full_access, readonly };

enum class sage_country : std::uint8_t { gb, ie, ca, us, de, es, fr };

// The canonical spellings, as the catalogue lists them ("GETANDREFRESH", "full_access", "gb").
[[nodiscard]] std::string_view to_string(initiate_oauth_mode mode) noexcept;
[[nodiscard]] std::string_view to_string(oauth_scope scope) noexcept;
[[nodiscard]] std::string_view to_string(sage_country country) noexcept;

struct proxy_settings {
    std::string server;                  // host name or address, no scheme
    std::uint16_t port = 80;             // ProxyPort, 80 when not given
    std::optional<std::string> user;     // ProxyUser
    std::optional<std::string> password; // ProxyPassword (secret)
};

// Every property of the form, typed. A default-constructed value holds the catalogue's defaults.
// Optional members are empty when the form left them empty; secrets are held as given and must never
// reach a message or a log line.
struct connection_settings {
    std::string connection_name; // trimmed

    std::optional<std::string> client_id;
    std::optional<std::string> client_secret; // secret
    std::optional<std::string> access_token;  // secret
    std::optional<std::string> refresh_token; // secret

    bool enable_ssl = true;
    std::optional<connector_sdk::file_value> keystore_file; // raw upload; read it with load_keystore
    std::optional<std::string> keystore_password;           // secret, untrimmed

    initiate_oauth_mode initiate_oauth = initiate_oauth_mode::get_and_refresh;
    oauth_settings_location oauth_settings;
    endpoint callback_url;
    oauth_scope scope = oauth_scope::full_access;
    std::optional<std::string> oauth_verifier;    // secret: an authorization code
    std::chrono::seconds authorization_wait{300}; // OAuthAuthorizationTimeout
    std::optional<std::chrono::seconds> oauth_expires_in;
    std::optional<std::chrono::sys_time<std::chrono::milliseconds>> oauth_token_timestamp;

    std::optional<sage_country> country;
    std::optional<std::string> locale;      // "en-GB" when well formed (language lower, region upper)
    std::optional<std::string> business_id; // lower-case when it is hexadecimal; sent as X-Business

    std::chrono::seconds timeout{60};
    std::optional<proxy_settings> proxy; // present when ProxyServer is given

    endpoint authorize_url;
    endpoint token_url;
    endpoint api_base_url;
    bool trust_keystore_for_sage = false; // TrustKeystoreForSage: the keystore's CAs also vouch for Sage

    connection_settings();
};

// Whether the connection uses the default transport: Sage's own endpoints, verified TLS against the
// system's trust store, no proxy and no uploaded keystore. Only then may the host's own OAuth app
// (host_services::default_oauth_app) be used: its secret never travels a route a form chose.
[[nodiscard]] bool uses_default_transport(const connection_settings& settings) noexcept;

// The form resolved: the typed settings, the values that could not be converted, and what the form
// actually gave (for cross-field rules and for the record a host stores).
struct settings_resolution {
    connection_settings settings;

    // One per value that could not be read: wrong type, not a number, outside an enum or the
    // catalogue's bounds, malformed URL or location, unknown key, the same key given twice with
    // different values. Messages name the field and never contain a secret value.
    std::vector<connector_sdk::field_error> errors;

    // Canonical keys the form gave a non-empty value for (converted or not).
    std::set<std::string, std::less<>> given;
    // Canonical keys whose value could not be converted; their settings member holds the default.
    std::set<std::string, std::less<>> failed;

    // The given values under their canonical keys, converted (booleans as bool, integers as int64,
    // enums in canonical spelling, text trimmed except passwords, the keystore as a file_value), in
    // catalogue order, each with the catalogue's secret flag. Add Configuration is folded in.
    std::vector<connector_sdk::record_field> normalised;

    [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
    [[nodiscard]] bool is_given(std::string_view key) const { return given.find(key) != given.end(); }
    [[nodiscard]] bool has_failed(std::string_view key) const { return failed.find(key) != failed.end(); }
    // Given and converted: safe to use in a rule about this key.
    [[nodiscard]] bool usable(std::string_view key) const { return is_given(key) && !has_failed(key); }
};

// Resolves a host's form. Rules: a value may come as a top-level key or inside Add Configuration
// (key_value_pairs, or text "Key=Value;Key2=Value2"); keys match without regard to ASCII case; CData's
// OAuthClientId, OAuthClientSecret, OAuthAccessToken, OAuthRefreshToken are aliases; an empty value
// is an absent one; defaults come from the catalogue. Throws only std::bad_alloc.
[[nodiscard]] settings_resolution resolve_settings(const connector_sdk::form_values& form);

// The canonical key for `given` (any case, or a CData alias), or nothing when the key is unknown.
[[nodiscard]] std::optional<std::string_view> canonical_key(std::string_view given);

} // namespace sage
