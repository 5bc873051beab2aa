#include "marketplace/marketplace_records.hpp"

#include "storage/database.hpp"

namespace sample_host {
namespace {

constexpr std::string_view issued_columns =
    "license_id, tenant, connector_id, kind, plan, key_id, issued_at, starts_at, expires_at, grace_days, issued_by, "
    "reason";

issued_license_record read_issued(const statement& row)
{
    issued_license_record r;
    r.license_id = row.text(0);
    r.tenant = row.text(1);
    r.connector_id = row.text(2);
    r.kind = row.text(3);
    r.plan = row.text(4);
    r.key_id = row.text(5);
    r.issued_at = row.instant(6);
    r.starts_at = row.instant(7);
    r.expires_at = row.instant(8);
    r.grace_days = static_cast<int>(row.integer(9));
    r.issued_by = row.text(10);
    r.reason = row.text(11);
    return r;
}

} // namespace

std::optional<trial_record> marketplace_records::trial(std::string_view tenant, std::string_view connector_id) const
{
    auto query = database_.prepare("SELECT tenant, connector_id, started_at, expires_at, license_id, started_by "
                                   "FROM trials_used WHERE tenant = ? AND connector_id = ?");
    query.bind(1, tenant).bind(2, connector_id);
    if (!query.step())
        return std::nullopt;
    return trial_record{query.text(0), query.text(1), query.instant(2), query.instant(3), query.text(4), query.text(5)};
}

bool marketplace_records::record_trial(const trial_record& trial)
{
    const std::lock_guard counted(database_.in_use()); // no other thread's statement before changes()
    database_
        .prepare("INSERT INTO trials_used (tenant, connector_id, started_at, expires_at, license_id, started_by) "
                 "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, connector_id) DO NOTHING")
        .bind(1, trial.tenant)
        .bind(2, trial.connector_id)
        .bind(3, trial.started_at)
        .bind(4, trial.expires_at)
        .bind(5, trial.license_id)
        .bind(6, trial.started_by)
        .run();
    return database_.changes() == 1;
}

std::optional<subscription_record> marketplace_records::subscription(std::string_view tenant,
                                                                     std::string_view connector_id) const
{
    auto query = database_.prepare(
        "SELECT tenant, connector_id, plan, started_at, expires_at, renewed_at, cancelled_at, license_id, updated_by, "
        "updated_at FROM subscriptions WHERE tenant = ? AND connector_id = ?");
    query.bind(1, tenant).bind(2, connector_id);
    if (!query.step())
        return std::nullopt;
    subscription_record s;
    s.tenant = query.text(0);
    s.connector_id = query.text(1);
    s.plan = query.text(2);
    s.started_at = query.instant(3);
    s.expires_at = query.instant(4);
    s.renewed_at = query.optional_instant(5);
    s.cancelled_at = query.optional_instant(6);
    s.license_id = query.text(7);
    s.updated_by = query.text(8);
    s.updated_at = query.instant(9);
    return s;
}

void marketplace_records::save_subscription(const subscription_record& s)
{
    auto statement = database_.prepare(
        "INSERT INTO subscriptions (tenant, connector_id, plan, started_at, expires_at, renewed_at, cancelled_at, "
        "license_id, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (tenant, connector_id) DO UPDATE SET plan = excluded.plan, started_at = excluded.started_at, "
        "expires_at = excluded.expires_at, renewed_at = excluded.renewed_at, cancelled_at = excluded.cancelled_at, "
        "license_id = excluded.license_id, updated_by = excluded.updated_by, updated_at = excluded.updated_at");
    statement.bind(1, s.tenant)
        .bind(2, s.connector_id)
        .bind(3, s.plan)
        .bind(4, s.started_at)
        .bind(5, s.expires_at)
        .bind(6, s.renewed_at)
        .bind(7, s.cancelled_at)
        .bind(8, s.license_id)
        .bind(9, s.updated_by)
        .bind(10, s.updated_at)
        .run();
}

void marketplace_records::record_issued(const issued_license_record& r)
{
    database_
        .prepare("INSERT INTO issued_licenses (" + std::string(issued_columns) +
                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, r.license_id)
        .bind(2, r.tenant)
        .bind(3, r.connector_id)
        .bind(4, r.kind)
        .bind(5, r.plan)
        .bind(6, r.key_id)
        .bind(7, r.issued_at)
        .bind(8, r.starts_at)
        .bind(9, r.expires_at)
        .bind(10, static_cast<std::int64_t>(r.grace_days))
        .bind(11, r.issued_by)
        .bind(12, r.reason)
        .run();
}

std::optional<issued_license_record> marketplace_records::last_issued(std::string_view tenant,
                                                                      std::string_view connector_id) const
{
    auto query = database_.prepare("SELECT " + std::string(issued_columns) +
                                   " FROM issued_licenses WHERE tenant = ? AND connector_id = ? "
                                   "ORDER BY sequence DESC LIMIT 1");
    query.bind(1, tenant).bind(2, connector_id);
    if (!query.step())
        return std::nullopt;
    return read_issued(query);
}

std::vector<issued_license_record> marketplace_records::issued(std::string_view tenant,
                                                               std::string_view connector_id) const
{
    auto query = database_.prepare("SELECT " + std::string(issued_columns) +
                                   " FROM issued_licenses WHERE tenant = ? AND connector_id = ? ORDER BY sequence");
    query.bind(1, tenant).bind(2, connector_id);
    std::vector<issued_license_record> out;
    while (query.step())
        out.push_back(read_issued(query));
    return out;
}

std::vector<std::string> marketplace_records::connectors_with_records(std::string_view tenant) const
{
    auto query = database_.prepare("SELECT connector_id FROM trials_used WHERE tenant = ?1 "
                                   "UNION SELECT connector_id FROM subscriptions WHERE tenant = ?1 "
                                   "UNION SELECT connector_id FROM licenses WHERE tenant = ?1 ORDER BY 1");
    query.bind(1, tenant);
    std::vector<std::string> out;
    while (query.step())
        out.push_back(query.text(0));
    return out;
}

} // namespace sample_host
