// `sample_host users add NAME --role admin|user [--tenant T]` and `users list`: the host's tenants
// and users. Adding users is for administrators only.
#include "commands/commands.hpp"

#include "commands/host_context.hpp"
#include "output/json_output.hpp"
#include "output/text_table.hpp"
#include "runtime/host_error.hpp"
#include "storage/user_directory.hpp"

#include <CLI/CLI.hpp>
#include <connector_support/time_text.hpp>

#include <boost/json.hpp>

#include <memory>

namespace sample_host {
namespace {

namespace json = boost::json;
using connector_support::utc_iso_text;

struct add_options {
    std::string name;
    std::string role_text;
    std::optional<std::string> tenant;
};

json::object user_json(const user_account& u)
{
    return {{"name", u.name},
            {"tenant", u.tenant},
            {"role", to_string(u.user_role)},
            {"created_at", utc_iso_text(u.created_at)}};
}

int run_add(host_context& ctx, const add_options& options)
{
    const auto user_role = parse_role(options.role_text);
    if (!user_role) // CLI11 checks this already; kept for callers that bypass it
        throw usage_error("--role must be admin or user");
    std::optional<std::string_view> tenant;
    if (options.tenant)
        tenant = *options.tenant;
    const user_account added = ctx.users().add(ctx.acting_user(), options.name, *user_role, tenant, ctx.now_seconds());
    if (ctx.out().json())
        ctx.out().document(json::object{{"added", user_json(added)}});
    else
        ctx.out().line("added user '" + added.name + "' (" + std::string(to_string(added.user_role)) + ") to tenant '" +
                       added.tenant + "'");
    return 0;
}

int run_list(host_context& ctx)
{
    const auto users = ctx.users().list(ctx.acting_user());
    if (ctx.out().json()) {
        json::array list;
        for (const auto& u : users)
            list.push_back(user_json(u));
        ctx.out().document(json::object{{"users", std::move(list)}});
        return 0;
    }
    text_table table({"NAME", "TENANT", "ROLE", "CREATED"});
    for (const auto& u : users)
        table.add_row({u.name, u.tenant, std::string(to_string(u.user_role)), utc_iso_text(u.created_at)});
    ctx.out().line(table.render());
    return 0;
}

} // namespace

void add_users_command(CLI::App& app, command_action& chosen)
{
    auto* group = app.add_subcommand("users", "Tenants and their users (roles: admin, user)");
    group->require_subcommand(1);

    auto options = std::make_shared<add_options>();
    auto* add = group->add_subcommand("add", "Add a user (administrators only)");
    add->add_option("name", options->name, "User name: 1 to 64 letters, digits, '.', '_', '-' or '@'")
        ->required()
        ->type_name("NAME");
    add->add_option("--role", options->role_text, "The user's role")
        ->required()
        ->check(CLI::IsMember({"admin", "user"}))
        ->type_name("admin|user");
    add->add_option("--tenant", options->tenant,
                    "The user's tenant (default: yours). Administrators of the \"default\" tenant may name another "
                    "tenant, which is created when missing")
        ->type_name("TENANT");
    add->footer("Exit 1 when you are not an administrator, the name is taken or invalid.");
    add->callback([&chosen, options] { chosen = [options](host_context& ctx) { return run_add(ctx, *options); }; });

    auto* list = group->add_subcommand(
        "list", "List the users of your tenant (all tenants for administrators of the \"default\" tenant)");
    list->callback([&chosen] { chosen = run_list; });
}

} // namespace sample_host
