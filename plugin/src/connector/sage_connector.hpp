// The Sage Cloud Accounting connector: the one class a host talks to. Every entry point runs its body
// in run_entry_point (connector/entry_point.hpp) and answers with a result value.
#pragma once

#include "connector/connector_identity.hpp"
#include "connector/http_client_cache.hpp"
#include "connector/license_gate.hpp"
#include "connector/sage_data_access.hpp"
#include "connector/sage_oauth_management.hpp"
#include "connector/sage_web_sign_in.hpp"
#include "oauth/host_token_store.hpp"

#include <connector_sdk/connector.hpp>
#include <connector_sdk/license.hpp>

#include <memory>
#include <span>

namespace sage {

struct validated_form;

class sage_connector final : public connector_sdk::connector {
public:
    // `trusted_keys` are the marketplace keys licences must be signed with (the build embeds them;
    // tests pass their own).
    static std::unique_ptr<connector_sdk::connector>
    make(connector_sdk::host_services& services, std::span<const connector_sdk::trusted_license_key> trusted_keys);

    [[nodiscard]] connector_sdk::connector_info info() const noexcept override;
    [[nodiscard]] std::vector<connector_sdk::property_descriptor> describe_properties() const noexcept override;
    [[nodiscard]] connector_sdk::validation_result
    validate(const connector_sdk::form_values& form) const noexcept override;
    [[nodiscard]] connector_sdk::test_result test(const connector_sdk::form_values& form) noexcept override;
    [[nodiscard]] connector_sdk::create_result create(const connector_sdk::form_values& form,
                                                      const connector_sdk::create_options& options) noexcept override;
    [[nodiscard]] connector_sdk::license_status check_license() noexcept override;
    [[nodiscard]] void* query_extension(std::string_view interface_id) noexcept override;

private:
    sage_connector(connector_sdk::host_services& services,
                   std::span<const connector_sdk::trusted_license_key> trusted_keys) noexcept;

    // Resolves and checks a form with what the host knows (its OAuth app, its clock).
    [[nodiscard]] validated_form check(const connector_sdk::form_values& form) const;
    // TEST's work once the form is valid: the licence, then the connection itself.
    [[nodiscard]] connector_sdk::test_result licensed_test(const validated_form& checked);

    connector_sdk::host_services& services_;
    license_gate license_;
    http_client_cache clients_;    // kept for the connector's life: connections and TLS sessions are reused
    host_credentials credentials_; // the host's credential store, when it offers one, and this instance's lease id
    sage_oauth_management oauth_;  // the "oauth_management.v1" extension
    sage_data_access data_;        // the "data_access.v1" extension
    sage_web_sign_in web_;         // the "web_sign_in.v1" extension
};

} // namespace sage
