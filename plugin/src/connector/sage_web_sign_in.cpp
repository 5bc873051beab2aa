#include "connector/sage_web_sign_in.hpp"

#include "connector/entry_point.hpp"
#include "connector/oauth_operation.hpp"
#include "oauth/authorization_flow.hpp"
#include "oauth/pkce.hpp"
#include "oauth/token_manager.hpp"
#include "transport/endpoint.hpp"

namespace sage {

namespace {

using connector_sdk::error_category;
using connector_sdk::oauth_operation_result;
using connector_sdk::web_sign_in_start;
using connector_support::fail;
using connector_support::failure;
using connector_support::result;

web_sign_in_start start_refused(const failure& why)
{
    web_sign_in_start start;
    start.category = why.category;
    start.message = why.message;
    return start;
}

// Where the authorization server may send the browser back: https, or http to this machine only
// (RFC 8252 §7.3); never with user information or a fragment (RFC 6749 §3.1.2).
result<endpoint> check_redirect_uri(std::string_view text)
{
    const auto parsed = parse_endpoint(text);
    if (!parsed.value)
        return fail(error_category::config, "the redirect URI is not an absolute URL (" + parsed.error +
                                                "): pass the full address of the host's callback page, e.g. "
                                                "https://host.example/oauth/callback");
    const endpoint& uri = *parsed.value;
    if (uri.has_userinfo)
        return fail(error_category::config, "the redirect URI carries a user name or password: pass the callback "
                                            "page's address without them");
    if (uri.has_fragment)
        return fail(error_category::config, "the redirect URI has a fragment (#...), which OAuth forbids: pass the "
                                            "callback page's address without it");
    if (!uri.https() && !(uri.http() && uri.loopback))
        return fail(error_category::config,
                    "the redirect URI must use https (plain http only to this machine's loopback address, e.g. "
                    "http://127.0.0.1:8080/oauth/callback), so the authorization code never crosses a network in "
                    "clear");
    return uri;
}

// The path of a request target, without its query.
std::string path_of(const std::string& target)
{
    return target.substr(0, target.find('?'));
}

// A full callback URL must be an address of the redirect URI (scheme, host, port, path).
std::optional<failure> not_the_redirect_uri(std::string_view callback_url, const std::string& redirect_uri)
{
    const auto callback = parse_endpoint(callback_url);
    const auto redirect = parse_endpoint(redirect_uri);
    if (!callback.value || !redirect.value)
        return std::nullopt; // a bare target ("/oauth/callback?code=..."): only its query matters
    const endpoint& c = *callback.value;
    const endpoint& r = *redirect.value;
    if (c.scheme == r.scheme && c.host == r.host && c.port == r.port && path_of(c.target) == path_of(r.target))
        return std::nullopt;
    return fail(error_category::auth, "the callback address is not on the redirect URI this sign-in was begun with (" +
                                          redirect_uri +
                                          "): pass the address the host's callback page received, unchanged");
}

} // namespace

sage_web_sign_in::sage_web_sign_in(connector_sdk::host_services& services, license_gate& license,
                                   http_client_cache& clients, host_credentials& credentials) noexcept
    : services_(services), license_(license), clients_(clients), credentials_(credentials)
{
}

web_sign_in_start sage_web_sign_in::begin(const connector_sdk::form_values& values,
                                          std::string_view redirect_uri) noexcept
{
    return run_entry_point(services_, "web sign-in begin", [&]() -> web_sign_in_start {
        auto ready = prepare_oauth(values, services_, clients_, credentials_);
        if (!ready)
            return start_refused(ready.error());
        if (const auto status = license_.check(); !status.permits_use())
            return start_refused(fail(error_category::license, status.user_message));
        auto redirect = check_redirect_uri(redirect_uri);
        if (!redirect)
            return start_refused(redirect.error());
        const connection_settings& s = ready->form.settings();
        const oauth_client oauth(*ready->plan.http, *ready->plan.app);
        pending_sign_in flow;
        flow.request = begin_authorization(s, oauth, redirect->url);
        flow.connection_name = s.connection_name;
        flow.client_id = ready->plan.app->client_id;
        flow.begun_at = services_.now();
        flow.expires_at = flow.begun_at + s.authorization_wait;
        web_sign_in_start start;
        start.category = error_category::none;
        start.authorization_url = flow.request.url;
        start.flow_id = flow.request.state;
        start.message = "open the authorization URL, sign in to Sage and allow access within " +
                        std::to_string(s.authorization_wait.count()) +
                        " seconds (OAuthAuthorizationTimeout); then complete the sign-in with the address the "
                        "browser is sent back to";
        pending_.add(std::move(flow), services_.now());
        services_.log(connector_sdk::log_level::info,
                      "web sign-in begun for the connection '" + s.connection_name + "'");
        return start;
    });
}

oauth_operation_result sage_web_sign_in::complete(const connector_sdk::form_values& values, std::string_view flow_id,
                                                  std::string_view callback_url) noexcept
{
    return run_entry_point(services_, "web sign-in complete", [&]() -> oauth_operation_result {
        auto ready = prepare_oauth(values, services_, clients_, credentials_);
        if (!ready)
            return refused(ready.error());
        if (auto refusal = unlicensed(license_))
            return *refusal;
        const connection_settings& s = ready->form.settings();
        connection_plan& plan = ready->plan;

        // Match the callback to the flow; a mismatch leaves the flow pending for its own callback.
        auto flow = pending_.find(flow_id, services_.now());
        if (!flow)
            return refused(flow.error());
        if (s.connection_name != flow->connection_name)
            return refused(fail(error_category::config, "this sign-in was begun for the connection '" +
                                                            flow->connection_name + "', not '" + s.connection_name +
                                                            "': complete it with the form it was begun with"));
        if (plan.app->client_id != flow->client_id)
            return refused(fail(error_category::config,
                                "this sign-in was begun for another OAuth client (Client ID " + flow->client_id +
                                    "): complete it with the form it was begun with, or begin a new sign-in"));
        const auto response = parse_authorization_response(callback_url);
        if (!response)
            return refused(fail(error_category::auth,
                                "the callback address carries neither an authorization code nor an error: pass the "
                                "full address the host's callback page received, query included"));
        if (auto elsewhere = not_the_redirect_uri(callback_url, flow->request.redirect_uri))
            return refused(*elsewhere);
        if (!response->state)
            return refused(fail(error_category::auth,
                                "the callback address carries no state, so it cannot be matched to this sign-in: pass "
                                "the full address the host's callback page received"));
        if (!same_secret(*response->state, flow->request.state))
            return refused(fail(error_category::auth,
                                "the callback address belongs to another sign-in (its state does not match this "
                                "flow): complete each sign-in with its own callback address"));

        // One completion per flow, whatever its outcome: a code is single-use.
        if (!pending_.take(flow_id))
            return refused(fail(error_category::auth, "this sign-in was completed already, and a callback address "
                                                      "works only once: begin a new sign-in if the connection "
                                                      "needs one"));
        oauth_client oauth(*plan.http, *plan.app);
        auto tokens = complete_authorization(*response, flow->request, oauth, services_);
        if (!tokens)
            return refused(tokens.error());
        token_manager manager(
            *plan.store, oauth, [this] { return services_.now(); },
            [this](std::string_view line) { services_.log(connector_sdk::log_level::debug, line); },
            token_manager_options{.lease_ttl = lease_ttl_for(s.timeout)});
        if (auto adopted = manager.adopt(*tokens); !adopted)
            return refused(fail(error_category::config, "signed in, but " + adopted.error().message));
        services_.log(connector_sdk::log_level::info,
                      "web sign-in completed for the connection '" + s.connection_name + "'");
        return done(signed_in_sentence(*plan.store, *tokens));
    });
}

void sage_web_sign_in::cancel(std::string_view flow_id) noexcept
{
    (void)run_entry_point(services_, "web sign-in cancel", [&] {
        pending_.cancel(flow_id);
        return 0;
    });
}

} // namespace sage
