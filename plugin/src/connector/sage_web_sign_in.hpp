// The connector's "web_sign_in.v1" extension: a sign-in a web host drives. begin checks the form, the
// licence and the redirect URI, and keeps the flow (state, PKCE verifier) in memory for the form's
// OAuthAuthorizationTimeout; complete matches the callback to it (connection, client, state in
// constant time), exchanges the code once, and stores the tokens where the form's connection keeps
// them (the host's credential store when offered, else OAuthSettingsLocation).
#pragma once

#include "connector/http_client_cache.hpp"
#include "connector/license_gate.hpp"
#include "oauth/host_token_store.hpp"
#include "oauth/pending_sign_ins.hpp"

#include <connector_sdk/host_services.hpp>
#include <connector_sdk/web_sign_in.hpp>

namespace sage {

class sage_web_sign_in final : public connector_sdk::web_sign_in {
public:
    sage_web_sign_in(connector_sdk::host_services& services, license_gate& license, http_client_cache& clients,
                     host_credentials& credentials) noexcept;
    ~sage_web_sign_in() = default;

    sage_web_sign_in(const sage_web_sign_in&) = delete;
    sage_web_sign_in& operator=(const sage_web_sign_in&) = delete;

    [[nodiscard]] connector_sdk::web_sign_in_start begin(const connector_sdk::form_values& form,
                                                         std::string_view redirect_uri) noexcept override;
    [[nodiscard]] connector_sdk::oauth_operation_result complete(const connector_sdk::form_values& form,
                                                                 std::string_view flow_id,
                                                                 std::string_view callback_url) noexcept override;
    void cancel(std::string_view flow_id) noexcept override;

    // How many sign-ins may wait at once per connector; beyond it the oldest is dropped.
    static constexpr std::size_t pending_capacity = 32;

private:
    connector_sdk::host_services& services_;
    license_gate& license_;
    http_client_cache& clients_;
    host_credentials& credentials_;
    pending_sign_ins pending_{pending_capacity};
};

} // namespace sage
