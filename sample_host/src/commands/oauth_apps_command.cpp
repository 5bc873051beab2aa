// `sample_host oauth-apps set|list|remove`: the host's default OAuth app per connector (what a
// connector gets from host_services::default_oauth_app), kept in the host database with the client
// secret sealed. Administrators of the "default" tenant only: the apps serve every tenant. The client
// secret is read from a file or standard input, never from the command line.
#include "commands/commands.hpp"

#include "commands/host_context.hpp"
#include "connectors/plugin_registry.hpp"
#include "output/host_log.hpp"
#include "output/text_table.hpp"
#include "runtime/host_error.hpp"
#include "security/private_file.hpp"
#include "storage/database_url.hpp"
#include "storage/oauth_app_store.hpp"
#include "storage/user_directory.hpp"

#include <CLI/CLI.hpp>
#include <connector_support/ascii_text.hpp>
#include <connector_support/time_text.hpp>

#include <boost/json.hpp>

#include <openssl/crypto.h>

#include <cerrno>
#include <iostream>
#include <iterator>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>

namespace sample_host {
namespace {

namespace json = boost::json;
using connector_support::utc_iso_text;

constexpr std::size_t max_secret_size = std::size_t{64} * 1024;

struct oauth_apps_options {
    std::string connector;
    std::string client_id;
    std::string secret_file;
    std::optional<std::string> secret_on_command_line; // refused: see add_oauth_apps_command
};

void refuse_unless_host_admin(host_context& ctx)
{
    const user_account& actor = ctx.acting_user();
    if (!actor.is_admin())
        throw host_error("only an administrator can manage the host's OAuth apps: please ask your administrator");
    if (actor.tenant != default_tenant)
        throw host_error("only an administrator of the \"default\" tenant (the host's operators) can manage the "
                         "host's OAuth apps: they serve every tenant");
}

bool is_connector_id(std::string_view id)
{
    if (id.empty() || id.size() > 128)
        return false;
    for (const char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return false;
    return true;
}

// CONNECTOR as a manifest id: an installed connector's id, or its name (ignoring case) mapped to its
// id; an id no installed connector has is accepted (the app is offered once it is installed), with a note.
std::string resolve_connector_id(host_context& ctx, const std::string& wanted)
{
    std::vector<connector_sdk::discovered_plugin> plugins;
    try {
        plugins = ctx.plugins().discover();
    } catch (const host_error&) {
        // No plugin folder: the id is taken as given.
    }
    for (const auto& plugin : plugins)
        if (plugin.manifest.value &&
            (plugin.manifest.value->id == wanted || connector_support::iequals(plugin.manifest.value->name, wanted)))
            return plugin.manifest.value->id;
    if (!is_connector_id(wanted))
        throw usage_error("'" + wanted +
                          "' is not a connector id (1 to 128 letters, digits, '-', '_' or '.', as in a manifest's "
                          "\"id\") nor the name of a connector installed in " +
                          ctx.plugins().folder().string());
    return wanted;
}

void note_if_not_installed(host_context& ctx, const std::string& connector_id)
{
    std::vector<connector_sdk::discovered_plugin> plugins;
    try {
        plugins = ctx.plugins().discover();
    } catch (const host_error&) {
    }
    for (const auto& plugin : plugins)
        if (plugin.manifest.value && plugin.manifest.value->id == connector_id)
            return;
    ctx.out().note("no connector '" + connector_id + "' is installed in " + ctx.plugins().folder().string() +
                   ": its default OAuth app is offered once it is");
}

// The text of `source` ("-": standard input), without one trailing line break. Throws host_error.
std::string read_client_secret(const std::string& source)
{
    std::string text;
    if (source == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        if (text.size() > max_secret_size) {
            OPENSSL_cleanse(text.data(), text.size());
            throw host_error("standard input holds more than 64 KiB, too much to be a client secret");
        }
    } else {
        file_descriptor fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
        if (fd.get() < 0)
            throw host_error("cannot read the client secret file " + source + ": " + errno_text(errno));
        struct stat info {};
        if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode))
            throw host_error("the client secret file " + source +
                             " is not a regular file: pass a file, or - to read standard input");
        if (info.st_size > static_cast<off_t>(max_secret_size))
            throw host_error("the client secret file " + source + " is larger than 64 KiB, too large to be one");
        auto read = read_secret_text(fd.get(), static_cast<std::size_t>(info.st_size));
        if (!read)
            throw host_error("cannot read the client secret file " + source + ": " + errno_text(errno));
        text = std::move(*read);
    }
    if (!text.empty() && text.back() == '\n')
        text.pop_back();
    if (!text.empty() && text.back() == '\r')
        text.pop_back();
    const std::string from = source == "-" ? "standard input" : source;
    if (text.empty())
        throw host_error("the client secret from " + from + " is empty: put the app's client secret there");
    for (const char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            OPENSSL_cleanse(text.data(), text.size());
            throw host_error("the client secret from " + from +
                             " holds a line break or another control character: it must be the secret alone, on "
                             "one line");
        }
    return text;
}

std::string outcome_text(oauth_app_outcome outcome)
{
    switch (outcome) {
    case oauth_app_outcome::created: return "created";
    case oauth_app_outcome::replaced: return "replaced";
    case oauth_app_outcome::unchanged: return "unchanged";
    }
    return "unchanged";
}

int run_set(host_context& ctx, const oauth_apps_options& options)
{
    if (options.secret_on_command_line)
        throw usage_error("--client-secret is not accepted: a secret on the command line is seen by other users "
                          "(ps) and kept in shell history. Put it in a file only you can read and pass "
                          "--client-secret-file FILE, or pipe it in with --client-secret-file -");
    if (options.secret_file.empty())
        throw usage_error("--client-secret-file is required: a file holding the client secret, or - to read it "
                          "from standard input");
    refuse_unless_host_admin(ctx);
    const std::string connector_id = resolve_connector_id(ctx, options.connector);
    if (options.client_id.empty() || options.client_id.size() > 1024)
        throw usage_error("--client-id must be 1 to 1024 characters: the app's client id as the provider shows it");
    for (const char c : options.client_id)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            throw usage_error("--client-id holds a control character: give the client id alone");
    const oauth_app app(options.client_id, read_client_secret(options.secret_file));
    ctx.redactor().add(app.client_secret);
    const auto outcome = ctx.oauth_apps().put(connector_id, app, ctx.acting_user().name, ctx.now_seconds());
    const std::string where = ctx.database_location().display;
    const std::string text = outcome == oauth_app_outcome::unchanged
                                 ? "the default OAuth app of connector " + connector_id + " is already client id '" +
                                       app.client_id + "' with this client secret"
                                 : std::string(outcome == oauth_app_outcome::created ? "set" : "replaced") +
                                       " the default OAuth app of connector " + connector_id + ": client id '" +
                                       app.client_id + "', client secret sealed under the host key in " + where;
    ctx.log().write(connector_sdk::log_level::info, "host", text + " (by " + ctx.acting_user().name + ")");
    if (ctx.out().json()) {
        ctx.out().document(json::object{{"outcome", outcome_text(outcome)},
                                        {"connector_id", connector_id},
                                        {"client_id", app.client_id},
                                        {"database", where}});
    } else {
        note_if_not_installed(ctx, connector_id);
        ctx.out().line(text);
    }
    return 0;
}

int run_list(host_context& ctx, const oauth_apps_options& options)
{
    refuse_unless_host_admin(ctx);
    std::optional<std::string> only;
    if (!options.connector.empty())
        only = resolve_connector_id(ctx, options.connector);
    std::vector<oauth_app_entry> entries;
    for (auto& e : ctx.oauth_apps().list())
        if (!only || e.connector_id == *only)
            entries.push_back(std::move(e));
    if (only && entries.empty())
        throw host_error("no default OAuth app is set for connector " + *only +
                         ": an administrator sets one with `sample_host oauth-apps set " + *only +
                         " --client-id ID --client-secret-file FILE`");
    if (ctx.out().json()) {
        json::array list;
        for (const auto& e : entries)
            list.push_back(json::object{{"connector_id", e.connector_id},
                                        {"client_id", e.client_id},
                                        {"client_secret_set", true},
                                        {"updated_at", utc_iso_text(e.updated_at)},
                                        {"updated_by", e.updated_by}});
        ctx.out().document(json::object{{"oauth_apps", std::move(list)}});
        return 0;
    }
    if (entries.empty()) {
        ctx.out().line("no default OAuth apps are set: an administrator sets one with `sample_host oauth-apps set "
                       "CONNECTOR --client-id ID --client-secret-file FILE`");
        return 0;
    }
    text_table table({"CONNECTOR", "CLIENT ID", "CLIENT SECRET", "UPDATED", "BY"});
    for (const auto& e : entries)
        table.add_row({e.connector_id, e.client_id, "set (sealed)", utc_iso_text(e.updated_at), e.updated_by});
    ctx.out().line(table.render());
    return 0;
}

int run_remove(host_context& ctx, const oauth_apps_options& options)
{
    refuse_unless_host_admin(ctx);
    const std::string connector_id = resolve_connector_id(ctx, options.connector);
    if (!ctx.oauth_apps().remove(connector_id))
        throw host_error("no default OAuth app is set for connector " + connector_id + ": nothing was removed");
    const std::string text = "removed the default OAuth app of connector " + connector_id +
                             ": its users now give their own app's client id and secret";
    ctx.log().write(connector_sdk::log_level::info, "host", text + " (by " + ctx.acting_user().name + ")");
    if (ctx.out().json())
        ctx.out().document(json::object{{"outcome", "removed"}, {"connector_id", connector_id}});
    else
        ctx.out().line(text);
    return 0;
}

using runner = int (*)(host_context&, const oauth_apps_options&);

CLI::App* add_action(CLI::App& group, command_action& chosen, const std::shared_ptr<oauth_apps_options>& options,
                     const std::string& name, const std::string& description, runner run)
{
    auto* command = group.add_subcommand(name, description);
    command->callback(
        [&chosen, options, run] { chosen = [options, run](host_context& ctx) { return run(ctx, *options); }; });
    return command;
}

} // namespace

