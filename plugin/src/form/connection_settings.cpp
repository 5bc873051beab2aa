#include "form/connection_settings.hpp"

#include "form/additional_configuration.hpp"
#include "form/property_catalog.hpp"
#include "form/property_conversion.hpp"
#include "form/property_keys.hpp"
#include "form/text_similarity.hpp"
#include "sage/sage_endpoints.hpp"
#include <connector_sdk/utf8_text.hpp>
#include <connector_support/ascii_text.hpp>

#include <array>
#include <map>
#include <stdexcept>
#include <utility>

namespace sage {

namespace {

using connector_sdk::field_error;
using connector_sdk::file_value;
using connector_sdk::form_value;
using connector_sdk::key_value_pairs;
using connector_sdk::property_descriptor;
using connector_support::fail;
using connector_support::result;

// --- Typed assignment: one small function per key ---------------------------------------------------
// Each takes a value convert_value produced for that key and stores it; a failure's sentence is
// phrased to follow the label ("is not a valid absolute URL ...").

const std::string& text(const form_value& v)
{
    return std::get<std::string>(v);
}
std::int64_t integer(const form_value& v)
{
    return std::get<std::int64_t>(v);
}

using assigner = result<void> (*)(connection_settings&, const form_value&);

template <std::optional<std::string> connection_settings::*member>
result<void> assign_text(connection_settings& s, const form_value& v)
{
    s.*member = text(v);
    return {};
}

template <endpoint connection_settings::*member>
result<void> assign_endpoint(connection_settings& s, const form_value& v)
{
    endpoint_parse_result parsed = parse_endpoint(text(v));
    if (!parsed.value)
        return fail(connector_sdk::error_category::config, std::move(parsed.error));
    s.*member = std::move(*parsed.value);
    return {};
}

result<void> assign_connection_name(connection_settings& s, const form_value& v)
{
    s.connection_name = text(v);
    return {};
}

result<void> assign_enable_ssl(connection_settings& s, const form_value& v)
{
    s.enable_ssl = std::get<bool>(v);
    return {};
}

result<void> assign_trust_keystore_for_sage(connection_settings& s, const form_value& v)
{
    s.trust_keystore_for_sage = std::get<bool>(v);
    return {};
}

result<void> assign_keystore_file(connection_settings& s, const form_value& v)
{
    s.keystore_file = std::get<file_value>(v);
    return {};
}

result<void> assign_initiate_oauth(connection_settings& s, const form_value& v)
{
    for (auto mode : {initiate_oauth_mode::off, initiate_oauth_mode::get_and_refresh, initiate_oauth_mode::refresh})
        if (to_string(mode) == text(v))
            s.initiate_oauth = mode;
    return {};
}

result<void> assign_oauth_settings_location(connection_settings& s, const form_value& v)
{
    auto parsed = parse_oauth_settings_location(text(v));
    if (!parsed)
        return parsed.error();
    s.oauth_settings = std::move(*parsed);
    return {};
}

result<void> assign_scope(connection_settings& s, const form_value& v)
{
    s.scope = text(v) == to_string(oauth_scope::readonly) ? oauth_scope::readonly : oauth_scope::full_access;
    return {};
}

result<void> assign_country(connection_settings& s, const form_value& v)
{
    using enum sage_country;
    for (auto country : {gb, ie, ca, us, de, es, fr})
        if (to_string(country) == text(v))
            s.country = country;
    return {};
}

result<void> assign_oauth_expires_in(connection_settings& s, const form_value& v)
{
    s.oauth_expires_in = std::chrono::seconds(integer(v));
    return {};
}

result<void> assign_oauth_token_timestamp(connection_settings& s, const form_value& v)
{
    s.oauth_token_timestamp = std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(integer(v)));
    return {};
}

result<void> assign_timeout(connection_settings& s, const form_value& v)
{
    s.timeout = std::chrono::seconds(integer(v));
    return {};
}

result<void> assign_authorization_wait(connection_settings& s, const form_value& v)
{
    s.authorization_wait = std::chrono::seconds(integer(v));
    return {};
}

// The proxy members follow ProxyServer in catalogue order, so the proxy exists when they arrive;
// without ProxyServer they are dropped here and form_validation reports them.
result<void> assign_proxy_server(connection_settings& s, const form_value& v)
{
    s.proxy.emplace().server = text(v);
    return {};
}

result<void> assign_proxy_port(connection_settings& s, const form_value& v)
{
    if (s.proxy)
        s.proxy->port = static_cast<std::uint16_t>(integer(v)); // the catalogue bounds it to 1..65535
    return {};
}

result<void> assign_proxy_user(connection_settings& s, const form_value& v)
{
    if (s.proxy)
        s.proxy->user = text(v);
    return {};
}

result<void> assign_proxy_password(connection_settings& s, const form_value& v)
{
    if (s.proxy)
        s.proxy->password = text(v);
    return {};
}

struct key_assigner {
    std::string_view key;
    assigner assign;
};

constexpr std::array<key_assigner, 29> assigners = {{
    {keys::connection_name, &assign_connection_name},
    {keys::client_id, &assign_text<&connection_settings::client_id>},
    {keys::client_secret, &assign_text<&connection_settings::client_secret>},
    {keys::access_token, &assign_text<&connection_settings::access_token>},
    {keys::refresh_token, &assign_text<&connection_settings::refresh_token>},
    {keys::enable_ssl, &assign_enable_ssl},
    {keys::keystore_file, &assign_keystore_file},
    {keys::keystore_password, &assign_text<&connection_settings::keystore_password>},
    {keys::initiate_oauth, &assign_initiate_oauth},
    {keys::oauth_settings_location, &assign_oauth_settings_location},
    {keys::callback_url, &assign_endpoint<&connection_settings::callback_url>},
    {keys::scope, &assign_scope},
    {keys::oauth_verifier, &assign_text<&connection_settings::oauth_verifier>},
    {keys::oauth_authorization_timeout, &assign_authorization_wait},
    {keys::oauth_expires_in, &assign_oauth_expires_in},
    {keys::oauth_token_timestamp, &assign_oauth_token_timestamp},
    {keys::country, &assign_country},
    {keys::locale, &assign_text<&connection_settings::locale>},
    {keys::business_id, &assign_text<&connection_settings::business_id>},
    {keys::timeout, &assign_timeout},
    {keys::proxy_server, &assign_proxy_server},
    {keys::proxy_port, &assign_proxy_port},
    {keys::proxy_user, &assign_proxy_user},
    {keys::proxy_password, &assign_proxy_password},
    {keys::authorize_url, &assign_endpoint<&connection_settings::authorize_url>},
    {keys::token_url, &assign_endpoint<&connection_settings::token_url>},
    {keys::api_base_url, &assign_endpoint<&connection_settings::api_base_url>},
    {keys::trust_keystore_for_sage, &assign_trust_keystore_for_sage},
    {keys::additional_configuration, nullptr}, // folded into the other keys, never assigned itself
}};

assigner assigner_for(std::string_view key)
{
    for (const auto& a : assigners)
        if (a.key == key)
            return a.assign;
    return nullptr;
}

// Spellings Sage expects, applied to text that already has the right shape; anything else is left
// for form_validation to explain.
std::string normalise_text(std::string_view key, std::string value)
{
    const auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (key == keys::locale && value.size() == 5 && value[2] == '-' && is_alpha(value[0]) && is_alpha(value[1]) &&
        is_alpha(value[3]) && is_alpha(value[4]))
        return connector_support::to_lower(value.substr(0, 2)) + "-" + connector_support::to_upper(value.substr(3));
    if (key == keys::business_id)
        return connector_support::to_lower(value);
    return value;
}

// A message built in a loop, in one string (no temporary per '+').
template <typename... Parts>
std::string message_of(const Parts&... parts)
{
    std::string out;
    (out += ... += parts);
    return out;
}

// --- Gathering: every place a value was given ----------------------------------------------------

struct occurrence {
    std::string_view key; // canonical
    form_value value;
    std::string where; // after the label in a message: "" or " (given as 'OAuthClientId' in Add Configuration)"
    std::string place; // in a list of places: "the Client ID field", "'OAuthClientId' in Add Configuration"
    bool from_configuration = false;
};

std::vector<std::string_view> suggestion_candidates()
{
    std::vector<std::string_view> names;
    for (const auto& d : property_catalog())
        if (d.key != keys::additional_configuration)
            names.push_back(d.key);
    for (const auto& alias : keys::aliases)
        names.push_back(alias.alias);
    return names;
}

// "did you mean 'Timeout'?" or, when nothing is close, the nearest key and where the full list is.
std::string suggestion_for(std::string_view unknown)
{
    static const std::vector<std::string_view> candidates = suggestion_candidates();
    const auto nearest = find_nearest(unknown, candidates);
    if (!nearest)
        return {};
    if (is_plausible_typo(unknown, nearest->distance))
        return "did you mean '" + std::string(nearest->word) + "'?";
    return "the nearest known key is '" + std::string(nearest->word) +
           "'; the advanced properties of this form list every key Add Configuration accepts";
}

// Whether `entry` directly follows a secret whose value was not quoted in the text form: then its
// "key" may well be the part of the secret after a ';'.
bool follows_unquoted_secret(const configuration_entry* before, const configuration_entry& entry)
{
    if (before == nullptr || before->quoted || before->position + 1 != entry.position)
        return false;
    const auto key = canonical_key(before->key);
    const auto* property = key ? find_property(*key) : nullptr;
    return property != nullptr && property->secret;
}

class gatherer {
public:
    explicit gatherer(settings_resolution& out) : out_(out) {}

