// Checks a connection form without touching the network: everything resolving reports, plus the
// rules about what a valid Sage connection needs (required values, shapes, endpoint safety, the
// keystore, and the cross-field OAuth rules). Every message names the field by its label, the cause
// and the remedy, and never contains a secret value.
#pragma once

#include "form/connection_settings.hpp"
#include "transport/keystore.hpp"

#include <connector_sdk/form.hpp>
#include <connector_sdk/host_services.hpp>
#include <connector_sdk/results.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sage {

// What validation needs to know about the world; passed in so validate stays pure.
struct validation_environment {
    // host_services::default_oauth_app(connector_id) returned credentials: GETANDREFRESH may then run
    // without a Client ID and Client Secret in the form.
    bool host_offers_oauth_app = false;
    // The host's clock, to judge the keystore's client certificate (notes only).
    std::chrono::system_clock::time_point now{};
    // The host offers credential_store.v1: the tokens live there, not in OAuthSettingsLocation (a note).
    bool host_keeps_credentials = false;
};

struct validated_form {
    settings_resolution resolution;
    std::shared_ptr<const keystore> loaded_keystore; // when the form uploaded a readable keystore
    std::vector<connector_sdk::field_error> errors;  // in catalogue order; unknown top-level keys last
    std::vector<std::string> notes;                  // worth telling the user, not errors (no secrets)

    [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
    [[nodiscard]] const connection_settings& settings() const noexcept { return resolution.settings; }
};

// What `services` (the host) knows that validation needs: whether it offers an OAuth app for
// `connector_id`, whether it keeps credentials, and its clock.
[[nodiscard]] validation_environment environment_of(connector_sdk::host_services& services,
                                                    std::string_view connector_id);

// Resolves and checks `form`. Throws only std::bad_alloc.
[[nodiscard]] validated_form validate(const connector_sdk::form_values& form,
                                      const validation_environment& environment);

} // namespace sage
