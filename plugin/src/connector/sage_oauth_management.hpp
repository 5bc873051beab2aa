// The connector's "oauth_management.v1" extension: sign in (browser or headless), show what is stored,
// revoke. Each operation validates the form and, where it reaches Sage, checks the licence first.
#pragma once

#include "connector/http_client_cache.hpp"
#include "connector/license_gate.hpp"
#include "oauth/host_token_store.hpp"

#include <connector_sdk/host_services.hpp>
#include <connector_sdk/oauth_management.hpp>

namespace sage {

class sage_oauth_management final : public connector_sdk::oauth_management {
public:
    sage_oauth_management(connector_sdk::host_services& services, license_gate& license, http_client_cache& clients,
                          host_credentials& credentials) noexcept;
    ~sage_oauth_management() = default;

    [[nodiscard]] connector_sdk::oauth_operation_result
    authorize(const connector_sdk::form_values& form,
              const connector_sdk::authorize_options& options) noexcept override;
    [[nodiscard]] connector_sdk::oauth_token_status status(const connector_sdk::form_values& form) noexcept override;
    [[nodiscard]] connector_sdk::oauth_operation_result
    revoke(const connector_sdk::form_values& form) noexcept override;

private:
    connector_sdk::host_services& services_;
    license_gate& license_;
    http_client_cache& clients_;
    host_credentials& credentials_;
};

} // namespace sage
