#include "commands/connector_session.hpp"

#include "commands/host_context.hpp"
#include "output/host_log.hpp"
#include "runtime/host_error.hpp"
#include "storage/connection_store.hpp"
#include "storage/user_directory.hpp"

#include <connector_support/ascii_text.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>

namespace sample_host {
namespace {

using connector_support::iequals;

// The saved connection (secrets still sealed), refusing before the plugin loads and before any secret
// is opened when it is missing or belongs to another connector.
connection_details require_saved(host_context& ctx, std::string_view connector_id, const std::string& name)
{
    connection_details details = ctx.connections().require(ctx.acting_user().tenant, name);
    if (details.summary.connector_id != connector_id)
        throw host_error("the connection '" + details.summary.name + "' belongs to the connector '" +
                         details.summary.connector_id + "', not to '" + std::string(connector_id) +
                         "': give its own connector id, or a connection made for " + std::string(connector_id) +
                         " (see `sample_host connections list`)");
    return details;
}

// Whether a key shapes the route a request takes or whom TLS trusts: Enable SSL, the keystore and
// its trust, the proxy, and the service endpoints (every ...URL but the loopback CallbackURL). Add
// Configuration can carry any of them, so a change to it counts when one of its keys is such a key.
bool is_transport_key(std::string_view key)
{
    const std::string k = connector_support::to_lower(connector_support::trim(key));
    const auto starts = [&](std::string_view p) { return k.compare(0, p.size(), p) == 0; };
    const auto ends = [&](std::string_view p) {
        return k.size() >= p.size() && k.compare(k.size() - p.size(), p.size(), p) == 0;
    };
    return k == "enablessl" || k == "usessl" || starts("keystore") || starts("trustkeystore") || starts("proxy") ||
           (ends("url") && k != "callbackurl");
}

// Whether two values are the same setting (a boolean or number saved typed may come back as text).
bool same_value(const connector_sdk::form_value& a, const connector_sdk::form_value& b)
{
    const auto text = [](const connector_sdk::form_value& v) -> std::optional<std::string> {
        if (const auto* s = std::get_if<std::string>(&v))
            return connector_support::to_lower(connector_support::trim(*s));
        if (const auto* flag = std::get_if<bool>(&v))
            return std::string(*flag ? "true" : "false");
        if (const auto* number = std::get_if<std::int64_t>(&v))
            return std::to_string(*number);
        return std::nullopt;
    };
    if (const auto* fa = std::get_if<connector_sdk::file_value>(&a), *fb = std::get_if<connector_sdk::file_value>(&b);
        fa != nullptr && fb != nullptr)
        return fa->content == fb->content;
    const auto ta = text(a);
    return ta && ta == text(b);
}

// The transport keys `overrides` gives a value different from the saved one, as typed.
std::vector<std::string> transport_changes(const connector_sdk::form_values& saved,
                                           const connector_sdk::form_values& overrides)
{
    const auto saved_value = [&](std::string_view key) -> const connector_sdk::form_value* {
        for (const auto& [k, v] : saved)
            if (iequals(k, key))
                return &v;
        return nullptr;
    };
    const auto saved_pair = [&](std::string_view key) -> std::optional<std::string> {
        for (const auto& [k, v] : saved)
            if (const auto* pairs = std::get_if<connector_sdk::key_value_pairs>(&v))
                for (const auto& pair : *pairs)
                    if (iequals(pair.key, key))
                        return pair.value;
        return std::nullopt;
    };
    std::vector<std::string> changed;
    for (const auto& [key, value] : overrides) {
        if (const auto* pairs = std::get_if<connector_sdk::key_value_pairs>(&value)) {
            for (const auto& pair : *pairs)
                if (is_transport_key(pair.key) && saved_pair(pair.key) != std::optional<std::string>(pair.value))
                    changed.push_back(pair.key);
        } else if (const auto* text = std::get_if<std::string>(&value);
                   text != nullptr && iequals(connector_support::trim(key), "additionalconfiguration")) {
            changed.push_back(key); // Add Configuration as text: any key may hide in it
        } else if (is_transport_key(key)) {
            const connector_sdk::form_value* before = saved_value(key);
            if (before == nullptr || !same_value(*before, value))
                changed.push_back(key);
        }
    }
    return changed;
}

std::string joined(const std::vector<std::string>& items)
{
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i)
        text += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return text;
}

loaded_plugin load_checked(host_context& ctx, std::string_view connector_id, const form_sources& sources)
{
    if (sources.connection)
        (void)require_saved(ctx, connector_id, *sources.connection);
    return ctx.plugins().load(connector_id);
}

} // namespace

bool looks_secret(std::string_view key)
{
    const std::string lower = connector_support::to_lower(key);
    for (std::string_view word : {"secret", "password", "token", "passphrase", "verifier"})
        if (lower.find(word) != std::string::npos)
            return true;
    return false;
}

