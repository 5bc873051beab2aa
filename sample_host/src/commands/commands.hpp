// The command groups of sample_host. Each adds its subcommand(s) to the CLI and, when chosen on the
// command line, sets `chosen` to the action that runs it with the host context (after parsing, so
// the global options are known). An action returns the process exit code.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace sample_host {

class host_context;

using command_action = std::function<int(host_context&)>;

void add_plugins_command(CLI::App& app, command_action& chosen);
void add_describe_command(CLI::App& app, command_action& chosen);
void add_form_commands(CLI::App& app, command_action& chosen);       // validate, test, create
void add_connections_command(CLI::App& app, command_action& chosen); // list, show, delete, check
void add_users_command(CLI::App& app, command_action& chosen);       // add, list
void add_marketplace_command(CLI::App& app,
                             command_action& chosen);          // start-trial, subscribe, renew, cancel, status, init
void add_oauth_command(CLI::App& app, command_action& chosen); // authorize, status, revoke
void add_oauth_apps_command(CLI::App& app, command_action& chosen); // set, list, remove
void add_data_commands(CLI::App& app, command_action& chosen);      // entities, schema, read
void add_sync_command(CLI::App& app, command_action& chosen);       // sync

} // namespace sample_host
