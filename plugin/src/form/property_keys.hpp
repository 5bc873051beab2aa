// The connection form's property keys, spelled once. Every other unit names a property through these
// constants, so a key can never drift between the catalogue, the resolver and the validator.
#pragma once

#include <connector_sdk/property.hpp>

#include <array>
#include <string_view>

namespace sage::keys {

// The form of the marketplace page.
inline constexpr std::string_view connection_name = connector_sdk::connection_name_key; // "ConnectionName"
inline constexpr std::string_view client_id = "ClientId";
inline constexpr std::string_view client_secret = "ClientSecret";
inline constexpr std::string_view access_token = "AccessToken";
inline constexpr std::string_view refresh_token = "RefreshToken";
inline constexpr std::string_view enable_ssl = "EnableSSL";
inline constexpr std::string_view keystore_file = "KeystoreFile";
inline constexpr std::string_view keystore_password = "KeystorePassword";
inline constexpr std::string_view additional_configuration = "AdditionalConfiguration";

// The advanced keys Add Configuration accepts (CData's property names).
inline constexpr std::string_view initiate_oauth = "InitiateOAuth";
inline constexpr std::string_view oauth_settings_location = "OAuthSettingsLocation";
inline constexpr std::string_view callback_url = "CallbackURL";
inline constexpr std::string_view scope = "Scope";
inline constexpr std::string_view country = "Country";
inline constexpr std::string_view locale = "Locale";
inline constexpr std::string_view business_id = "BusinessId";
inline constexpr std::string_view timeout = "Timeout";
inline constexpr std::string_view oauth_expires_in = "OAuthExpiresIn";
inline constexpr std::string_view oauth_token_timestamp = "OAuthTokenTimestamp";
inline constexpr std::string_view oauth_verifier = "OAuthVerifier";
inline constexpr std::string_view oauth_authorization_timeout = "OAuthAuthorizationTimeout";
inline constexpr std::string_view proxy_server = "ProxyServer";
inline constexpr std::string_view proxy_port = "ProxyPort";
inline constexpr std::string_view proxy_user = "ProxyUser";
inline constexpr std::string_view proxy_password = "ProxyPassword";
inline constexpr std::string_view authorize_url = "AuthorizeURL";
inline constexpr std::string_view token_url = "TokenURL";
inline constexpr std::string_view api_base_url = "ApiBaseURL";
inline constexpr std::string_view trust_keystore_for_sage = "TrustKeystoreForSage";

// CData's names for four of the form's fields, accepted anywhere a key is accepted.
struct key_alias {
    std::string_view alias;
    std::string_view canonical;
};

inline constexpr std::array<key_alias, 4> aliases = {{
    {"OAuthClientId", client_id},
    {"OAuthClientSecret", client_secret},
    {"OAuthAccessToken", access_token},
    {"OAuthRefreshToken", refresh_token},
}};

} // namespace sage::keys
