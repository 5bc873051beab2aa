#include "commands/cli.hpp"

#include "commands/commands.hpp"
#include "commands/host_context.hpp"
#include "output/host_log.hpp"
#include "runtime/host_error.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <connector_support/guarded.hpp>

#include <iostream>
#include <memory>
#include <optional>

namespace sample_host {
namespace {

constexpr const char* global_footer =
    "Environment:\n"
    "  SAMPLE_HOST_PLUGINS  plugin folder when --plugins is not given\n"
    "  SAMPLE_HOST_DATA     data folder when --data is not given (else $XDG_DATA_HOME/sample-host or\n"
    "                       ~/.local/share/sample-host; created mode 0700)\n"
    "  SAMPLE_HOST_DATABASE the database when --database is not given (else sqlite:<data>/host.db)\n"
    "  SAMPLE_HOST_KEY      the host key file when --host-key is not given (else <data>/host.key)\n"
    "  SAMPLE_HOST_CREDENTIALS  host or connector, when --credentials is not given (else host)\n"
    "  SAMPLE_HOST_USER     acting user when --as is not given (else \"admin\")\n"
    "  SAMPLE_HOST_NOW      testing aid, in builds made for testing only (SAMPLE_HOST_TEST_CLOCK): the\n"
    "                       host clock starts at this instant (ISO-8601 UTC such as 2027-01-31T00:00:00Z,\n"
    "                       or Unix seconds), so licence expiry can be tested without waiting\n"
    "  BROWSER              the program(s) that open a sign-in address (oauth authorize, TEST), else xdg-open\n"
    "                       when DISPLAY or WAYLAND_DISPLAY is set; see `sample_host oauth authorize --help`\n"
    "Data folder: host.db (SQLite, unless --database names another: tenants, users, connections,\n"
    "licences, the marketplace's records and signing key, the default OAuth apps (`oauth-apps`),\n"
    "credentials and leases, the licence clock's sealed floor),\n"
    "host.key (mode 0600, unless --host-key names another: the AES-256-GCM key that seals saved\n"
    "secrets, credentials, OAuth app secrets, the signing key and the clock floor),\n"
    "logs/host.log, state/<tenant>/<connector>/. An oauth_apps.json or marketplace/signing-key.pem an\n"
    "older sample_host kept there is moved into the database, and deleted, on first need.\n"
    "Exit codes: 0 ok, 1 refused/unavailable/invalid/not found, 2 usage error.";

// CLI11 lists unexpected arguments verbatim; one of them may be a secret that lost its option, so
// only option-like words are repeated.
std::string describe_parse_error(const CLI::ParseError& e, const std::vector<std::string>& arguments)
{
    if (dynamic_cast<const CLI::ExtrasError*>(&e) == nullptr)
        return e.what();
    std::string shown;
    std::size_t hidden = 0;
    const std::string message = e.what();
    for (const auto& argument : arguments) {
        if (message.find(argument) == std::string::npos)
            continue;
        if (!argument.empty() && argument.front() == '-' && argument.find('=') == std::string::npos)
            shown += (shown.empty() ? "" : " ") + argument;
        else
            ++hidden;
    }
    std::string out = "unexpected argument(s)";
    if (!shown.empty())
        out += ": " + shown;
    if (hidden > 0)
        out += (shown.empty() ? ": " : " and ") + std::to_string(hidden) + " value(s) not repeated here";
    return out;
}

// The command line: the global options and every command; `chosen` is set by the command parsed.
std::unique_ptr<CLI::App> make_app(global_options& globals, command_action& chosen,
                                   std::span<const command_installer> more_commands)
{
    auto app = std::make_unique<CLI::App>(
        "sample_host: the reference marketplace host. It discovers connector plugins, shows their connection forms, "
        "runs VALIDATE, TEST and CREATE, plays the marketplace (trials, subscriptions, signed licences), and keeps "
        "connections, tenants and users in its data folder.",
        "sample_host");
    app->require_subcommand(1);
    app->fallthrough(); // global options may also follow the command

    app->add_option("--plugins", globals.plugins,
                    "Plugin folder: one sub-folder per connector (manifest.json + library). Default: "
                    "SAMPLE_HOST_PLUGINS, else the build tree's plugins/ when run from the build tree, else "
                    "<bin>/../lib/connectors")
        ->type_name("DIR");
    app->add_option("--data", globals.data,
                    "Data folder (database, host key, logs, connector state). Default: SAMPLE_HOST_DATA, else "
                    "$XDG_DATA_HOME/sample-host or ~/.local/share/sample-host")
        ->type_name("DIR");
    app->add_option("--database", globals.database,
                    "Where the host keeps everything: sqlite:PATH, or postgresql://USER@HOST[:PORT]/NAME shared "
                    "by a fleet of hosts (password in PGPASSWORD or ~/.pgpass). Default: SAMPLE_HOST_DATABASE, "
                    "else sqlite:<data>/host.db")
        ->type_name("URL");
    app->add_option("--host-key", globals.host_key,
                    "The host key file (32 bytes, mode 0600) that seals secrets; every host of a fleet uses the "
                    "same one, which must exist. Default: SAMPLE_HOST_KEY, else <data>/host.key (created on first "
                    "need)")
        ->type_name("FILE");
    app->add_option("--credentials", globals.credentials,
                    "Where connectors keep their OAuth tokens: host (in the host's database, sealed, shared by a "
                    "fleet; offered as credential_store.v1) or connector (where each connector's form says, e.g. "
                    "OAuthSettingsLocation). Default: SAMPLE_HOST_CREDENTIALS, else host")
        ->type_name("host|connector");
    app->add_option("--as", globals.as, "Act as this user (default: SAMPLE_HOST_USER, else admin)")->type_name("USER");
    app->add_flag("--json", globals.json, "Print the result as one JSON document on standard output");
    app->add_flag("--verbose", globals.verbose,
                  "Also print log lines (host and connector) on standard error; they always go to "
                  "<data>/logs/host.log");

    add_plugins_command(*app, chosen);
    add_describe_command(*app, chosen);
    add_form_commands(*app, chosen);
    add_connections_command(*app, chosen);
    add_users_command(*app, chosen);
    add_marketplace_command(*app, chosen);
    add_oauth_command(*app, chosen);
    add_oauth_apps_command(*app, chosen);
    add_data_commands(*app, chosen);
    add_sync_command(*app, chosen);
    for (const command_installer install : more_commands)
        install(*app, chosen);
    app->footer(global_footer); // after the commands, which would otherwise inherit it
    return app;
}

// Parses the arguments; an exit code when the run ends here (--help, a usage error, no command).
std::optional<int> parse_arguments(CLI::App& app, const command_action& chosen,
                                   const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err)
{
    try {
        // CLI11 takes the arguments in reverse order when given a vector.
        std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
            app.exit(e, out, err); // --help
            return 0;
        }
        err << "error: " << describe_parse_error(e, arguments) << "\nRun with --help for more information.\n";
        return static_cast<int>(exit_code::usage);
    }
    if (!chosen) {
        err << "error: no command given\nRun with --help for more information.\n";
        return static_cast<int>(exit_code::usage);
    }
    return std::nullopt;
}

// A refusal ends the command: its message (and with --json one document), a log line, its exit code.
int report_refusal(host_context* ctx, const host_error& e, std::ostream& err)
{
    if (ctx != nullptr) {
        ctx->out().error(e.what());
        if (ctx->out().json() && e.code() != exit_code::usage)
            ctx->out().document(boost::json::object{{"error", e.what()}, {"exit_code", static_cast<int>(e.code())}});
        // No log to write to (it could not be opened): the message above is what counts.
        connector_support::guarded([&] { ctx->log().write(connector_sdk::log_level::error, "host", e.what()); },
                                   [](std::string_view) {}, [] {});
    } else {
        err << "error: " << e.what() << '\n';
    }
    if (e.code() == exit_code::usage)
        err << "Run with --help for more information.\n";
    return static_cast<int>(e.code());
}

// A defect, not a user's mistake: still one JSON document with --json, and never a crash.
int report_defect(host_context* ctx, const std::exception& e, std::ostream& err)
{
    const std::string message = std::string("unexpected failure: ") + e.what() + " (please report this)";
    if (ctx != nullptr) {
        ctx->out().error(message);
        if (ctx->out().json())
            ctx->out().document(boost::json::object{{"error", message}, {"exit_code", 1}});
    } else {
        err << "error: " << message << '\n';
    }
    return static_cast<int>(exit_code::refused);
}

// run_cli's body: parse, then run the chosen command in its host_context.
int run_command_line(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
                     std::span<const command_installer> more_commands)
{
    global_options globals;
    command_action chosen;
    const std::unique_ptr<CLI::App> app = make_app(globals, chosen, more_commands);
    if (auto ended = parse_arguments(*app, chosen, std::vector<std::string>(argv + 1, argv + argc), out, err))
        return *ended;

    std::unique_ptr<host_context> ctx;
    try {
        ctx = std::make_unique<host_context>(globals, executable_path(argc > 0 ? argv[0] : nullptr),
                                             process_environment(), out, err);
        return chosen(*ctx);
    } catch (const host_error& e) {
        return report_refusal(ctx.get(), e, err);
    } catch (const std::exception& e) {
        return report_defect(ctx.get(), e, err);
    }
}

} // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            std::span<const command_installer> more_commands) noexcept
{
    return connector_support::guarded(
        [&] { return run_command_line(argc, argv, out, err, more_commands); },
        [&](std::string_view why) { err << "error: unexpected failure: " << why << " (please report this)\n"; },
        [] { return static_cast<int>(exit_code::refused); });
}

} // namespace sample_host