connector_session::connector_session(host_context& ctx, std::string_view connector_id, const form_sources& sources)
    : plugin_(load_checked(ctx, connector_id, sources)), properties_(plugin_.connector().describe_properties())
{
    // The command line first, so a malformed option is reported before any saved secret is opened.
    built_form command_line = build_form(sources, ctx.env());
    if (sources.connection) {
        load_saved(ctx, connector_id, *sources.connection);
        require_secrets_for_new_route(command_line.values);
    }
    overlay_form(form_.values, command_line.values);
    form_.env_secrets = std::move(command_line.env_secrets);
    form_.argv_keys = std::move(command_line.argv_keys);
    apply_property_types(form_.values, properties_);
    protect_secrets(ctx);
    ctx.log().write(connector_sdk::log_level::info, "host",
                    "form for " + std::string(connector_id) +
                        (saved_name_ ? " from saved connection '" + *saved_name_ + "'" : std::string()) + " with " +
                        std::to_string(form_.values.size()) + " value(s)");
}

// Every secret value is masked in all output from here on; a secret typed on the command line is
// worth a warning.
void connector_session::protect_secrets(host_context& ctx) const
{
    for (const auto& secret : form_.env_secrets)
        ctx.redactor().add(secret);
    for (const auto& secret : secret_texts(form_.values, properties_))
        ctx.redactor().add(secret);
    for (const auto& key : form_.argv_keys)
        if (is_secret(key))
            ctx.out().warning(key +
                              " is a secret but was given on the command line, where other users can see it "
                              "in the process list: prefer --secret-env " +
                              key + "=ENVVAR");
}

void connector_session::load_saved(host_context& ctx, std::string_view connector_id, const std::string& name)
{
    const connection_details details = require_saved(ctx, connector_id, name);
    form_.values = ctx.connections().load_form(ctx.acting_user().tenant, details.summary.name);
    saved_name_ = details.summary.name;
    // Everything the store kept sealed is masked in all output from here on, whatever the connector says.
    for (const auto& field : details.fields) {
        if (!field.secret)
            continue;
        sealed_keys_.push_back(field.key);
        const connector_sdk::form_value* value = form_.values.find(field.key);
        if (value == nullptr)
            continue;
        if (const auto* text = std::get_if<std::string>(value))
            ctx.redactor().add(*text);
        else if (const auto* pairs = std::get_if<connector_sdk::key_value_pairs>(value))
            for (const auto& pair : *pairs)
                if (is_secret(pair.key) || looks_secret(pair.key))
                    ctx.redactor().add(pair.value);
    }
}

// Like a browser's saved passwords: a saved secret goes only where it went when it was saved. A run
// that changes the route (endpoints, proxy, keystore, Enable SSL) must give every saved secret again.
void connector_session::require_secrets_for_new_route(const connector_sdk::form_values& overrides) const
{
    const std::vector<std::string> changed = transport_changes(form_.values, overrides);
    if (changed.empty())
        return;
    const auto given_again = [&](std::string_view key) {
        for (const auto& [k, v] : overrides) {
            if (iequals(k, key))
                return true;
            if (const auto* pairs = std::get_if<connector_sdk::key_value_pairs>(&v))
                for (const auto& pair : *pairs)
                    if (iequals(pair.key, key))
                        return true;
        }
        return false;
    };
    std::vector<std::string> missing;
    for (const auto& [key, value] : form_.values) {
        if (was_sealed(key) && !given_again(key) && !std::get_if<connector_sdk::key_value_pairs>(&value))
            missing.push_back(key);
        if (const auto* pairs = std::get_if<connector_sdk::key_value_pairs>(&value))
            for (const auto& pair : *pairs)
                if ((is_secret(pair.key) || looks_secret(pair.key)) && !given_again(pair.key))
                    missing.push_back(pair.key);
    }
    if (missing.empty())
        return;
    throw host_error("this run changes " + joined(changed) + " of the saved connection '" + saved_name_.value_or("") +
                     "', so its saved secrets would travel a route they were not saved for: give " + joined(missing) +
                     " again (--secret-env KEY=ENVVAR), or save a connection with the new settings");
}

bool connector_session::is_secret(std::string_view key) const
{
    return std::any_of(properties_.begin(), properties_.end(),
                       [&](const connector_sdk::property_descriptor& p) { return p.secret && iequals(p.key, key); });
}

bool connector_session::was_sealed(std::string_view key) const
{
    return std::any_of(sealed_keys_.begin(), sealed_keys_.end(), [&](const std::string& k) { return iequals(k, key); });
}

connector_sdk::data_access& connector_session::data_access() const
{
    auto* data = connector_sdk::find_extension<connector_sdk::data_access>(connector());
    if (data == nullptr)
        throw host_error("the connector " + plugin_.connector().info().id +
                         " offers no data access (it has no data_access.v1 extension)");
    return *data;
}

} // namespace sample_host