void add_oauth_apps_command(CLI::App& app, command_action& chosen)
{
    auto* group = app.add_subcommand(
        "oauth-apps", "The host's default OAuth app per connector (administrators of the \"default\" tenant only): "
                      "set, list, remove");
    group->require_subcommand(1);
    group->footer(
        "A connector offered a default OAuth app uses it when a connection gives no client id and secret of its "
        "own. The apps live in the host database (every host of a fleet offers the same), the client secret sealed "
        "under the host key; it is never printed. An oauth_apps.json an older sample_host read from the data "
        "folder is moved into the database, and the file deleted, on first need.");
    auto options = std::make_shared<oauth_apps_options>();
    const std::string connector_help = "The connector: its manifest id (e.g. sage-cloud-accounting) or its name";

    auto* set = add_action(*group, chosen, options, "set",
                           "Set or replace a connector's default OAuth app: client id, and the client secret read "
                           "from a file or standard input",
                           run_set);
    set->add_option("connector", options->connector, connector_help)->required()->type_name("CONNECTOR");
    set->add_option("--client-id", options->client_id, "The app's client id")->required()->type_name("ID");
    set->add_option("--client-secret-file", options->secret_file,
                    "Required: a file holding the client secret (one line), or - to read it from standard input")
        ->type_name("FILE|-"); // checked by run_set, after --client-secret is refused with its reason
    // Accepted only to refuse it with the reason: a secret in argv is visible to every user of the machine.
    set->add_option("--client-secret", options->secret_on_command_line)->group("");
    set->footer("The secret is never taken on the command line. Exit 0 set or unchanged, 1 refused (not an "
                "administrator of the \"default\" tenant, unreadable or empty secret), 2 usage error.");

    auto* list = add_action(*group, chosen, options, "list",
                            "List the default OAuth apps: connector, client id, when and by whom they were set "
                            "(never the client secret)",
                            run_list);
    list->add_option("connector", options->connector, "Only this connector's")->type_name("CONNECTOR");
    list->footer("Exit 0, 1 when the connector named has none or you are not an administrator of the \"default\" "
                 "tenant.");

    auto* remove = add_action(*group, chosen, options, "remove", "Remove a connector's default OAuth app", run_remove);
    remove->add_option("connector", options->connector, connector_help)->required()->type_name("CONNECTOR");
    remove->footer("Connections that relied on it then need their own client id and secret. Exit 0 removed, 1 none "
                   "was set or refused, 2 usage error.");
}

} // namespace sample_host
