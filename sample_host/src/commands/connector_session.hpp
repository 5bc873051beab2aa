// One connector loaded for a command, with its form descriptors and the form the user gave: a saved
// connection (--connection NAME) with the command line's FORM options laid over it for this run, and
// every secret value registered with the redactor before anything can print it.
#pragma once

#include "connectors/form_builder.hpp"
#include "connectors/plugin_registry.hpp"

#include <connector_sdk/data_access.hpp>
#include <connector_sdk/property.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

class host_context;

class connector_session final {
public:
    // Loads the connector, then the saved connection when `sources.connection` names one: it must
    // exist in the acting user's tenant and belong to `connector_id` (host_error otherwise, before any
    // secret is decrypted). Throws usage_error for a malformed FORM option.
    connector_session(host_context& ctx, std::string_view connector_id, const form_sources& sources);

    [[nodiscard]] connector_sdk::connector& connector() const { return plugin_.connector(); }
    [[nodiscard]] const loaded_plugin& plugin() const noexcept { return plugin_; }
    [[nodiscard]] const std::vector<connector_sdk::property_descriptor>& properties() const noexcept
    {
        return properties_;
    }
    // What the connector receives.
    [[nodiscard]] const connector_sdk::form_values& values() const noexcept { return form_.values; }
    // The connector's data_access.v1 extension; host_error when it offers none.
    [[nodiscard]] connector_sdk::data_access& data_access() const;

    // Values read through --secret-env: never to be shown.
    [[nodiscard]] const std::vector<std::string>& env_secrets() const noexcept { return form_.env_secrets; }
    // The saved connection's normalised name, when --connection was given.
    [[nodiscard]] const std::optional<std::string>& saved_connection() const noexcept { return saved_name_; }

    // Whether `key` (ignoring case) is a secret property of the connector.
    [[nodiscard]] bool is_secret(std::string_view key) const;
    // Whether `key` (ignoring case) was a sealed field of the saved connection: it stays sealed.
    [[nodiscard]] bool was_sealed(std::string_view key) const;

private:
    void load_saved(host_context& ctx, std::string_view connector_id, const std::string& name);
    void protect_secrets(host_context& ctx) const;
    void require_secrets_for_new_route(const connector_sdk::form_values& overrides) const;

    loaded_plugin plugin_;
    std::vector<connector_sdk::property_descriptor> properties_;
    built_form form_;
    std::optional<std::string> saved_name_;
    std::vector<std::string> sealed_keys_;
};

// Whether a key-value entry's key reads like a secret ("...Password", "...Token", "...Secret"...).
[[nodiscard]] bool looks_secret(std::string_view key);

} // namespace sample_host
