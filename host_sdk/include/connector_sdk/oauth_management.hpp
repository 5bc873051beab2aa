// Extension "oauth_management.v1": what a host needs to manage an OAuth connector's sign-in outside
// TEST and CREATE — authorise (browser or headless), show the token status, revoke. Reached with
// find_extension<oauth_management>(connector); the pointer lives as long as the connector.
#pragma once

#include <connector_sdk/error_category.hpp>
#include <connector_sdk/form.hpp>
#include <connector_sdk/version.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

CONNECTOR_SDK_BEGIN_NAMESPACE

// The extension's versioned id; oauth_management::id spells the same (since SDK 1.1).
inline constexpr std::string_view oauth_management_id = "oauth_management.v1";

struct authorize_options {
    // Print the URL and ask for the pasted callback URL (or code) instead of listening for the
    // browser's redirect on the CallbackURL.
    bool headless = false;
    // How long to wait for the browser's redirect; nothing: the connector's OAuthAuthorizationTimeout.
    std::optional<std::chrono::seconds> wait;
};

struct oauth_operation_result {
    bool ok = false;
    // A headless sign-in was started and waits for its code (OAuthVerifier): not a failure.
    bool awaiting_verifier = false;
    error_category category = error_category::internal;
    std::string message; // what happened, or the cause and the remedy; never a token
};

struct oauth_token_status {
    bool present = false;                           // a token set is stored for this connection
    error_category category = error_category::none; // why the status could not be read, if it could not
    std::string message;
    std::string location; // where the set lives ("the file ...", "memory://id")
    std::string client_id;
    std::string scope;
    std::string access_token_masked; // e.g. "******** (1234 characters)"; never any of the token
    std::string refresh_token_masked;
    std::optional<std::chrono::sys_seconds> access_expires_at;
    std::optional<std::chrono::sys_seconds> refresh_expires_at;
    std::optional<std::chrono::sys_seconds> obtained_at;
};

// Every method is noexcept and thread-safe, like the connector's.
class oauth_management {
public:
    // Since SDK 1.1: the id find_extension<oauth_management>() asks for.
    static constexpr std::string_view id = oauth_management_id;

    // Runs the authorization-code flow for this form's connection and stores the tokens in its
    // OAuthSettingsLocation. Blocks until the user consents, refuses, or the wait ends.
    [[nodiscard]] virtual oauth_operation_result authorize(const form_values& form,
                                                           const authorize_options& options) noexcept = 0;

    // What is stored for this form's connection (tokens masked).
    [[nodiscard]] virtual oauth_token_status status(const form_values& form) noexcept = 0;

    // Revokes the stored refresh token at the authorization server and removes the stored set.
    [[nodiscard]] virtual oauth_operation_result revoke(const form_values& form) noexcept = 0;

protected:
    ~oauth_management() = default; // owned by the connector, never deleted through this interface
};

CONNECTOR_SDK_END_NAMESPACE
