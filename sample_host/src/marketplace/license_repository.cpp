#include "marketplace/license_repository.hpp"

#include "storage/database.hpp"

namespace sample_host {
namespace {

stored_license read_license(const statement& row)
{
    return {row.text(0), row.text(1), row.text(2), row.instant(3)};
}

} // namespace

std::optional<std::string> license_repository::token(std::string_view tenant, std::string_view connector_id) const
{
    auto found = find(tenant, connector_id);
    if (!found)
        return std::nullopt;
    return std::move(found->token);
}

std::optional<stored_license> license_repository::find(std::string_view tenant, std::string_view connector_id) const
{
    auto query = database_.prepare(
        "SELECT tenant, connector_id, token, updated_at FROM licenses WHERE tenant = ? AND connector_id = ?");
    query.bind(1, tenant).bind(2, connector_id);
    if (!query.step())
        return std::nullopt;
    return read_license(query);
}

void license_repository::store(std::string_view tenant, std::string_view connector_id, std::string_view token,
                               std::chrono::sys_seconds now)
{
    database_
        .prepare("INSERT INTO licenses (tenant, connector_id, token, updated_at) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (tenant, connector_id) DO UPDATE SET token = excluded.token, "
                 "updated_at = excluded.updated_at")
        .bind(1, tenant)
        .bind(2, connector_id)
        .bind(3, token)
        .bind(4, now)
        .run();
}

bool license_repository::remove(std::string_view tenant, std::string_view connector_id)
{
    const std::lock_guard counted(database_.in_use()); // no other thread's statement before changes()
    database_.prepare("DELETE FROM licenses WHERE tenant = ? AND connector_id = ?")
        .bind(1, tenant)
        .bind(2, connector_id)
        .run();
    return database_.changes() > 0;
}

std::optional<std::chrono::sys_seconds> license_repository::latest_update() const
{
    auto query = database_.prepare("SELECT MAX(updated_at) FROM licenses");
    if (!query.step())
        return std::nullopt;
    return query.optional_instant(0);
}

std::vector<stored_license> license_repository::list(std::string_view tenant) const
{
    auto query = database_.prepare(
        "SELECT tenant, connector_id, token, updated_at FROM licenses WHERE tenant = ? ORDER BY connector_id");
    query.bind(1, tenant);
    std::vector<stored_license> out;
    while (query.step())
        out.push_back(read_license(query));
    return out;
}

} // namespace sample_host