    // Fields first, then Add Configuration, so messages list places in the order a user reads the form.
    void form(const connector_sdk::form_values& values)
    {
        for (const auto& [key, value] : values)
            if (canonical_key(key) != keys::additional_configuration)
                top_level(key, value);
        for (const auto& [key, value] : values)
            if (canonical_key(key) == keys::additional_configuration)
                configuration(value);
    }

    [[nodiscard]] const std::vector<occurrence>& occurrences() const noexcept { return occurrences_; }

private:
    void top_level(const std::string& given_key, const form_value& value)
    {
        const auto key = canonical_key(given_key);
        if (!key) {
            add_error(given_key, connector_support::quote_for_message(given_key, 40) +
                                     " is not a property of this connector; " +
                                     suggestion_for(connector_support::trim(given_key)));
            return;
        }
        occurrence o{*key, value, {}, {}, false};
        if (given_key == *key) {
            o.place = "the " + label_of(*key) + " field";
        } else {
            o.where = " (given as " + connector_support::quote_for_message(given_key, 40) + ")";
            o.place = connector_support::quote_for_message(given_key, 40);
        }
        occurrences_.push_back(std::move(o));
    }

    void configuration(const form_value& value)
    {
        const std::string label = label_of(keys::additional_configuration);
        configuration_entries read;
        if (const auto* s = std::get_if<std::string>(&value)) {
            // Refused whole, by position only: the text may hold secrets.
            if (const auto bad = connector_sdk::utf8::first_invalid_byte(*s)) {
                add_failed(keys::additional_configuration,
                           label + " " + connector_sdk::utf8::invalid_text_problem(*bad));
                return;
            }
            read = parse_configuration_text(*s);
        } else if (const auto* pairs = std::get_if<key_value_pairs>(&value)) {
            for (std::size_t i = 0; i < pairs->size(); ++i) {
                const auto& pair = (*pairs)[i];
                const auto bad_key = connector_sdk::utf8::first_invalid_byte(pair.key);
                const auto bad = bad_key ? bad_key : connector_sdk::utf8::first_invalid_byte(pair.value);
                if (bad) {
                    add_failed(keys::additional_configuration, label + ": the " + (bad_key ? "key" : "value") +
                                                                   " of entry " + std::to_string(i + 1) + " " +
                                                                   connector_sdk::utf8::invalid_text_problem(*bad));
                    return;
                }
            }
            read = read_configuration_pairs(*pairs);
        } else {
            add_failed(keys::additional_configuration,
                       label + " must be key-value pairs (or text Key=Value;Key2=Value2), not " +
                           (std::holds_alternative<bool>(value)           ? "a true/false value"
                            : std::holds_alternative<std::int64_t>(value) ? "a number"
                                                                          : "an uploaded file"));
            return;
        }
        for (const auto& problem : read.problems)
            add_failed(keys::additional_configuration, message_of(label, ": ", problem));
        const configuration_entry* previous = nullptr;
        for (const auto& entry : read.entries) {
            const configuration_entry* before = std::exchange(previous, &entry);
            const auto key = canonical_key(entry.key);
            const std::string quoted = connector_support::quote_for_message(entry.key, 40);
            if (!key && follows_unquoted_secret(before, entry)) {
                // Most likely the rest of that secret, cut at an unquoted ';': never echo it.
                add_failed(keys::additional_configuration,
                           label + ": entry " + std::to_string(entry.position) + ", right after " +
                               label_of(*canonical_key(before->key)) +
                               ", is not a known key; if that secret contains ';', put it in quotes "
                               "(Key=\"value;with;semicolons\")");
                continue;
            }
            if (!key) {
                add_failed(keys::additional_configuration,
                           message_of(label, " has an unknown key ", quoted, " (entry ", std::to_string(entry.position),
                                      "); ", suggestion_for(entry.key)));
                continue;
            }
            if (*key == keys::additional_configuration) {
                add_failed(keys::additional_configuration,
                           message_of(label, " cannot contain ", quoted, " itself: list its pairs directly"));
                continue;
            }
            occurrence o{*key, form_value(entry.value), {}, {}, true};
            o.where = entry.key == *key ? std::string(" (in Add Configuration)")
                                        : " (given as " + quoted + " in Add Configuration)";
            o.place = quoted + " in Add Configuration";
            occurrences_.push_back(std::move(o));
        }
    }

