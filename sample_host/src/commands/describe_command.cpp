// `sample_host describe CONNECTOR`: the connector's connection form, as a table or as JSON.
#include "commands/commands.hpp"

#include "commands/host_context.hpp"
#include "connectors/plugin_registry.hpp"
#include "output/json_output.hpp"
#include "output/text_table.hpp"
#include "security/secret_redactor.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <memory>

namespace sample_host {
namespace {

namespace json = boost::json;

std::string join(const std::vector<std::string>& items, std::string_view separator)
{
    std::string out;
    for (const auto& item : items) {
        if (!out.empty())
            out += separator;
        out += item;
    }
    return out;
}

std::string yes_no(bool flag)
{
    return flag ? "yes" : "no";
}

int run_describe(host_context& ctx, const std::string& connector_id)
{
    loaded_plugin loaded = ctx.plugins().load(connector_id);
    const connector_sdk::manifest& manifest = *loaded.plugin.manifest.value;
    const auto properties = loaded.connector().describe_properties();

    if (ctx.out().json()) {
        json::array list;
        for (const auto& p : properties)
            list.push_back(property_json(p));
        ctx.out().document(json::object{{"connector", connector_json(manifest)}, {"properties", std::move(list)}});
        return 0;
    }

    std::string heading =
        manifest.name + " " + manifest.version + " (" + manifest.id + ") by " + manifest.vendor + ", " + manifest.tier;
    if (manifest.trial_days > 0)
        heading += ", " + std::to_string(manifest.trial_days) + "-day trial";
    ctx.out().line(heading);
    ctx.out().line(manifest.description);
    ctx.out().line("");
    if (properties.empty()) {
        ctx.out().line("The connector describes no connection properties.");
        return 0;
    }
    text_table table(
        {"KEY", "LABEL", "TYPE", "REQUIRED", "SECRET", "DEFAULT", "ADVANCED", "ALLOWED VALUES", "SHOWN WHEN"});
    for (const auto& p : properties) {
        std::string shown;
        if (p.visible_when)
            shown = p.visible_when->key +
                    (p.visible_when->values.empty() ? " is set" : " = " + join(p.visible_when->values, "|"));
        std::string default_text = p.default_value ? *p.default_value : "";
        if (p.secret && !default_text.empty())
            default_text = std::string(secret_mask);
        table.add_row({p.key, p.label, std::string(connector_sdk::to_string(p.type)), yes_no(p.required),
                       yes_no(p.secret), default_text, yes_no(p.advanced), join(p.allowed_values, ", "), shown});
    }
    ctx.out().line(table.render());
    return 0;
}

} // namespace

void add_describe_command(CLI::App& app, command_action& chosen)
{
    auto connector_id = std::make_shared<std::string>();
    auto* command = app.add_subcommand(
        "describe", "Show a connector's connection form: key, label, type, required, secret, default, advanced, "
                    "allowed values and visibility of every property (--json: the full descriptors)");
    command->add_option("connector", *connector_id, "Connector id from its manifest, e.g. sage-cloud-accounting")
        ->required()
        ->type_name("CONNECTOR");
    command->footer("Loads only the named connector. Exit 1 when it is not found or was refused (the reason is "
                    "printed).");
    command->callback([&chosen, connector_id] {
        chosen = [connector_id](host_context& ctx) { return run_describe(ctx, *connector_id); };
    });
}

} // namespace sample_host
