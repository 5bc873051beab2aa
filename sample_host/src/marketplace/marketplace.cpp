#include "marketplace/marketplace.hpp"

#include "marketplace/license_repository.hpp"
#include "runtime/host_error.hpp"
#include "storage/database.hpp"
#include "storage/user_directory.hpp"

#include <connector_support/time_text.hpp>

#include <openssl/rand.h>

#include <algorithm>
#include <array>

namespace sample_host {
namespace {

using std::chrono::sys_seconds;
namespace sdk = connector_sdk;
using connector_support::days_text;
using connector_support::utc_date_text;
using connector_support::utc_iso_text;

std::string in_quotes(std::string_view text)
{
    return "'" + std::string(text) + "'";
}

void require_premium(const sdk::manifest& m, std::string_view action)
{
    if (!m.premium())
        throw host_error(m.name + " (" + m.id + ") is a " + (m.tier.empty() ? std::string("free") : m.tier) +
                         " connector: it needs no licence, so there is nothing to " + std::string(action));
}

const sdk::manifest_plan* find_plan(const sdk::manifest& m, std::string_view plan)
{
    const auto found = std::find_if(m.plans.begin(), m.plans.end(),
                                    [&](const sdk::manifest_plan& p) { return p.id == plan && p.months > 0; });
    return found == m.plans.end() ? nullptr : &*found;
}

std::string plan_list(const sdk::manifest& m)
{
    std::string out;
    for (const auto& p : m.plans)
        out += (out.empty() ? "" : ", ") + p.id + " (" + std::to_string(p.months) +
               (p.months == 1 ? " month)" : " months)");
    return out.empty() ? "none" : out;
}

std::string subscribe_hint(const sdk::manifest& m)
{
    std::string plans;
    for (const auto& p : m.plans)
        plans += (plans.empty() ? "" : "|") + p.id;
    return "`sample_host marketplace subscribe " + m.id + " --plan " + (plans.empty() ? "PLAN" : plans) + "`";
}

sdk::license_claims base_claims(const user_account& actor, const sdk::manifest& m, sys_seconds now)
{
    sdk::license_claims c;
    c.license_id = new_license_id();
    c.connector_id = m.id;
    c.tenant_id = actor.tenant;
    c.issued_at = now;
    c.starts_at = now;
    c.grace_days = m.grace_days;
    return c;
}

// "the annual subscription of tenant 'acme' to Premium Sage", for refusals.
std::string subscription_of(const subscription_record& s, const user_account& actor, const sdk::manifest& m)
{
    return "the " + s.plan + " subscription of tenant " + in_quotes(actor.tenant) + " to " + m.name;
}

// Saves a subscription as `issued` changed it, by `actor` at `now`.
void save_change(marketplace_records& records, subscription_record s, const issued_license& issued,
                 const user_account& actor, sys_seconds now)
{
    s.license_id = issued.claims.license_id;
    s.updated_by = actor.name;
    s.updated_at = now;
    records.save_subscription(s);
}

// The running subscription that renew and cancel act on; throws host_error otherwise.
subscription_record running_subscription(const marketplace_records& records, const user_account& actor,
                                         const sdk::manifest& m, std::string_view action)
{
    auto s = records.subscription(actor.tenant, m.id);
    if (!s)
        throw host_error("tenant " + in_quotes(actor.tenant) + " has no subscription to " + m.name + " to " +
                         std::string(action) + ": subscribe with " + subscribe_hint(m));
    return *s;
}

} // namespace

sys_seconds add_months(sys_seconds t, int months)
{
    using namespace std::chrono;
    const sys_days day = floor<days>(t);
    const auto time_of_day = t - day;
    const year_month_day ymd{day};
    const year_month target = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
    const std::chrono::day last = year_month_day_last{target.year(), month_day_last{target.month()}}.day();
    const std::chrono::day d = std::min(ymd.day(), last);
    return sys_seconds{sys_days{year_month_day{target.year(), target.month(), d}} + time_of_day};
}

void require_marketplace_admin(const user_account& actor, std::string_view connector_display)
{
    if (!actor.is_admin())
        throw host_error(sdk::unlicensed_sentence(connector_display));
}

std::string new_license_id()
{
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw host_error("OpenSSL's random generator failed: no licence was issued; retry");
    static constexpr char hex[] = "0123456789abcdef";
    std::string id = "lic-";
    for (unsigned char b : bytes) {
        id += hex[b >> 4];
        id += hex[b & 15];
    }
    return id;
}

marketplace::marketplace(database& database, license_repository& licenses, key_source signing_key,
                         acceptance_check accepts)
    : database_(database), licenses_(licenses), records_(database), signing_key_(std::move(signing_key)),
      accepts_(std::move(accepts))
{
}

// Decided inside the write transaction, so two administrators acting at once cannot both pass the
// checks; a refusal rolls it back before the signing key is touched.
issued_license marketplace::decide_and_issue(const user_account& actor, const sdk::manifest& m,
                                             const std::function<sdk::license_claims()>& decide,
                                             std::string_view reason,
                                             const std::function<void(const issued_license&)>& write)
{
    transaction writes(database_);
    issued_license issued = issue(actor, m, decide(), reason, write);
    writes.commit();
    return issued;
}

issued_license marketplace::issue(const user_account& actor, const sdk::manifest& m, sdk::license_claims claims,
                                  std::string_view reason, const std::function<void(const issued_license&)>& write)
{
    issued_license issued = sign_and_verify(actor, m, std::move(claims));
    write(issued);
    record(actor, m, issued, reason);
    require_acceptance(m, issued);
    return issued;
}

// Signs the claims, and never hands out a licence that its own key would not accept.
issued_license marketplace::sign_and_verify(const user_account& actor, const sdk::manifest& m,
                                            sdk::license_claims claims) const
{
    const marketplace_signing_key key = signing_key_();
    issued_license issued;
    issued.token = key.sign(claims);
    claims.key_id = key.key_id();
    issued.claims = std::move(claims);

    const sdk::trusted_license_key trusted[] = {{key.key_id(), key.public_key()}};
    sdk::license_check check;
    check.token = issued.token;
    check.connector_id = m.id;
    check.connector_display = m.name;
    check.tenant_id = actor.tenant;
    check.now = issued.claims.issued_at;
    const auto evaluation = sdk::evaluate_license(check, trusted);
    if (!evaluation.status.permits_use() || !evaluation.claims ||
        evaluation.claims->license_id != issued.claims.license_id)
        throw host_error("the licence just signed does not verify (" + evaluation.status.reason +
                         "): nothing was issued; please report this");
    return issued;
}

// The issued licence in the marketplace's records, and its token where the host hands it to the connector.
void marketplace::record(const user_account& actor, const sdk::manifest& m, const issued_license& issued,
                         std::string_view reason)
{
    issued_license_record record;
    record.license_id = issued.claims.license_id;
    record.tenant = actor.tenant;
    record.connector_id = m.id;
    record.kind = issued.claims.kind;
    record.plan = issued.claims.plan;
    record.key_id = issued.claims.key_id;
    record.issued_at = issued.claims.issued_at;
    record.starts_at = issued.claims.starts_at;
    record.expires_at = issued.claims.expires_at;
    record.grace_days = issued.claims.grace_days;
    record.issued_by = actor.name;
    record.reason = std::string(reason);
    records_.record_issued(record);
    licenses_.store(actor.tenant, m.id, issued.token, issued.claims.issued_at);
}

// Throws (rolling the caller's transaction back) when the connector refuses the licence it would be given.
void marketplace::require_acceptance(const sdk::manifest& m, const issued_license& issued) const
{
    if (!accepts_)
        return;
    const connector_support::result<void> accepted = accepts_(issued);
    if (!accepted)
        throw host_error("the connector " + m.id + " does not accept the licence it would be given (" +
                         accepted.error().message + "): nothing was issued" +
                         (issued.claims.kind == "trial" ? " and the trial is still unused" : "") +
                         ". It trusts another marketplace signing key than " + issued.claims.key_id +
                         " (import the right one with `sample_host marketplace init --signing-key FILE --replace`), "
                         "or its clock disagrees with the host's");
}

issued_license marketplace::start_trial(const user_account& actor, const sdk::manifest& m, sys_seconds now)
{
    require_marketplace_admin(actor, m.name);
    require_premium(m, "start a trial of");
    if (m.trial_days <= 0)
        throw host_error(m.name + " offers no trial: subscribe with " + subscribe_hint(m));
    const auto decide = [&] {
        if (auto used = records_.trial(actor.tenant, m.id))
            throw host_error("the trial of " + m.name + " was already used by tenant " + in_quotes(actor.tenant) +
                             " (started " + utc_iso_text(used->started_at) + " by " + used->started_by +
                             (used->expires_at > now ? ", ends " : ", ended ") + utc_iso_text(used->expires_at) +
                             "): a trial can be started once per tenant; subscribe with " + subscribe_hint(m));
        if (auto s = records_.subscription(actor.tenant, m.id))
            throw host_error("tenant " + in_quotes(actor.tenant) + " has " + (s->ended(now) ? "had a " : "a ") +
                             s->plan + " subscription to " + m.name + " (" + (s->ended(now) ? "ended " : "until ") +
                             utc_iso_text(s->expires_at) + "): trials are for tenants that have not subscribed; " +
                             (s->ended(now) ? "subscribe again with " + subscribe_hint(m)
                                            : std::string("the subscription is in force")));
        sdk::license_claims c = base_claims(actor, m, now);
        c.kind = "trial";
        c.plan = "trial";
        c.expires_at = now + std::chrono::days(m.trial_days);
        return c;
    };
    return decide_and_issue(actor, m, decide, "start-trial", [&](const issued_license& i) {
        if (!records_.record_trial({actor.tenant, m.id, now, i.claims.expires_at, i.claims.license_id, actor.name}))
            throw host_error("the trial of " + m.name + " was already used by tenant " + in_quotes(actor.tenant) +
                             ": a trial can be started once per tenant");
    });
}

issued_license marketplace::subscribe(const user_account& actor, const sdk::manifest& m, std::string_view plan,
                                      sys_seconds now)
{
    require_marketplace_admin(actor, m.name);
    require_premium(m, "subscribe to");
    const sdk::manifest_plan* chosen = find_plan(m, plan);
    if (chosen == nullptr)
        throw host_error(m.name + " offers no plan " + in_quotes(plan) + " (its plans: " + plan_list(m) + ")");
    const auto decide = [&] {
        if (auto s = records_.subscription(actor.tenant, m.id); s && !s->ended(now)) {
            if (s->cancelled_at)
                throw host_error(subscription_of(*s, actor, m) + " was cancelled on " + utc_iso_text(*s->cancelled_at) +
                                 " and runs until " + utc_iso_text(s->expires_at) +
                                 ": subscribe again once it has ended");
            throw host_error("tenant " + in_quotes(actor.tenant) + " is already subscribed to " + m.name + " (" +
                             s->plan + ", until " + utc_iso_text(s->expires_at) +
                             "): extend it with `sample_host marketplace "
                             "renew " +
                             m.id + "`");
        }
        sdk::license_claims c = base_claims(actor, m, now);
        c.kind = "subscription";
        c.plan = chosen->id;
        c.expires_at = add_months(now, chosen->months);
        return c;
    };
    return decide_and_issue(actor, m, decide, "subscribe", [&](const issued_license& i) {
        subscription_record s;
        s.tenant = actor.tenant;
        s.connector_id = m.id;
        s.plan = i.claims.plan;
        s.started_at = i.claims.starts_at;
        s.expires_at = i.claims.expires_at;
        save_change(records_, std::move(s), i, actor, now);
    });
}

issued_license marketplace::renew(const user_account& actor, const sdk::manifest& m, sys_seconds now)
{
    require_marketplace_admin(actor, m.name);
    require_premium(m, "renew");
    const auto decide = [&] {
        const subscription_record s = running_subscription(records_, actor, m, "renew");
        if (s.cancelled_at)
            throw host_error(subscription_of(s, actor, m) + " was cancelled on " + utc_iso_text(*s.cancelled_at) +
                             " and is not renewed (it " + (s.ended(now) ? "ended " : "runs until ") +
                             utc_iso_text(s.expires_at) + "); subscribe again with " + subscribe_hint(m) +
                             " once it has ended");
        const sdk::manifest_plan* plan = find_plan(m, s.plan);
        if (plan == nullptr)
            throw host_error(m.name + " no longer offers the " + s.plan + " plan (its plans: " + plan_list(m) +
                             "): subscribe to another plan once the subscription has ended");
        const bool ended = s.ended(now);
        sdk::license_claims c = base_claims(actor, m, now);
        c.kind = "subscription";
        c.plan = s.plan;
        c.starts_at = ended ? now : s.started_at;
        c.expires_at = add_months(ended ? now : s.expires_at, plan->months);
        return c;
    };
    return decide_and_issue(actor, m, decide, "renew", [&](const issued_license& i) {
        subscription_record s = running_subscription(records_, actor, m, "renew");
        s.started_at = i.claims.starts_at;
        s.expires_at = i.claims.expires_at;
        s.renewed_at = now;
        save_change(records_, std::move(s), i, actor, now);
    });
}

issued_license marketplace::cancel(const user_account& actor, const sdk::manifest& m, sys_seconds now)
{
    require_marketplace_admin(actor, m.name);
    require_premium(m, "cancel");
    const auto decide = [&] {
        const subscription_record s = running_subscription(records_, actor, m, "cancel");
        if (s.cancelled_at)
            throw host_error(subscription_of(s, actor, m) + " was already cancelled on " +
                             utc_iso_text(*s.cancelled_at) + " (it " + (s.ended(now) ? "ended " : "runs until ") +
                             utc_iso_text(s.expires_at) + ")");
        if (s.ended(now))
            throw host_error(subscription_of(s, actor, m) + " already ended on " + utc_iso_text(s.expires_at) +
                             ": there is nothing to cancel");
        sdk::license_claims c = base_claims(actor, m, now);
        c.kind = "subscription";
        c.plan = s.plan;
        c.starts_at = s.started_at;
        c.expires_at = s.expires_at;
        c.grace_days = 0; // a cancelled subscription stops at its expiry
        return c;
    };
    return decide_and_issue(actor, m, decide, "cancel", [&](const issued_license& i) {
        subscription_record s = running_subscription(records_, actor, m, "cancel");
        s.cancelled_at = now;
        save_change(records_, std::move(s), i, actor, now);
    });
}

marketplace_account marketplace::account(const user_account& actor, std::string_view connector_id) const
{
    marketplace_account a;
    a.trial = records_.trial(actor.tenant, connector_id);
    a.subscription = records_.subscription(actor.tenant, connector_id);
    a.current_license = records_.last_issued(actor.tenant, connector_id);
    if (auto stored = licenses_.find(actor.tenant, connector_id))
        a.token_stored_at = stored->updated_at;
    return a;
}

std::string license_summary(const sdk::license_status& s)
{
    const std::string until = s.expires_at ? utc_date_text(*s.expires_at) : std::string("?");
    const long long left = s.days_left.value_or(0);
    switch (s.state) {
    case sdk::license_state::none: return "none";
    case sdk::license_state::trial_active: return "trial, " + days_text(left) + " left (until " + until + ")";
    case sdk::license_state::subscription_active:
        return (s.plan.empty() ? std::string("subscription") : s.plan + " subscription") + " until " + until + " (" +
               days_text(left) + " left)";
    case sdk::license_state::grace:
        return "grace: " + (s.kind == "trial" ? std::string("trial") : s.plan + " subscription") + " ended " + until +
               ", works " + days_text(left) + " more";
    case sdk::license_state::expired: return s.expires_at ? "expired " + until : std::string("expired");
    case sdk::license_state::invalid: return "invalid: " + s.reason;
    case sdk::license_state::not_required: return "not required (free connector)";
    }
    return std::string(sdk::to_string(s.state));
}

} // namespace sample_host
