#include "storage/user_directory.hpp"

#include "runtime/host_error.hpp"
#include "storage/database.hpp"

#include <algorithm>

namespace sample_host {
namespace {

bool is_operator(const user_account& actor)
{
    return actor.is_admin() && actor.tenant == default_tenant;
}

user_account read_user(const statement& row)
{
    user_account u;
    u.name = row.text(0);
    u.tenant = row.text(1);
    u.user_role = parse_role(row.text(2)).value_or(role::user);
    u.created_at = row.instant(3);
    return u;
}

void insert_tenant_if_missing(database& database, std::string_view tenant, std::chrono::sys_seconds now)
{
    database.prepare("INSERT INTO tenants (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
        .bind(1, tenant)
        .bind(2, now)
        .run();
}

} // namespace

std::string_view to_string(role r) noexcept
{
    return r == role::admin ? "admin" : "user";
}

std::optional<role> parse_role(std::string_view text) noexcept
{
    if (text == "admin")
        return role::admin;
    if (text == "user")
        return role::user;
    return std::nullopt;
}

void check_user_name(std::string_view name)
{
    const bool ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-' || c == '@';
    });
    if (!ok)
        throw host_error("\"" + std::string(name) +
                         "\" is not a valid user name: use 1 to 64 letters, digits, '.', '_', '-' or '@'");
}

void check_tenant_name(std::string_view name)
{
    const auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    };
    const bool ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), allowed) &&
                    name.front() != '.' && name.front() != '-' && name.front() != '_';
    if (!ok)
        throw host_error("\"" + std::string(name) +
                         "\" is not a valid tenant name: use 1 to 64 lower-case letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit");
}

void user_directory::bootstrap(std::chrono::sys_seconds now)
{
    transaction write(database_);
    auto count = database_.prepare("SELECT COUNT(*) FROM users");
    count.step();
    if (count.integer(0) != 0)
        return;
    insert_tenant_if_missing(database_, default_tenant, now);
    database_.prepare("INSERT INTO users (name, tenant, role, created_at) VALUES (?, ?, 'admin', ?)")
        .bind(1, default_admin)
        .bind(2, default_tenant)
        .bind(3, now)
        .run();
    write.commit();
}

std::optional<user_account> user_directory::find(std::string_view name) const
{
    auto query = database_.prepare("SELECT name, tenant, role, created_at FROM users WHERE name = ?");
    query.bind(1, name);
    if (!query.step())
        return std::nullopt;
    return read_user(query);
}

bool user_directory::tenant_exists(std::string_view tenant) const
{
    auto query = database_.prepare("SELECT 1 FROM tenants WHERE name = ?");
    query.bind(1, tenant);
    return query.step();
}

user_account user_directory::add(const user_account& actor, std::string_view name, role user_role,
                                 std::optional<std::string_view> tenant, std::chrono::sys_seconds now)
{
    if (!actor.is_admin())
        throw host_error("only an administrator can add users, and '" + actor.name + "' is a " +
                         std::string(to_string(actor.user_role)) + " of tenant '" + actor.tenant +
                         "': ask an administrator of your tenant to run this command");
    check_user_name(name);
    const std::string target_tenant = tenant ? std::string(*tenant) : actor.tenant;
    check_tenant_name(target_tenant);
    if (target_tenant != actor.tenant && !is_operator(actor))
        throw host_error("'" + actor.name + "' administers tenant '" + actor.tenant +
                         "' and cannot add users to tenant '" + target_tenant +
                         "': ask an administrator of the host's \"default\" tenant");

    transaction write(database_);
    if (auto existing = find(name))
        throw host_error("a user named '" + std::string(name) + "' already exists (tenant '" + existing->tenant +
                         "', role " + std::string(to_string(existing->user_role)) +
                         "): user names are unique across the host; choose another name");
    insert_tenant_if_missing(database_, target_tenant, now);
    database_.prepare("INSERT INTO users (name, tenant, role, created_at) VALUES (?, ?, ?, ?)")
        .bind(1, name)
        .bind(2, target_tenant)
        .bind(3, to_string(user_role))
        .bind(4, now)
        .run();
    write.commit();
    return {std::string(name), target_tenant, user_role, now};
}

std::vector<user_account> user_directory::list(const user_account& actor) const
{
    const bool everyone = is_operator(actor);
    auto query = database_.prepare(everyone ? "SELECT name, tenant, role, created_at FROM users ORDER BY tenant, name"
                                            : "SELECT name, tenant, role, created_at FROM users WHERE tenant = ? "
                                              "ORDER BY tenant, name");
    if (!everyone)
        query.bind(1, actor.tenant);
    std::vector<user_account> users;
    while (query.step())
        users.push_back(read_user(query));
    return users;
}

} // namespace sample_host
