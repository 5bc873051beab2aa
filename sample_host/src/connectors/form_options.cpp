#include "connectors/form_options.hpp"

#include <CLI/CLI.hpp>

namespace sample_host {

CLI::App* add_connector_form_subcommand(CLI::App& parent, const char* name, const char* description,
                                        std::string& connector_id, form_sources& sources)
{
    auto* command = parent.add_subcommand(name, description);
    command->add_option("connector", connector_id, "Connector id from its manifest, e.g. sage-cloud-accounting")
        ->required()
        ->type_name("CONNECTOR");
    add_form_options(*command, sources);
    return command;
}

void add_form_options(CLI::App& command, form_sources& sources)
{
    command
        .add_option("--connection", sources.connection,
                    "Start from this saved connection of your tenant (secrets decrypted in memory only); the "
                    "FORM options below override its values for this run only")
        ->type_name("NAME");
    // One value per use, so "--set A=1 CONNECTOR" never swallows the positional argument.
    command
        .add_option("--form", sources.form_file,
                    "JSON file with the form: an object of strings, booleans and integers; {\"path\": \"FILE\"} "
                    "for a file (relative to the JSON file); AdditionalConfiguration as an object or an array of "
                    "{\"key\", \"value\"}")
        ->type_name("FILE.json");
    command
        .add_option("--set", sources.sets,
                    "Set a field: KEY=VALUE (repeatable). Visible in the process list: "
                    "use --secret-env for secrets")
        ->type_name("KEY=VALUE")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    command
        .add_option("--config", sources.configs,
                    "Add an AdditionalConfiguration (Add Configuration) entry: KEY=VALUE (repeatable)")
        ->type_name("KEY=VALUE")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    command.add_option("--file", sources.files, "Upload a file into a field: KEY=PATH (at most 10 MiB; repeatable)")
        ->type_name("KEY=PATH")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    command
        .add_option("--secret-env", sources.secret_envs,
                    "Set a field from an environment variable, so the secret never appears in the command line: "
                    "KEY=ENVVAR (repeatable)")
        ->type_name("KEY=ENVVAR")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

const char* form_help_footer() noexcept
{
    return "FORM sources are applied in this order, later ones overriding earlier ones: --connection (a saved "
           "connection, which must belong to CONNECTOR; nothing is saved back), then --form, --set, --config, "
           "--file, --secret-env (and within one option, later uses win; --config entries are merged into the "
           "saved Add Configuration). Text given for a boolean or integer property is converted when it reads as "
           "one (true/false/yes/no/on/off/1/0, 60).";
}

} // namespace sample_host
