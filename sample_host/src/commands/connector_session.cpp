#include "commands/connector_session.hpp"

#include "commands/host_context.hpp"
#include "output/host_log.hpp"
#include "runtime/host_error.hpp"
#include "storage/connection_store.hpp"
#include "storage/user_directory.hpp"

#include <connector_support/ascii_text.hpp>

#include <algorithm>

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
    if (sources.connection)
        load_saved(ctx, connector_id, *sources.connection);
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
