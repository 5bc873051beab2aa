// `sample_host oauth authorize|status|revoke CONNECTOR FORM`: an OAuth connector's sign-in managed by
// the host through the connector's "oauth_management.v1" extension — sign in (browser or headless),
// show what is stored (tokens masked by the connector, and by the host's redactor behind it), revoke.
#include "commands/commands.hpp"

#include "commands/connector_session.hpp"
#include "commands/host_context.hpp"
#include "connectors/form_options.hpp"
#include "output/host_log.hpp"
#include "output/json_output.hpp"
#include "runtime/host_error.hpp"

#include <connector_sdk/oauth_management.hpp>

#include <CLI/CLI.hpp>
#include <connector_support/time_text.hpp>

#include <boost/json.hpp>

#include <memory>

namespace sample_host {
namespace {

namespace json = boost::json;
using connector_sdk::oauth_operation_result;
using connector_support::utc_iso_text;

struct oauth_command_options {
    std::string connector_id;
    form_sources sources;
    bool headless = false;
    int wait_seconds = 0;
    CLI::Option* wait = nullptr; // given when count() > 0
};

connector_sdk::oauth_management& require_extension(const connector_session& session, std::string_view connector_id)
{
    auto* extension = connector_sdk::find_extension<connector_sdk::oauth_management>(session.connector());
    if (extension == nullptr)
        throw host_error("the connector '" + std::string(connector_id) +
                         "' offers no OAuth sign-in for the host to "
                         "manage (it does not implement " +
                         std::string(connector_sdk::oauth_management::id) +
                         "): there is nothing to authorise, show or revoke here; its TEST says what it needs");
    return *extension;
}

// How to repeat this command with FORM options the user gave, for the next-step hint.
std::string form_hint(const oauth_command_options& options)
{
    if (options.sources.connection && options.sources.form_file == std::nullopt && options.sources.sets.empty() &&
        options.sources.configs.empty() && options.sources.files.empty() && options.sources.secret_envs.empty())
        return "--connection '" + *options.sources.connection + "'";
    return "<the same FORM options>";
}

json::value time_json(const std::optional<std::chrono::sys_seconds>& t)
{
    return t ? json::value(utc_iso_text(*t)) : json::value(nullptr);
}

json::object operation_json(std::string_view operation, const oauth_command_options& options,
                            const connector_session& session, const oauth_operation_result& r)
{
    return json::object{
        {"connector", options.connector_id},
        {"operation", operation},
        {"connection", session.saved_connection() ? json::value(*session.saved_connection()) : json::value(nullptr)},
        {"ok", r.ok},
        {"awaiting_verifier", r.awaiting_verifier},
        {"category", connector_sdk::to_string(r.category)},
        {"message", r.message}};
}

int run_authorize(host_context& ctx, const oauth_command_options& options)
{
    connector_session session(ctx, options.connector_id, options.sources);
    auto& oauth = require_extension(session, options.connector_id);
    connector_sdk::authorize_options authorize;
    authorize.headless = options.headless;
    if (options.wait != nullptr && options.wait->count() > 0)
        authorize.wait = std::chrono::seconds(options.wait_seconds);
    ctx.log().write(connector_sdk::log_level::info, "host",
                    "oauth authorize " + options.connector_id + (options.headless ? " (headless)" : " (browser)"));
    const oauth_operation_result r = oauth.authorize(session.values(), authorize);
    ctx.log().write(connector_sdk::log_level::info, "host",
                    "oauth authorize " + options.connector_id + ": " +
                        (r.ok                  ? "signed in"
                         : r.awaiting_verifier ? "awaiting OAuthVerifier"
                                               : "refused: " + r.message));

    // Headless with nobody to paste the answer: the sign-in is started, not failed. Exit 0, and say
    // plainly that no tokens are stored yet and how to finish.
    const std::string finish = "sample_host oauth authorize " + options.connector_id + " " + form_hint(options) +
                               " --secret-env OAuthVerifier=VAR";
    if (ctx.out().json()) {
        json::object doc = operation_json("authorize", options, session, r);
        doc["next"] = r.awaiting_verifier ? json::value(finish) : json::value(nullptr);
        ctx.out().document(std::move(doc));
    } else if (r.ok) {
        ctx.out().line(r.message);
    } else if (r.awaiting_verifier) {
        ctx.out().line("no tokens are stored yet: " + r.message);
        ctx.out().line("to finish, put the address the browser was sent to (or its code) in an environment variable "
                       "VAR and run:\n  " +
                       finish);
    } else {
        ctx.out().line("sign-in failed (" + std::string(connector_sdk::to_string(r.category)) + "): " + r.message);
    }
    return r.ok || r.awaiting_verifier ? 0 : 1;
}

int run_status(host_context& ctx, const oauth_command_options& options)
{
    connector_session session(ctx, options.connector_id, options.sources);
    auto& oauth = require_extension(session, options.connector_id);
    const connector_sdk::oauth_token_status s = oauth.status(session.values());
    const bool readable = s.category == connector_sdk::error_category::none;
    if (ctx.out().json()) {
        ctx.out().document(
            json::object{{"connector", options.connector_id},
                         {"connection",
                          session.saved_connection() ? json::value(*session.saved_connection()) : json::value(nullptr)},
                         {"ok", readable},
                         {"present", s.present},
                         {"category", connector_sdk::to_string(s.category)},
                         {"message", s.message},
                         {"location", s.location},
                         {"client_id", s.client_id},
                         {"scope", s.scope},
                         {"access_token", s.access_token_masked},
                         {"refresh_token", s.refresh_token_masked},
                         {"access_expires_at", time_json(s.access_expires_at)},
                         {"refresh_expires_at", time_json(s.refresh_expires_at)},
                         {"obtained_at", time_json(s.obtained_at)}});
        return readable ? 0 : 1;
    }
    if (!readable) {
        ctx.out().line("token status unavailable (" + std::string(connector_sdk::to_string(s.category)) +
                       "): " + s.message);
        return 1;
    }
    ctx.out().line(s.message);
    if (!s.present) {
        ctx.out().line("sign in with: sample_host oauth authorize " + options.connector_id + " " + form_hint(options));
        return 0;
    }
    const auto when = [](const std::optional<std::chrono::sys_seconds>& t) {
        return t ? utc_iso_text(*t) : std::string("unknown");
    };
    ctx.out().line("location:       " + s.location);
    ctx.out().line("client id:      " + s.client_id);
    ctx.out().line("scope:          " + (s.scope.empty() ? std::string("(not stated)") : s.scope));
    ctx.out().line("access token:   " + s.access_token_masked + ", expires " + when(s.access_expires_at));
    ctx.out().line("refresh token:  " + s.refresh_token_masked + ", expires " + when(s.refresh_expires_at));
    ctx.out().line("obtained:       " + when(s.obtained_at));
    return 0;
}

int run_revoke(host_context& ctx, const oauth_command_options& options)
{
    connector_session session(ctx, options.connector_id, options.sources);
    auto& oauth = require_extension(session, options.connector_id);
    const oauth_operation_result r = oauth.revoke(session.values());
    ctx.log().write(connector_sdk::log_level::info, "host",
                    "oauth revoke " + options.connector_id + ": " + (r.ok ? "revoked" : "refused: " + r.message));
    if (ctx.out().json())
        ctx.out().document(operation_json("revoke", options, session, r));
    else if (r.ok)
        ctx.out().line(r.message);
    else
        ctx.out().line("not revoked (" + std::string(connector_sdk::to_string(r.category)) + "): " + r.message);
    return r.ok ? 0 : 1;
}

CLI::App* add_oauth_subcommand(CLI::App& group, const char* name, const char* description,
                               const std::shared_ptr<oauth_command_options>& options)
{
    return add_connector_form_subcommand(group, name, description, options->connector_id, options->sources);
}

} // namespace

void add_oauth_command(CLI::App& app, command_action& chosen)
{
    auto* group = app.add_subcommand(
        "oauth", "Sign in to an OAuth connector's service, show the stored tokens (masked), revoke them: for "
                 "connectors that offer the oauth_management.v1 extension");
    group->require_subcommand(1);

    auto authorize_options = std::make_shared<oauth_command_options>();
    auto* authorize = add_oauth_subcommand(
        *group, "authorize",
        "Sign in and store the tokens where the form's OAuthSettingsLocation says (default: the host's private "
        "state folder, per connection): opens a browser and waits for its redirect to the CallbackURL, or with "
        "--headless prints the address and reads the pasted callback address (or code) from standard input",
        authorize_options);
    auto* headless = authorize->add_flag(
        "--headless", authorize_options->headless,
        "Do not listen for the browser: print the sign-in address and read the address the browser was sent to "
        "(or its code) from standard input. At end of input the sign-in is kept pending: finish it with "
        "--secret-env OAuthVerifier=VAR (or --set OAuthVerifier=...)");
    authorize_options->wait = authorize
                                  ->add_option("--wait", authorize_options->wait_seconds,
                                               "Seconds to wait for the browser's redirect (default: the form's "
                                               "OAuthAuthorizationTimeout, 300)")
                                  ->type_name("SECONDS")
                                  ->check(CLI::Range(1, 3600))
                                  ->excludes(headless);
    authorize->footer(
        std::string(form_help_footer()) +
        "\nBrowser: the program named by BROWSER (a ':'-separated list of commands, each split at blanks; %s is "
        "replaced by the address, else it is appended; never run through a shell), else xdg-open when DISPLAY or "
        "WAYLAND_DISPLAY is set. The address is always printed on standard error as well, so it can be opened by "
        "hand. It carries a PKCE challenge and a state, not a secret; no token or code is ever printed."
        "\nExit 0 when signed in, and also when a headless sign-in was started but nobody answered (it waits for "
        "OAuthVerifier: --json says \"awaiting_verifier\": true); 1 when refused (no answer before the wait ended, "
        "access denied, code rejected, not licensed, no oauth_management.v1 extension); 2 for a usage error.");
    authorize->callback([&chosen, authorize_options] {
        chosen = [authorize_options](host_context& ctx) { return run_authorize(ctx, *authorize_options); };
    });

    auto status_options = std::make_shared<oauth_command_options>();
    auto* status = add_oauth_subcommand(
        *group, "status",
        "Show what is stored for the form's connection: where, for which client, scope, expiry times; tokens "
        "masked (length only)",
        status_options);
    status->footer(std::string(form_help_footer()) +
                   "\nExit 0 when the status could be read, whether or not tokens are stored (--json: \"present\"); "
                   "1 when it could not (the store is unreadable or foreign, the form is invalid, no "
                   "oauth_management.v1 extension); 2 for a usage error.");
    status->callback([&chosen, status_options] {
        chosen = [status_options](host_context& ctx) { return run_status(ctx, *status_options); };
    });

    auto revoke_options = std::make_shared<oauth_command_options>();
    auto* revoke = add_oauth_subcommand(
        *group, "revoke",
        "Revoke the stored refresh token at the service (Sage's revoke endpoint) and remove the stored token set; "
        "the next use needs a new sign-in",
        revoke_options);
    revoke->footer(std::string(form_help_footer()) +
                   "\nExit 0 when revoked and removed; 1 when nothing is stored, the service refused (the tokens are "
                   "then kept so you can try again), not licensed, or no oauth_management.v1 extension; 2 for a "
                   "usage error.");
    revoke->callback([&chosen, revoke_options] {
        chosen = [revoke_options](host_context& ctx) { return run_revoke(ctx, *revoke_options); };
    });
}

} // namespace sample_host
