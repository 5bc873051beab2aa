// Extension "web_sign_in.v1" (since SDK 1.1): an OAuth sign-in driven by a web host. A web console
// cannot let a plugin listen on a port, so the host sends the browser to the authorization URL the
// connector builds and hands back the URL its own callback page received. Reached with
// find_extension<web_sign_in>(connector); the pointer lives as long as the connector. The command
// line keeps oauth_management's loopback flow.
#pragma once

#include <connector_sdk/error_category.hpp>
#include <connector_sdk/form.hpp>
#include <connector_sdk/oauth_management.hpp>
#include <connector_sdk/version.hpp>

#include <string>
#include <string_view>

CONNECTOR_SDK_BEGIN_NAMESPACE

inline constexpr std::string_view web_sign_in_id = "web_sign_in.v1";

struct web_sign_in_start {
    error_category category = error_category::none; // none: open authorization_url
    std::string message;                            // the cause and the remedy; never a secret
    std::string authorization_url;                  // the consent page, with state and PKCE challenge
    std::string flow_id;                            // names the pending sign-in; equals its `state`

    [[nodiscard]] bool ok() const noexcept { return category == error_category::none; }
};

// Every method is noexcept and thread-safe, like the connector's.
class web_sign_in {
public:
    static constexpr std::string_view id = web_sign_in_id;

    // Starts a sign-in for this form's connection: the authorization server will redirect the browser
    // to `redirect_uri` (the host's own callback page, e.g. https://host/oauth/callback). The pending
    // flow (state, PKCE verifier) lives in the connector for the form's OAuthAuthorizationTimeout.
    [[nodiscard]] virtual web_sign_in_start begin(const form_values& form, std::string_view redirect_uri) noexcept = 0;

    // Completes the flow `flow_id` with the full URL the callback page received (its query holds
    // code and state, or error): exchanges the code and stores the tokens where the form says, as
    // oauth_management::authorize does. `form` must be the connection the flow was begun for.
    [[nodiscard]] virtual oauth_operation_result complete(const form_values& form, std::string_view flow_id,
                                                          std::string_view callback_url) noexcept = 0;

    // Forgets a pending flow (the user closed the window); does nothing when none is pending.
    virtual void cancel(std::string_view flow_id) noexcept = 0;

protected:
    ~web_sign_in() = default; // owned by the connector, never deleted through this interface
};

CONNECTOR_SDK_END_NAMESPACE
