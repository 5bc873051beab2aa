// `sample_host plugins`: every connector in the plugin folder with its manifest data, load status
// (and why not) and licence state. Bad plugins are listed as refused; the listing goes on.
#include "commands/commands.hpp"

#include "commands/host_context.hpp"
#include "connectors/plugin_registry.hpp"
#include "marketplace/marketplace.hpp"
#include "output/json_output.hpp"
#include "output/text_table.hpp"
#include "storage/user_directory.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <connector_support/time_text.hpp>

namespace sample_host {
namespace {

namespace json = boost::json;

struct plugin_row {
    std::string folder;
    std::string id;
    std::optional<connector_sdk::manifest> manifest;
    std::string status;
    std::string reason;
    std::optional<connector_sdk::license_status> license;
};

// The LICENCE cell: trial days left, plan and expiry, grace days left; an invalid licence's reason
// goes on its own line below the table.
std::string license_cell(const connector_sdk::license_status& status)
{
    if (status.state == connector_sdk::license_state::invalid)
        return "invalid";
    return license_summary(status);
}

// Every plugin of the folder, loaded, with its status and (when it loaded) its licence state.
std::vector<plugin_row> plugin_rows(plugin_registry& registry)
{
    std::vector<plugin_row> rows;
    for (auto& loaded : registry.load_all()) {
        plugin_row row;
        row.folder = loaded.plugin.folder.string();
        row.id = loaded.id();
        row.manifest = loaded.plugin.manifest.value;
        row.status = std::string(connector_sdk::to_string(loaded.result.status));
        row.reason = loaded.result.reason;
        if (loaded.result.ok())
            row.license = loaded.connector().check_license();
        rows.push_back(std::move(row));
    }
    return rows;
}

void print_plugins_json(host_context& ctx, const plugin_registry& registry, const std::vector<plugin_row>& rows)
{
    json::array plugins;
    for (const auto& row : rows) {
        json::object o;
        o["folder"] = row.folder;
        o["id"] = row.id;
        o["name"] = row.manifest ? json::value(row.manifest->name) : json::value(nullptr);
        o["version"] = row.manifest ? json::value(row.manifest->version) : json::value(nullptr);
        o["vendor"] = row.manifest ? json::value(row.manifest->vendor) : json::value(nullptr);
        o["tier"] = row.manifest ? json::value(row.manifest->tier) : json::value(nullptr);
        o["trial_days"] = row.manifest ? json::value(row.manifest->trial_days) : json::value(nullptr);
        o["grace_days"] = row.manifest ? json::value(row.manifest->grace_days) : json::value(nullptr);
        o["description"] = row.manifest ? json::value(row.manifest->description) : json::value(nullptr);
        o["status"] = row.status;
        o["loaded"] = row.status == "loaded";
        o["reason"] = row.reason;
        o["license"] = row.license ? json::value(license_json(*row.license)) : json::value(nullptr);
        plugins.push_back(std::move(o));
    }
    ctx.out().document(json::object{{"plugins_dir", registry.folder().string()},
                                    {"tenant", ctx.acting_user().tenant},
                                    {"plugins", std::move(plugins)}});
}

int run_plugins(host_context& ctx)
{
    plugin_registry& registry = ctx.plugins();
    registry.require_folder();
    const std::vector<plugin_row> rows = plugin_rows(registry);
    if (ctx.out().json()) {
        print_plugins_json(ctx, registry, rows);
        return 0;
    }
    if (rows.empty()) {
        ctx.out().line(
            "no connectors found in " + registry.folder().string() +
            " (it holds no plugin folders: each connector is a sub-folder with manifest.json and its library)");
        return 0;
    }
    ctx.out().line("Connectors in " + registry.folder().string() + " (tenant " + ctx.acting_user().tenant + "):");
    text_table table({"ID", "NAME", "VERSION", "VENDOR", "TIER", "TRIAL", "STATUS", "LICENCE"});
    for (const auto& row : rows) {
        const auto* m = row.manifest ? &*row.manifest : nullptr;
        table.add_row({row.id, m ? m->name : "", m ? m->version : "", m ? m->vendor : "", m ? m->tier : "",
                       m && m->trial_days > 0 ? connector_support::days_text(m->trial_days) : "-", row.status,
                       row.license ? license_cell(*row.license) : "-"});
    }
    ctx.out().line(table.render());
    for (const auto& row : rows) {
        if (row.status != "loaded")
            ctx.out().line(row.id + ": refused (" + row.status + "): " + row.reason);
        else if (row.license && row.license->state == connector_sdk::license_state::invalid)
            ctx.out().line(
                row.id + ": licence invalid: " + row.license->reason +
                (row.license->user_message.empty() ? "" : " (users see: " + row.license->user_message + ")"));
        else if (row.license && !row.license->user_message.empty())
            ctx.out().line(row.id + ": licence " + std::string(connector_sdk::to_string(row.license->state)) + ": " +
                           row.license->user_message);
    }
    return 0;
}

} // namespace

void add_plugins_command(CLI::App& app, command_action& chosen)
{
    auto* command = app.add_subcommand(
        "plugins", "List the connectors in the plugin folder: manifest data (id, name, version, vendor, tier, trial "
                   "days), load status (and why a plugin was refused) and licence state for your tenant");
    command->footer("Every plugin is loaded; a refused plugin is listed with its status and reason and the listing "
                    "goes on. Exit 0 when the folder could be listed, 1 when the plugin folder does not exist.");
    command->callback([&chosen] { chosen = run_plugins; });
}

} // namespace sample_host