    void add_error(std::string key, std::string message)
    {
        out_.errors.push_back({std::move(key), std::move(message)});
    }
    void add_failed(std::string_view key, std::string message)
    {
        out_.failed.emplace(key);
        add_error(std::string(key), std::move(message));
    }

    settings_resolution& out_;
    std::vector<occurrence> occurrences_;
};

// --- Merging: one value per key -------------------------------------------------------------------

struct merged_value {
    form_value value;
    std::string where;
};

// The single converted value the occurrences of `property` agree on, or nothing (errors recorded).
std::optional<merged_value> merge(const property_descriptor& property, const std::vector<const occurrence*>& found,
                                  settings_resolution& out)
{
    const std::string label = property.label;
    std::optional<merged_value> first;
    const occurrence* first_origin = nullptr;
    bool failed = false;
    for (const occurrence* o : found) {
        if (o->from_configuration && property.type == connector_sdk::property_type::file) {
            out.errors.push_back({property.key, message_of(label, o->where,
                                                           " cannot be given in Add Configuration: upload the file in "
                                                           "the ",
                                                           label, " field")});
            failed = true;
            continue;
        }
        conversion converted = sage::convert_value(property, o->value);
        if (!converted.value) {
            out.errors.push_back({property.key, label + o->where + " " + converted.problem});
            failed = true;
            continue;
        }
        if (auto* t = std::get_if<std::string>(&*converted.value))
            *t = normalise_text(property.key, std::move(*t));
        if (!first) {
            first = merged_value{std::move(*converted.value), o->where};
            first_origin = o;
        } else if (!same_value(first->value, *converted.value)) {
            out.errors.push_back({property.key, label + " is given twice with different values, as " +
                                                    first_origin->place + " and as " + o->place +
                                                    ": keep only one of them"});
            failed = true;
        }
    }
    if (failed) {
        out.failed.insert(property.key);
        return std::nullopt;
    }
    return first;
}

} // namespace

