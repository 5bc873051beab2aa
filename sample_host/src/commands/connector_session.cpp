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

std::shared_ptr<const loaded_plugin> load_checked(host_context& ctx, std::string_view connector_id,
                                                  const std::optional<std::string>& connection)
{
    if (connection)
        (void)require_saved(ctx, connector_id, *connection);
    return ctx.plugin(connector_id);
}

} // namespace

bool is_empty_value(const connector_sdk::form_value& value)
{
    if (const auto* text = std::get_if<std::string>(&value))
        return text->empty();
    if (const auto* pairs = std::get_if<connector_sdk::key_value_pairs>(&value))
        return pairs->empty();
    return false;
}

bool looks_secret(std::string_view key)
{
    const std::string lower = connector_support::to_lower(key);
    for (std::string_view word : {"secret", "password", "token", "passphrase", "verifier"})
        if (lower.find(word) != std::string::npos)
            return true;
    return false;
}

connector_session::connector_session(host_context& ctx, std::string_view connector_id, const form_sources& sources)
    : plugin_(load_checked(ctx, connector_id, sources.connection)),
      properties_(plugin_->connector().describe_properties())
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

connector_session::connector_session(host_context& ctx, std::string_view connector_id,
                                     const std::optional<std::string>& connection, connector_sdk::form_values given)
    : plugin_(load_checked(ctx, connector_id, connection)), properties_(plugin_->connector().describe_properties())
{
    if (connection) {
        load_saved(ctx, connector_id, *connection);
        lay_over_saved(std::move(given));
    } else {
        form_.values = std::move(given);
    }
    // A field left empty is no value at all, as in a browser's form.
    std::vector<std::string> empty;
    for (const auto& [key, value] : form_.values)
        if (is_empty_value(value))
            empty.push_back(key);
    for (const auto& key : empty)
        form_.values.erase(key);
    apply_property_types(form_.values, properties_);
    protect_secrets(ctx);
    ctx.log().write(connector_sdk::log_level::info, "host",
                    "console form for " + std::string(connector_id) +
                        (saved_name_ ? " over saved connection '" + *saved_name_ + "'" : std::string()) + " with " +
                        std::to_string(form_.values.size()) + " value(s)");
}

// The browser's form over the saved one: an empty secret keeps what was saved, an empty field that was
// never saved is nothing to clear (and no change of route), everything else replaces the saved value.
void connector_session::lay_over_saved(connector_sdk::form_values given)
{
    const auto saved_key = [&](std::string_view key) -> std::optional<std::string> {
        for (const auto& [k, v] : form_.values)
            if (iequals(k, key))
                return k;
        return std::nullopt;
    };
    std::vector<std::string> kept;
    for (const auto& [key, value] : given)
        if (is_empty_value(value) && (was_sealed(key) || is_secret(key) || !saved_key(key)))
            kept.push_back(key);
    for (const auto& key : kept)
        given.erase(key);
    require_secrets_for_new_route(given);
    for (auto& [key, value] : given)
        form_.values.set(saved_key(key).value_or(key), value);
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
        if (is_secret(key)) {
            std::string warning = key;
            warning += " is a secret but was given on the command line, where other users can see it in the "
                       "process list: prefer --secret-env ";
            warning += key;
            warning += "=ENVVAR";
            ctx.out().warning(warning);
        }
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
        throw host_error("the connector " + plugin_->connector().info().id +
                         " offers no data access (it has no data_access.v1 extension)");
    return *data;
}

connector_sdk::connection_record seal_record(connector_sdk::connection_record record, const connector_session& session,
                                             std::string_view connector_id)
{
    if (record.connector_id.empty())
        record.connector_id = std::string(connector_id);
    const auto& env_secrets = session.env_secrets();
    for (auto& field : record.fields) {
        if (field.secret)
            continue;
        if (session.is_secret(field.key) || session.was_sealed(field.key) ||
            std::holds_alternative<connector_sdk::file_value>(field.value))
            field.secret = true;
        else if (const auto* text = std::get_if<std::string>(&field.value))
            field.secret = std::find(env_secrets.begin(), env_secrets.end(), *text) != env_secrets.end();
        else if (const auto* pairs = std::get_if<connector_sdk::key_value_pairs>(&field.value))
            field.secret = std::any_of(pairs->begin(), pairs->end(), [&](const connector_sdk::key_value& pair) {
                return session.is_secret(pair.key) || looks_secret(pair.key) ||
                       std::find(env_secrets.begin(), env_secrets.end(), pair.value) != env_secrets.end();
            });
    }
    return record;
}

connection_summary save_created_record(host_context& ctx, const connector_session& session,
                                       std::string_view connector_id, connector_sdk::connection_record created,
                                       connection_store::on_duplicate duplicate)
{
    const user_account& user = ctx.acting_user();
    const connector_sdk::connection_record record = seal_record(std::move(created), session, connector_id);
    for (const auto& field : record.fields)
        if (field.secret)
            if (const auto* text = std::get_if<std::string>(&field.value))
                ctx.redactor().add(*text);
    connection_summary saved = ctx.connections().save(user.tenant, record, user.name, ctx.now_seconds(), duplicate);
    ctx.log().write(connector_sdk::log_level::info, "host",
                    "saved connection '" + saved.name + "' for tenant " + saved.tenant);
    return saved;
}

} // namespace sample_host
