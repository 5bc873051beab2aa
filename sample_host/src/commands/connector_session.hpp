// One connector loaded for a command, with its form descriptors and the form the user gave: a saved
// connection (--connection NAME) with the command line's FORM options laid over it for this run, and
// every secret value registered with the redactor before anything can print it.
#pragma once

#include "connectors/form_builder.hpp"
#include "connectors/plugin_registry.hpp"
#include "storage/connection_store.hpp"

#include <connector_sdk/data_access.hpp>
#include <connector_sdk/property.hpp>

#include <memory>
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

    // The web console's form: `given` as the browser sent it ("" for a field left empty) laid over the
    // saved connection `connection` when one is named. A secret left empty keeps its saved value, any
    // other empty value clears the field, a member absent keeps the saved value, and a key-value list
    // given replaces the saved one whole. The command line's route rule applies (saved secrets must be
    // given again when the route changes: host_error with exit_code::refused naming them).
    connector_session(host_context& ctx, std::string_view connector_id, const std::optional<std::string>& connection,
                      connector_sdk::form_values given);

    [[nodiscard]] connector_sdk::connector& connector() const { return plugin_->connector(); }
    [[nodiscard]] const loaded_plugin& plugin() const noexcept { return *plugin_; }
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
    void lay_over_saved(connector_sdk::form_values given);
    void protect_secrets(host_context& ctx) const;
    void require_secrets_for_new_route(const connector_sdk::form_values& overrides) const;

    std::shared_ptr<const loaded_plugin> plugin_; // kept loaded by host_context
    std::vector<connector_sdk::property_descriptor> properties_;
    built_form form_;
    std::optional<std::string> saved_name_;
    std::vector<std::string> sealed_keys_;
};

// Whether a form value is "no value": empty text or an empty key-value list.
[[nodiscard]] bool is_empty_value(const connector_sdk::form_value& value);

// Whether a key-value entry's key reads like a secret ("...Password", "...Token", "...Secret"...).
[[nodiscard]] bool looks_secret(std::string_view key);

// The record CREATE returned as the host stores it: a field is sealed when the connector flags it,
// when its property is secret, when it holds a value given through --secret-env, when it is an
// uploaded file (a keystore may carry a private key), when it is a key-value list carrying a
// secret-looking entry (Add Configuration may hold ProxyPassword), or when it was sealed in the saved
// connection the form started from.
[[nodiscard]] connector_sdk::connection_record
seal_record(connector_sdk::connection_record record, const connector_session& session, std::string_view connector_id);

// Saves what CREATE returned for the acting user's tenant, sealed as above (and its secrets masked
// in all output from here on). Throws host_error when the name is taken and `duplicate` is refuse.
connection_summary save_created_record(host_context& ctx, const connector_session& session,
                                       std::string_view connector_id, connector_sdk::connection_record created,
                                       connection_store::on_duplicate duplicate);

} // namespace sample_host