std::string_view to_string(initiate_oauth_mode mode) noexcept
{
    switch (mode) {
    case initiate_oauth_mode::off: return "OFF";
    case initiate_oauth_mode::get_and_refresh: return "GETANDREFRESH";
    case initiate_oauth_mode::refresh: return "REFRESH";
    }
    return "GETANDREFRESH";
}

std::string_view to_string(oauth_scope scope) noexcept
{
    return scope == oauth_scope::readonly ? "readonly" : "full_access";
}

std::string_view to_string(sage_country country) noexcept
{
    switch (country) {
    case sage_country::gb: return "gb";
    case sage_country::ie: return "ie";
    case sage_country::ca: return "ca";
    case sage_country::us: return "us";
    case sage_country::de: return "de";
    case sage_country::es: return "es";
    case sage_country::fr: return "fr";
    }
    return "gb";
}

// The catalogue's defaults, applied through the same conversion as a form's values, so the catalogue
// stays the one place a default is written.
connection_settings::connection_settings()
{
    for (const auto& property : property_catalog()) {
        if (!property.default_value)
            continue;
        conversion converted = sage::convert_value(property, form_value(*property.default_value));
        const assigner assign = assigner_for(property.key);
        if (!converted.value || assign == nullptr || !assign(*this, *converted.value))
            throw std::logic_error("the catalogue's default for " + property.key + " does not convert");
    }
}

bool uses_default_transport(const connection_settings& s) noexcept
{
    return s.enable_ssl && !s.proxy && !s.keystore_file && !s.trust_keystore_for_sage &&
           s.authorize_url.url == endpoints::authorize_url && s.token_url.url == endpoints::token_url &&
           s.api_base_url.url == endpoints::api_base_url;
}

std::optional<std::string_view> canonical_key(std::string_view given)
{
    given = connector_support::trim(given);
    for (const auto& property : property_catalog())
        if (connector_support::iequals(given, property.key))
            return std::string_view(property.key);
    for (const auto& alias : keys::aliases)
        if (connector_support::iequals(given, alias.alias))
            return alias.canonical;
    return std::nullopt;
}

settings_resolution resolve_settings(const connector_sdk::form_values& form)
{
    settings_resolution out;
    gatherer gather(out);
    gather.form(form);

    for (const auto& property : property_catalog()) {
        std::vector<const occurrence*> found;
        for (const auto& o : gather.occurrences())
            if (o.key == property.key && !is_empty_value(property, o.value))
                found.push_back(&o);
        if (found.empty())
            continue;
        out.given.insert(property.key);
        std::optional<merged_value> merged = merge(property, found, out);
        if (!merged)
            continue;
        const assigner assign = assigner_for(property.key);
        if (assign == nullptr)
            continue;
        if (auto assigned = assign(out.settings, merged->value); !assigned) {
            out.errors.push_back({property.key, property.label + merged->where + " " + assigned.error().message});
            out.failed.insert(property.key);
            continue;
        }
        out.normalised.push_back({property.key, std::move(merged->value), property.secret});
    }
    return out;
}

} // namespace sage
