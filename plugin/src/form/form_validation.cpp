#include "form/form_validation.hpp"

#include "form/property_catalog.hpp"
#include "form/property_keys.hpp"
#include "sage/sage_endpoints.hpp"
#include "transport/header_text.hpp"
#include <connector_sdk/credential_store.hpp>
#include <connector_support/ascii_text.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace sage {

namespace {

using connector_sdk::field_error;

constexpr std::size_t max_connection_name_length = 128;

constexpr std::string_view loopback_hosts_text = "this machine (localhost, 127.0.0.1 or [::1])";

bool is_hex_digit(char c) noexcept
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_alpha(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_sage_host(std::string_view host) noexcept
{
    return std::any_of(endpoints::sage_hosts.begin(), endpoints::sage_hosts.end(),
                       [host](std::string_view sage_host) { return host == sage_host; });
}

std::string sage_hosts_text()
{
    std::string text;
    for (std::string_view host : endpoints::sage_hosts)
        text += (text.empty() ? "" : ", ") + std::string(host);
    return text;
}

// The rules, each a small member function reading the resolved form and adding errors.
class checker {
public:
    checker(validated_form& out, const validation_environment& environment) : out_(out), environment_(environment) {}

    void run()
    {
        connection_name();
        locale();
        business_id();
        for (auto [key, member] : endpoint_members)
            service_endpoint(key, out_.settings().*member);
        plain_http_needs_loopback();
        callback_url();
        keystore_file();
        needs(keys::keystore_password, keys::keystore_file);
        trust_keystore_for_sage();
        proxy();
        plain_http_never_through_a_proxy();
        bearer_token(keys::access_token, settings().access_token);
        bearer_token(keys::refresh_token, settings().refresh_token);
        oauth();
        settings_location_kept_by_host();
    }

private:
    // The host keeps the tokens in its credential store: a location in the form is not used.
    void settings_location_kept_by_host()
    {
        if (environment_.host_keeps_credentials &&
            settings().oauth_settings.where != oauth_settings_location::kind::host_default &&
            settings().initiate_oauth != initiate_oauth_mode::off)
            out_.notes.emplace_back("OAuthSettingsLocation is not used: this host keeps the tokens in its credential "
                                    "store");
    }

    static constexpr std::array<std::pair<std::string_view, endpoint connection_settings::*>, 3> endpoint_members = {{
        {keys::authorize_url, &connection_settings::authorize_url},
        {keys::token_url, &connection_settings::token_url},
        {keys::api_base_url, &connection_settings::api_base_url},
    }};

    const settings_resolution& resolved() const noexcept { return out_.resolution; }
    const connection_settings& settings() const noexcept { return out_.settings(); }
    static std::string label(std::string_view key) { return label_of(key); }

    void error(std::string_view key, std::string message)
    {
        out_.errors.push_back({std::string(key), std::move(message)});
    }

    // A value is available to a rule when it was given and converted, or defaulted; a failed key is
    // already reported and must not set off further rules.
    bool failed(std::string_view key) const { return resolved().has_failed(key); }

    void connection_name()
    {
        if (failed(keys::connection_name))
            return;
        const std::string& name = settings().connection_name;
        const std::string l = label(keys::connection_name);
        if (name.empty()) {
            error(keys::connection_name, l + " is required: enter the name this connection will be listed under");
            return;
        }
        if (name.size() > max_connection_name_length)
            error(keys::connection_name, l + " is " + std::to_string(name.size()) + " characters long; use at most " +
                                             std::to_string(max_connection_name_length));
        if (std::any_of(name.begin(), name.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
            error(keys::connection_name, l + " contains a control character (a tab or line break): use plain text");
    }

    void locale()
    {
        if (!settings().locale || failed(keys::locale))
            return;
        const std::string& v = *settings().locale;
        if (v.size() == 5 && is_alpha(v[0]) && is_alpha(v[1]) && v[2] == '-' && is_alpha(v[3]) && is_alpha(v[4]))
            return;
        error(keys::locale, label(keys::locale) + " must be a language and a region like en-GB or fr-CA; got " +
                                connector_support::quote_for_message(v));
    }

    void business_id()
    {
        if (!settings().business_id || failed(keys::business_id))
            return;
        const std::string& v = *settings().business_id;
        if (v.size() == 32 && std::all_of(v.begin(), v.end(), is_hex_digit))
            return;
        error(keys::business_id, label(keys::business_id) +
                                     " must be 32 hexadecimal digits, the id Sage's GET /businesses lists for the "
                                     "business; got " +
                                     connector_support::quote_for_message(v));
    }

    // The host rule comes first: a token must never travel to a host that is not Sage's.
    void service_endpoint(std::string_view key, const endpoint& e)
    {
        if (failed(key))
            return;
        const std::string l = label(key);
        if (e.has_userinfo) {
            error(key,
                  l + " must not contain a user name or password before the host: remove the 'user:password@' part");
            return;
        }
        if (e.has_fragment) {
            error(key, l + " must not contain a '#' fragment: remove it");
            return;
        }
        if (!e.https() && !e.http()) {
            error(key,
                  l + " must be an https:// URL; got the scheme " + connector_support::quote_for_message(e.scheme, 20));
            return;
        }
        if (!is_sage_host(e.host) && !e.loopback) {
            error(key, l + " points at " + connector_support::quote_for_message(e.host) +
                           ", which is not a Sage host: tokens are only "
                           "ever sent to " +
                           sage_hosts_text() + " or a sandbox on " + std::string(loopback_hosts_text) + "; remove " +
                           l + " to use Sage's own endpoint");
            return;
        }
        if (e.http() && !e.loopback) {
            error(key, l +
                           " must use https: Sage is reached only over https (plain http is allowed only for a "
                           "sandbox on " +
                           std::string(loopback_hosts_text) + " with Enable SSL off)");
            return;
        }
        if (e.http() && settings().enable_ssl)
            error(key, l + " uses plain http, which is allowed only with Enable SSL turned off: use https, or set "
                           "Enable SSL to false to reach a plain-http sandbox on this machine");
    }

    void plain_http_needs_loopback()
    {
        if (settings().enable_ssl || failed(keys::enable_ssl))
            return;
        std::vector<std::string> remote;
        for (auto [key, member] : endpoint_members)
            if (!failed(key) && !(settings().*member).loopback)
                remote.push_back(label(key));
        if (remote.empty())
            return;
        std::string list;
        for (std::size_t i = 0; i < remote.size(); ++i)
            list += (i == 0 ? "" : i + 1 == remote.size() ? " and " : ", ") + remote[i];
        error(keys::enable_ssl, label(keys::enable_ssl) + " is off, but " + list +
                                    (remote.size() == 1 ? " points" : " point") +
                                    " at a server that is not on this machine, and such servers are reached only "
                                    "with SSL: turn Enable SSL on, or point " +
                                    list + " at a sandbox on " + std::string(loopback_hosts_text));
    }

    // Plain HTTP leaves this machine through a proxy, whatever the target: the hop counts.
    void plain_http_never_through_a_proxy()
    {
        if (settings().enable_ssl || failed(keys::enable_ssl) || !settings().proxy || failed(keys::proxy_server))
            return;
        error(keys::enable_ssl, label(keys::enable_ssl) + " is off while " + label(keys::proxy_server) +
                                    " is set: plain HTTP would carry the tokens and the Client Secret in clear to "
                                    "the proxy. Turn Enable SSL on, or clear " +
                                    label(keys::proxy_server) + " to reach a plain-http sandbox on this machine");
    }

    // RFC 6750: a bearer token is a b64token. Anything else (a line break above all) could add a
    // header of its own to every request it is sent with.
    void bearer_token(std::string_view key, const std::optional<std::string>& value)
    {
        if (!value || failed(key) || is_b64token(*value))
            return;
        error(key, label(key) + " is not a valid OAuth token: tokens contain only letters, digits and - . _ ~ + / "
                                "(with = at the end). Paste the token again, without spaces, quotes or line breaks");
    }

    void trust_keystore_for_sage()
    {
        if (!settings().trust_keystore_for_sage || failed(keys::trust_keystore_for_sage))
            return;
        if (!resolved().is_given(keys::keystore_file))
            error(keys::trust_keystore_for_sage, label(keys::trust_keystore_for_sage) +
                                                     " is on but no keystore is uploaded: upload the CA "
                                                     "certificate of your TLS-inspecting proxy as the " +
                                                     label(keys::keystore_file) + ", or turn " +
                                                     label(keys::trust_keystore_for_sage) + " off");
    }

    // RFC 8252: a native app receives the redirect on a loopback listener, so the port must be known.
    void callback_url()
    {
        if (failed(keys::callback_url))
            return;
        const endpoint& e = settings().callback_url;
        const std::string l = label(keys::callback_url);
        if (e.has_userinfo || e.has_fragment) {
            error(keys::callback_url, l + " must not contain a user name, password or '#' fragment: use e.g. "
                                          "http://localhost:3333");
            return;
        }
        if (!e.https() && !e.http()) {
            error(keys::callback_url,
                  l + " must be an http:// or https:// URL, e.g. http://localhost:3333; got the scheme " +
                      connector_support::quote_for_message(e.scheme, 20));
            return;
        }
        if (!e.loopback) {
            error(keys::callback_url, l + " must be on " + std::string(loopback_hosts_text) +
                                          " so the connector can receive Sage's redirect itself; got the host " +
                                          connector_support::quote_for_message(e.host) +
                                          ". Use e.g. http://localhost:3333 and register "
                                          "the same URL for your app in the Sage Developer Portal");
            return;
        }
        if (!e.explicit_port)
            error(keys::callback_url, l + " needs an explicit port, e.g. http://localhost:3333, equal to the "
                                          "Callback URL registered for your app in the Sage Developer Portal");
    }

    void keystore_file()
    {
        if (!settings().keystore_file || failed(keys::keystore_file) || failed(keys::keystore_password))
            return;
        const auto& file = *settings().keystore_file;
        const keystore_labels labels{label(keys::keystore_file), label(keys::keystore_password)};
        auto loaded =
            load_keystore(file.content, file.file_name, settings().keystore_password, environment_.now, labels);
        if (!loaded) {
            error(blames_password(loaded.error(), labels) ? keys::keystore_password : keys::keystore_file,
                  std::move(loaded.error().message));
            return;
        }
        out_.notes.insert(out_.notes.end(), loaded->notes().begin(), loaded->notes().end());
        out_.loaded_keystore = std::make_shared<const keystore>(std::move(*loaded));
    }

    // `key` only means something together with `partner`.
    void needs(std::string_view key, std::string_view partner)
    {
        if (resolved().is_given(key) && !resolved().is_given(partner))
            error(key, label(key) + " is set but " + label(partner) + " is not: set " + label(partner) + ", or clear " +
                           label(key));
    }

    void proxy()
    {
        for (std::string_view key : {keys::proxy_port, keys::proxy_user, keys::proxy_password})
            needs(key, keys::proxy_server);
        if (!settings().proxy || failed(keys::proxy_server))
            return;
        const std::string& server = settings().proxy->server;
        const std::string l = label(keys::proxy_server);
        if (server.find("://") != std::string::npos || server.find('/') != std::string::npos ||
            server.find('@') != std::string::npos ||
            std::any_of(server.begin(), server.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20; })) {
            error(keys::proxy_server, l + " must be only a host name or IP address, e.g. proxy.example.com (no "
                                          "scheme, path or credentials; put those in ProxyPort, ProxyUser and "
                                          "ProxyPassword)");
            return;
        }
        const auto colon = server.find(':');
        if (colon != std::string::npos && server.find(':', colon + 1) == std::string::npos)
            error(keys::proxy_server, l + " must not include a port: give the host name alone and put the port in "
                                          "ProxyPort");
    }

    void require(std::string_view key, std::string_view why)
    {
        if (!resolved().is_given(key))
            error(key, label(key) + " is required " + std::string(why));
    }

    void oauth()
    {
        const bool has_id = resolved().is_given(keys::client_id);
        const bool has_secret = resolved().is_given(keys::client_secret);
        // Client ID and Client Secret only work as a pair, whatever the mode.
        if (has_id != has_secret) {
            const std::string_view missing = has_id ? keys::client_secret : keys::client_id;
            const std::string_view present = has_id ? keys::client_id : keys::client_secret;
            error(missing, label(missing) + " is required when " + label(present) +
                               " is given: enter both from your app in the Sage Developer Portal, or clear " +
                               label(present));
        }
        if (failed(keys::initiate_oauth))
            return;
        const std::string mode = "InitiateOAuth is " + std::string(to_string(settings().initiate_oauth));
        switch (settings().initiate_oauth) {
        case initiate_oauth_mode::off:
            require(keys::access_token, "when " + mode +
                                            ": paste a current access token, or set InitiateOAuth "
                                            "to GETANDREFRESH so the connector signs in and refreshes by itself");
            break;
        case initiate_oauth_mode::refresh:
            require(keys::refresh_token, "when " + mode +
                                             ": paste the refresh token, or set InitiateOAuth to "
                                             "GETANDREFRESH so the connector signs in by itself");
            if (!has_id && !has_secret) {
                const std::string why = "when " + mode +
                                        ": refreshing needs the Client ID and Client Secret of "
                                        "the app the tokens were issued to (Sage Developer Portal)";
                require(keys::client_id, why);
                require(keys::client_secret, why);
            }
            break;
        case initiate_oauth_mode::get_and_refresh:
            if (!has_id && !has_secret && !environment_.host_offers_oauth_app) {
                const std::string why = "when " + mode +
                                        " and this host provides no OAuth app of its own: enter "
                                        "your app's Client ID and Client Secret from the Sage Developer Portal";
                require(keys::client_id, why);
                require(keys::client_secret, why);
            } else if (!has_id && !has_secret && !uses_default_transport(settings())) {
                const std::string why = "when " + mode + " with " + custom_transport_text() +
                                        ": this host's own OAuth app is used only with Sage's own endpoints, "
                                        "the system's trust store and no proxy. Enter your app's Client ID and "
                                        "Client Secret from the Sage Developer Portal, or remove those settings";
                require(keys::client_id, why);
                require(keys::client_secret, why);
            }
            break;
        }
    }

    // What makes the transport the form's own rather than the default, for a message.
    std::string custom_transport_text() const
    {
        const connection_settings& s = settings();
        std::vector<std::string> parts;
        if (!s.enable_ssl)
            parts.push_back(label(keys::enable_ssl) + " off");
        if (s.proxy)
            parts.push_back("a proxy (" + label(keys::proxy_server) + ")");
        if (s.keystore_file)
            parts.push_back("an uploaded keystore");
        if (s.trust_keystore_for_sage)
            parts.push_back(label(keys::trust_keystore_for_sage));
        static const connection_settings defaults;
        for (auto [key, member] : endpoint_members)
            if ((s.*member).url != (defaults.*member).url)
                parts.push_back("a custom " + label(key));
        std::string text;
        for (std::size_t i = 0; i < parts.size(); ++i)
            text += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
        return text.empty() ? "a custom transport" : text;
    }

    validated_form& out_;
    const validation_environment& environment_;
};

// Errors follow the form's display order, so a host can show them next to their fields in order.
void sort_by_catalogue_order(std::vector<field_error>& errors)
{
    const auto order_of = [](const field_error& e) {
        const auto* property = find_property(e.key);
        return property != nullptr ? property->order : std::numeric_limits<int>::max();
    };
    std::stable_sort(errors.begin(), errors.end(),
                     [&](const field_error& a, const field_error& b) { return order_of(a) < order_of(b); });
}

} // namespace

validation_environment environment_of(connector_sdk::host_services& services, std::string_view connector_id)
{
    validation_environment environment;
    const auto app = services.default_oauth_app(connector_id);
    environment.host_offers_oauth_app = app && !app->client_id.empty() && !app->client_secret.empty();
    environment.now = services.now();
    environment.host_keeps_credentials =
        connector_sdk::find_service<connector_sdk::credential_store>(services) != nullptr;
    return environment;
}

validated_form validate(const connector_sdk::form_values& form, const validation_environment& environment)
{
    validated_form out;
    out.resolution = resolve_settings(form);
    out.errors = out.resolution.errors;
    checker(out, environment).run();
    sort_by_catalogue_order(out.errors);
    return out;
}

} // namespace sage
