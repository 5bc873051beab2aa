// `sample_host connections list|show NAME|delete NAME|check [NAME]`: the acting user's tenant's saved
// connections. Secret values are always shown masked; `check` opens them in memory only.
#include "commands/commands.hpp"

#include "commands/host_context.hpp"
#include "output/json_output.hpp"
#include "output/text_table.hpp"
#include "runtime/host_error.hpp"
#include "security/secret_redactor.hpp"
#include "storage/connection_store.hpp"
#include "storage/user_directory.hpp"

#include <CLI/CLI.hpp>
#include <connector_support/time_text.hpp>

#include <boost/json.hpp>

#include <memory>

namespace sample_host {
namespace {

namespace json = boost::json;
using connector_support::utc_iso_text;

std::string value_text(const stored_field& field)
{
    if (field.secret && field.kind == field_kind::file)
        return field.file_name + " (" + std::to_string(field.size) + " bytes, encrypted)";
    if (field.secret)
        return std::string(secret_mask);
    if (!field.value)
        return {};
    struct visitor {
        std::string operator()(const std::string& text) const { return text; }
        std::string operator()(bool flag) const { return flag ? "true" : "false"; }
        std::string operator()(std::int64_t number) const { return std::to_string(number); }
        std::string operator()(const connector_sdk::file_value& file) const
        {
            return file.file_name + " (" + std::to_string(file.content.size()) + " bytes)";
        }
        std::string operator()(const connector_sdk::key_value_pairs& pairs) const
        {
            std::string out;
            for (const auto& pair : pairs)
                out += (out.empty() ? "" : ", ") + pair.key + "=" + pair.value;
            return out;
        }
    };
    return std::visit(visitor{}, *field.value);
}

json::value value_json(const stored_field& field)
{
    if (field.secret)
        return json::value(secret_mask);
    if (!field.value)
        return nullptr;
    struct visitor {
        json::value operator()(const std::string& text) const { return json::value(text); }
        json::value operator()(bool flag) const { return json::value(flag); }
        json::value operator()(std::int64_t number) const { return json::value(number); }
        json::value operator()(const connector_sdk::file_value& file) const
        {
            return json::object{{"file_name", file.file_name}, {"size", file.content.size()}};
        }
        json::value operator()(const connector_sdk::key_value_pairs& pairs) const
        {
            json::array out;
            for (const auto& pair : pairs)
                out.push_back(json::object{{"key", pair.key}, {"value", pair.value}});
            return out;
        }
    };
    return std::visit(visitor{}, *field.value);
}

int run_list(host_context& ctx)
{
    const user_account& user = ctx.acting_user();
    const auto connections = ctx.connections().list(user.tenant);
    if (ctx.out().json()) {
        json::array list;
        for (const auto& c : connections)
            list.push_back(connection_summary_json(c));
        ctx.out().document(json::object{{"tenant", user.tenant}, {"connections", std::move(list)}});
        return 0;
    }
    if (connections.empty()) {
        ctx.out().line("no connections in tenant '" + user.tenant +
                       "' (create one with `sample_host create CONNECTOR ...`)");
        return 0;
    }
    text_table table({"NAME", "CONNECTOR", "FIELDS", "SECRETS", "CREATED BY", "UPDATED"});
    for (const auto& c : connections)
        table.add_row({c.name, c.connector_id, std::to_string(c.field_count), std::to_string(c.secret_count),
                       c.created_by, utc_iso_text(c.updated_at)});
    ctx.out().line(table.render());
    return 0;
}

connection_details require_connection(host_context& ctx, const std::string& name)
{
    return ctx.connections().require(ctx.acting_user().tenant, name);
}

int run_show(host_context& ctx, const std::string& name)
{
    const connection_details details = require_connection(ctx, name);
    if (ctx.out().json()) {
        json::array fields;
        for (const auto& f : details.fields)
            fields.push_back(json::object{{"key", f.key},
                                          {"kind", to_string(f.kind)},
                                          {"secret", f.secret},
                                          {"value", value_json(f)},
                                          {"file_name", f.file_name},
                                          {"size", f.size}});
        ctx.out().document(
            json::object{{"connection", connection_summary_json(details.summary)}, {"fields", std::move(fields)}});
        return 0;
    }
    const auto& s = details.summary;
    ctx.out().line("connection: " + s.name);
    ctx.out().line("connector:  " + s.connector_id);
    ctx.out().line("tenant:     " + s.tenant);
    ctx.out().line("created:    " + utc_iso_text(s.created_at) + " by " + s.created_by);
    ctx.out().line("updated:    " + utc_iso_text(s.updated_at));
    ctx.out().line("");
    text_table table({"KEY", "KIND", "SECRET", "VALUE"});
    for (const auto& f : details.fields)
        table.add_row({f.key, std::string(to_string(f.kind)), f.secret ? "yes" : "no", value_text(f)});
    ctx.out().line(table.render());
    return 0;
}

int run_delete(host_context& ctx, const std::string& name)
{
    const user_account& user = ctx.acting_user();
    if (!ctx.connections().remove(user.tenant, name))
        throw host_error("no connection named '" + name + "' in tenant '" + user.tenant +
                         "': nothing was deleted; see `sample_host connections list`");
    if (ctx.out().json())
        ctx.out().document(json::object{{"deleted", true}, {"tenant", user.tenant}, {"name", name}});
    else
        ctx.out().line("deleted connection '" + name + "' from tenant '" + user.tenant + "'");
    return 0;
}

int run_check(host_context& ctx, const std::string& name)
{
    const user_account& user = ctx.acting_user();
    std::vector<std::string> names;
    if (!name.empty())
        names.push_back(require_connection(ctx, name).summary.name);
    else
        for (const auto& c : ctx.connections().list(user.tenant))
            names.push_back(c.name);
    std::size_t values = 0;
    for (const auto& n : names) {
        // Decrypts into memory and drops the values: nothing is printed but the outcome.
        const auto form = ctx.connections().load_form(user.tenant, n);
        values += form.size();
    }
    if (ctx.out().json()) {
        json::array checked;
        for (const auto& n : names)
            checked.emplace_back(n);
        ctx.out().document(json::object{{"ok", true}, {"tenant", user.tenant}, {"connections", std::move(checked)}});
    } else {
        ctx.out().line("ok: " + std::to_string(names.size()) + " connection(s), " + std::to_string(values) +
                       " value(s) read; every secret opened with the host key and passed its integrity check");
    }
    return 0;
}

} // namespace

void add_connections_command(CLI::App& app, command_action& chosen)
{
    auto* group = app.add_subcommand("connections", "The saved connections of your tenant (secrets always masked)");
    group->require_subcommand(1);

    auto* list = group->add_subcommand("list", "List the saved connections of your tenant, by name");
    list->callback([&chosen] { chosen = run_list; });

    auto show_name = std::make_shared<std::string>();
    auto* show = group->add_subcommand("show", "Show one connection and its fields, secret values masked (********)");
    show->add_option("name", *show_name, "Connection Name (case-insensitive)")->required()->type_name("NAME");
    show->callback(
        [&chosen, show_name] { chosen = [show_name](host_context& ctx) { return run_show(ctx, *show_name); }; });

    auto delete_name = std::make_shared<std::string>();
    auto* remove = group->add_subcommand("delete", "Delete one connection and its stored values");
    remove->add_option("name", *delete_name, "Connection Name (case-insensitive)")->required()->type_name("NAME");
    remove->callback([&chosen, delete_name] {
        chosen = [delete_name](host_context& ctx) { return run_delete(ctx, *delete_name); };
    });

    auto check_name = std::make_shared<std::string>();
    auto* check = group->add_subcommand(
        "check", "Decrypt the secrets of one connection (or all) in memory, printing none, to prove the host key "
                 "fits and nothing was altered");
    check->add_option("name", *check_name, "Connection Name; all connections of your tenant when omitted")
        ->type_name("NAME");
    check->footer("Exit 1 with the cause and the remedy when the host key is missing or different, or a stored "
                  "secret was altered.");
    check->callback(
        [&chosen, check_name] { chosen = [check_name](host_context& ctx) { return run_check(ctx, *check_name); }; });
}

} // namespace sample_host
