// marketplace: licences issued for trials and subscriptions carry the right claims and verify with
// the signing key's public half; a trial is started once per tenant per connector, ever (also after
// the plugin folder is removed and restored, and from another process); only administrators act,
// and everyone else gets exactly the marketplace sentence; renew and cancel arithmetic; expiry judged
// on the host clock (SAMPLE_HOST_NOW), with no sleeping; a licence the connector refuses is rolled back.
#define BOOST_TEST_MODULE marketplace
#include <boost/test/unit_test.hpp>

#include "connectors/plugin_registry.hpp"
#include "marketplace/license_repository.hpp"
#include "marketplace/marketplace.hpp"
#include "refusal.hpp"
#include "runtime/host_clock.hpp"
#include "runtime/host_error.hpp"
#include "storage/database.hpp"
#include "storage/schema_migrations.hpp"
#include "storage/user_directory.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

#include <connector_sdk/license.hpp>
#include <connector_sdk/manifest.hpp>
#include <connector_support/time_text.hpp>

#include <atomic>
#include <cstdlib>
#include <set>
#include <thread>

using namespace sample_host;
namespace fs = std::filesystem;
namespace sdk = connector_sdk;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_seconds;

using test_support::refusal_of;

namespace {

const sys_seconds t0 = sys_seconds(std::chrono::sys_days(std::chrono::year{2027} / 1 / 31)) + hours(9);
const std::string sentence =
    "Please request your administrator to start a trial or subscribe to the Premium Sage Cloud Accounting connector.";

sdk::manifest sage_manifest()
{
    auto parsed = sdk::read_manifest(fs::path(CONNECTOR_TEST_SOURCE_DIR) / "manifest" / "sage-cloud-accounting.json");
    BOOST_REQUIRE_MESSAGE(parsed.value.has_value(), "the Sage manifest does not parse");
    return *parsed.value;
}

bool contains(const std::string& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

int count_rows(database& db, const std::string& table)
{
    auto q = db.prepare("SELECT COUNT(*) FROM " + table);
    q.step();
    return static_cast<int>(q.integer(0));
}

struct marketplace_fixture : test_database::bootstrapped_database {
    license_repository licenses{db};
    const std::string signing_pem = sdk::generate_license_signing_key();
    const marketplace_signing_key key{signing_pem, "test key"};
    int key_loads = 0;
    marketplace market{db, licenses, [this] {
                           ++key_loads;
                           return key;
                       }};
    sdk::manifest sage = sage_manifest();
    user_account admin;
    user_account bob;
    user_account acme_admin;

    marketplace_fixture() : bootstrapped_database("marketplace", t0)
    {
        user_directory users(db);
        admin = *users.find("admin");
        bob = users.add(admin, "bob", role::user, std::nullopt, t0);
        acme_admin = users.add(admin, "alice", role::admin, std::string_view("acme"), t0);
    }

    // The connector's view of the tenant's stored licence at `now`, verified with the marketplace key.
    sdk::license_evaluation judge(const user_account& who, std::chrono::system_clock::time_point now) const
    {
        const auto token = licenses.token(who.tenant, sage.id);
        const sdk::trusted_license_key trusted[] = {{key.key_id(), key.public_key()}};
        sdk::license_check check;
        check.token = token ? std::string_view(*token) : std::string_view();
        check.connector_id = sage.id;
        check.connector_display = sage.name;
        check.tenant_id = who.tenant;
        check.now = now;
        return sdk::evaluate_license(check, trusted);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(calendar)

BOOST_AUTO_TEST_CASE(months_are_calendar_months_clamped_to_the_last_day)
{
    using namespace std::chrono;
    const auto at = [](year_month_day d, hours h) { return sys_seconds(sys_days(d)) + h; };
    BOOST_TEST((add_months(at(2027y / 1 / 15, 9h), 1) == at(2027y / 2 / 15, 9h)));
    BOOST_TEST((add_months(at(2027y / 1 / 31, 9h), 1) == at(2027y / 2 / 28, 9h)));
    BOOST_TEST((add_months(at(2028y / 1 / 31, 0h), 1) == at(2028y / 2 / 29, 0h)));
    BOOST_TEST((add_months(at(2027y / 12 / 15, 23h), 1) == at(2028y / 1 / 15, 23h)));
    BOOST_TEST((add_months(at(2027y / 3 / 31, 0h), 12) == at(2028y / 3 / 31, 0h)));
    BOOST_TEST((add_months(at(2028y / 2 / 29, 0h), 12) == at(2029y / 2 / 28, 0h)));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(issuing, marketplace_fixture)

BOOST_AUTO_TEST_CASE(a_trial_licence_carries_the_right_claims_and_verifies_with_the_public_key)
{
    const auto issued = market.start_trial(admin, sage, t0);
    const auto& c = issued.claims;
    BOOST_TEST(c.license_id.rfind("lic-", 0) == 0u);
    BOOST_TEST(c.license_id.size() == 36u);
    BOOST_TEST(c.key_id == key.key_id());
    BOOST_TEST(c.connector_id == "sage-cloud-accounting");
    BOOST_TEST(c.tenant_id == "default");
    BOOST_TEST(c.kind == "trial");
    BOOST_TEST(c.plan == "trial");
    BOOST_TEST((c.issued_at == t0));
    BOOST_TEST((c.starts_at == t0));
    BOOST_TEST((c.expires_at == t0 + days(30))); // trial_days from the manifest
    BOOST_TEST(c.grace_days == 7);               // grace_days from the manifest

    // The token the host will hand the connector is stored, and verifies with the public half only.
    BOOST_TEST(licenses.token("default", sage.id).value() == issued.token);
    const auto evaluation = judge(admin, t0 + hours(1));
    BOOST_TEST((evaluation.status.state == sdk::license_state::trial_active), evaluation.status.reason);
    BOOST_TEST(evaluation.status.days_left.value() == 30);
    BOOST_REQUIRE(evaluation.claims.has_value());
    BOOST_TEST(evaluation.claims->license_id == c.license_id);
    BOOST_TEST(evaluation.claims->tenant_id == "default");

    // A key the connector does not trust is refused: the token is really signed by `key`.
    const marketplace_signing_key other(sdk::generate_license_signing_key(), "other key");
    const sdk::trusted_license_key wrong[] = {{key.key_id(), other.public_key()}};
    sdk::license_check check;
    check.token = issued.token;
    check.connector_id = sage.id;
    check.connector_display = sage.name;
    check.tenant_id = "default";
    check.now = t0;
    BOOST_TEST((sdk::evaluate_license(check, wrong).status.state == sdk::license_state::invalid));

    const auto account = market.account(admin, sage.id);
    BOOST_REQUIRE(account.trial.has_value());
    BOOST_TEST((account.trial->started_at == t0));
    BOOST_TEST((account.trial->expires_at == t0 + days(30)));
    BOOST_TEST(account.trial->license_id == c.license_id);
    BOOST_TEST(account.trial->started_by == "admin");
    BOOST_REQUIRE(account.current_license.has_value());
    BOOST_TEST(account.current_license->license_id == c.license_id);
    BOOST_TEST(account.current_license->reason == "start-trial");
    BOOST_TEST(!account.subscription.has_value());
}

BOOST_AUTO_TEST_CASE(licence_ids_are_unique)
{
    std::set<std::string> ids;
    ids.insert(market.start_trial(admin, sage, t0).claims.license_id);
    ids.insert(market.subscribe(admin, sage, "monthly", t0 + days(1)).claims.license_id);
    ids.insert(market.renew(admin, sage, t0 + days(2)).claims.license_id);
    ids.insert(market.cancel(admin, sage, t0 + days(3)).claims.license_id);
    ids.insert(market.start_trial(acme_admin, sage, t0).claims.license_id);
    BOOST_TEST(ids.size() == 5u);
    BOOST_TEST(count_rows(db, "issued_licenses") == 5);
    for (int i = 0; i < 200; ++i)
        ids.insert(new_license_id());
    BOOST_TEST(ids.size() == 205u);
}

BOOST_AUTO_TEST_CASE(subscriptions_run_one_plan_period_and_supersede_a_trial)
{
    (void)market.start_trial(admin, sage, t0);
    const auto monthly = market.subscribe(admin, sage, "monthly", t0 + days(10));
    BOOST_TEST(monthly.claims.kind == "subscription");
    BOOST_TEST(monthly.claims.plan == "monthly");
    BOOST_TEST((monthly.claims.starts_at == t0 + days(10)));
    BOOST_TEST((monthly.claims.expires_at == add_months(t0 + days(10), 1)));
    BOOST_TEST(monthly.claims.grace_days == 7);
    BOOST_TEST(licenses.token("default", sage.id).value() == monthly.token);
    const auto view = judge(admin, t0 + days(11));
    BOOST_TEST((view.status.state == sdk::license_state::subscription_active), view.status.reason);
    BOOST_TEST(view.status.plan == "monthly");

    const auto annual = market.subscribe(acme_admin, sage, "annual", t0);
    BOOST_TEST((annual.claims.expires_at == add_months(t0, 12)));
    BOOST_TEST(
        (annual.claims.expires_at == sys_seconds(std::chrono::sys_days(std::chrono::year{2028} / 1 / 31)) + hours(9)));
    // Each tenant's licence names its own tenant.
    BOOST_TEST(annual.claims.tenant_id == "acme");
    BOOST_TEST(licenses.token("default", sage.id).value() == monthly.token);
}

BOOST_AUTO_TEST_CASE(a_second_subscription_while_one_runs_is_refused)
{
    (void)market.subscribe(admin, sage, "monthly", t0);
    const std::string message =
        refusal_of<host_error>([&] { (void)market.subscribe(admin, sage, "annual", t0 + days(5)); });
    BOOST_TEST(contains(message, "already subscribed"), message);
    BOOST_TEST(contains(message, "marketplace renew"), message);
    // Once it has ended (in grace, even), a new one may start.
    const auto again = market.subscribe(admin, sage, "annual", add_months(t0, 1) + days(1));
    BOOST_TEST((again.claims.expires_at == add_months(add_months(t0, 1) + days(1), 12)));
}

BOOST_AUTO_TEST_CASE(an_unknown_plan_and_free_or_trial_less_connectors_are_refused)
{
    const std::string plan = refusal_of<host_error>([&] { (void)market.subscribe(admin, sage, "weekly", t0); });
    BOOST_TEST(contains(plan, "no plan 'weekly'"), plan);
    BOOST_TEST(contains(plan, "monthly (1 month), annual (12 months)"), plan);

    sdk::manifest free_connector = sage;
    free_connector.id = "free-thing";
    free_connector.tier = "free";
    for (const auto& message :
         {refusal_of<host_error>([&] { (void)market.start_trial(admin, free_connector, t0); }),
          refusal_of<host_error>([&] { (void)market.subscribe(admin, free_connector, "monthly", t0); })})
        BOOST_TEST(contains(message, "free connector: it needs no licence"), message);

    sdk::manifest no_trial = sage;
    no_trial.trial_days = 0;
    BOOST_TEST(
        contains(refusal_of<host_error>([&] { (void)market.start_trial(admin, no_trial, t0); }), "offers no trial"));
    BOOST_TEST(count_rows(db, "issued_licenses") == 0);
    BOOST_TEST(key_loads == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(trial_once, marketplace_fixture)

BOOST_AUTO_TEST_CASE(a_second_trial_is_refused_even_after_it_ended_and_the_token_was_removed)
{
    const auto first = market.start_trial(admin, sage, t0);
    const std::string message = refusal_of<host_error>([&] { (void)market.start_trial(admin, sage, t0 + days(1)); });
    BOOST_TEST(contains(message, "already used by tenant 'default'"), message);
    BOOST_TEST(contains(message, "once per tenant"), message);
    BOOST_TEST(contains(message, "marketplace subscribe sage-cloud-accounting"), message);

    // Long after it ended, and with the licence token gone (as if the connector were reinstalled).
    BOOST_TEST(licenses.remove("default", sage.id));
    BOOST_TEST(contains(refusal_of<host_error>([&] { (void)market.start_trial(admin, sage, t0 + days(400)); }),
                        "already used"));
    BOOST_TEST(!licenses.token("default", sage.id).has_value());
    BOOST_TEST(market.account(admin, sage.id).trial->license_id == first.claims.license_id);

    // Another tenant has its own trial.
    BOOST_TEST(market.start_trial(acme_admin, sage, t0).claims.tenant_id == "acme");
}

BOOST_AUTO_TEST_CASE(removing_and_restoring_the_plugin_folder_does_not_give_a_new_trial)
{
    // The connector as the host resolves it: from its manifest in the plugin folder, no code loaded.
    const fs::path plugins = dir / "plugins";
    const fs::path folder = plugins / "sage-cloud-accounting";
    fs::create_directories(folder);
    fs::copy_file(fs::path(CONNECTOR_TEST_SOURCE_DIR) / "manifest" / "sage-cloud-accounting.json",
                  folder / "manifest.json");
    const plugin_registry registry(plugins, [](std::string_view) { return nullptr; });
    const auto resolve = [&]() -> std::optional<sdk::manifest> {
        for (auto& p : registry.discover())
            if (p.manifest.value && p.manifest.value->id == "sage-cloud-accounting")
                return p.manifest.value;
        return std::nullopt;
    };
    BOOST_REQUIRE(resolve().has_value());
    (void)market.start_trial(admin, *resolve(), t0);

    // Removed: the connector is gone from the folder, its files with it...
    fs::rename(folder, dir / "removed-plugin");
    BOOST_TEST(!resolve().has_value());
    licenses.remove("default", "sage-cloud-accounting");
    // ...and installed again: the trial record is in the host database, keyed by connector id.
    fs::rename(dir / "removed-plugin", folder);
    BOOST_REQUIRE(resolve().has_value());
    const std::string message =
        refusal_of<host_error>([&] { (void)market.start_trial(admin, *resolve(), t0 + days(2)); });
    BOOST_TEST(contains(message, "already used"), message);

    // Another process (a fresh connection to the same database) sees the same record.
    auto other_db = test_database::open(dir.path());
    license_repository other_licenses(*other_db);
    marketplace other(*other_db, other_licenses, [this] { return key; });
    BOOST_TEST(contains(refusal_of<host_error>([&] { (void)other.start_trial(admin, *resolve(), t0 + days(3)); }),
                        "already used"));
}

BOOST_AUTO_TEST_CASE(concurrent_first_trials_issue_exactly_one)
{
    std::atomic<int> started{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            auto own = test_database::open(dir.path());
            license_repository own_licenses(*own);
            marketplace m(*own, own_licenses, [this] { return key; });
            try {
                (void)m.start_trial(admin, sage, t0);
                ++started;
            } catch (const host_error&) {
                ++refused;
            }
        });
    for (auto& t : threads)
        t.join();
    BOOST_TEST(started.load() == 1);
    BOOST_TEST(refused.load() == 3);
    BOOST_TEST(count_rows(db, "trials_used") == 1);
    BOOST_TEST(count_rows(db, "issued_licenses") == 1);
}

BOOST_AUTO_TEST_CASE(a_tenant_that_subscribed_gets_no_trial)
{
    (void)market.subscribe(admin, sage, "monthly", t0);
    const std::string message = refusal_of<host_error>([&] { (void)market.start_trial(admin, sage, t0 + days(1)); });
    BOOST_TEST(contains(message, "trials are for tenants that have not subscribed"), message);
    BOOST_TEST(licenses.token("default", sage.id).has_value());
    BOOST_TEST(judge(admin, t0 + days(1)).status.kind == "subscription");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(roles, marketplace_fixture)

BOOST_AUTO_TEST_CASE(a_user_gets_exactly_the_marketplace_sentence_and_nothing_changes)
{
    BOOST_TEST(sdk::unlicensed_sentence(sage.name) == sentence);
    BOOST_TEST(refusal_of<host_error>([&] { (void)market.start_trial(bob, sage, t0); }) == sentence);
    BOOST_TEST(refusal_of<host_error>([&] { (void)market.subscribe(bob, sage, "monthly", t0); }) == sentence);
    BOOST_TEST(refusal_of<host_error>([&] { (void)market.renew(bob, sage, t0); }) == sentence);
    BOOST_TEST(refusal_of<host_error>([&] { (void)market.cancel(bob, sage, t0); }) == sentence);
    BOOST_TEST(refusal_of<host_error>([&] { require_marketplace_admin(bob, sage.name); }) == sentence);
    require_marketplace_admin(admin, sage.name); // does not throw
    BOOST_TEST(key_loads == 0);
    BOOST_TEST(count_rows(db, "trials_used") == 0);
    BOOST_TEST(count_rows(db, "subscriptions") == 0);
    BOOST_TEST(count_rows(db, "issued_licenses") == 0);
    BOOST_TEST(count_rows(db, "licenses") == 0);

    // A user's refusal stays the sentence once the tenant is licensed too.
    (void)market.subscribe(admin, sage, "monthly", t0);
    BOOST_TEST(refusal_of<host_error>([&] { (void)market.renew(bob, sage, t0 + days(1)); }) == sentence);
    BOOST_TEST(refusal_of<host_error>([&] { (void)market.cancel(bob, sage, t0 + days(1)); }) == sentence);
    BOOST_TEST(market.account(admin, sage.id).subscription->cancelled_at.has_value() == false);
}

BOOST_AUTO_TEST_CASE(an_administrator_acts_for_their_own_tenant_only)
{
    (void)market.start_trial(acme_admin, sage, t0);
    BOOST_TEST(!licenses.token("default", sage.id).has_value());
    BOOST_TEST(licenses.token("acme", sage.id).has_value());
    BOOST_TEST(!market.account(admin, sage.id).trial.has_value());
    BOOST_TEST(market.account(acme_admin, sage.id).trial.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(renew_and_cancel, marketplace_fixture)

BOOST_AUTO_TEST_CASE(renew_extends_from_the_current_expiry_while_running)
{
    const auto sub = market.subscribe(admin, sage, "monthly", t0);
    const auto renewed = market.renew(admin, sage, t0 + days(20));
    BOOST_TEST((renewed.claims.expires_at == add_months(sub.claims.expires_at, 1)));
    BOOST_TEST((renewed.claims.starts_at == t0)); // the subscription is unbroken
    BOOST_TEST((renewed.claims.issued_at == t0 + days(20)));
    BOOST_TEST(renewed.claims.plan == "monthly");
    const auto twice = market.renew(admin, sage, t0 + days(21));
    BOOST_TEST((twice.claims.expires_at == add_months(add_months(sub.claims.expires_at, 1), 1)));
    const auto s = market.account(admin, sage.id).subscription.value();
    BOOST_TEST((s.expires_at == twice.claims.expires_at));
    BOOST_TEST((s.renewed_at.value() == t0 + days(21)));
    BOOST_TEST(s.license_id == twice.claims.license_id);
    BOOST_TEST(licenses.token("default", sage.id).value() == twice.token);
}

BOOST_AUTO_TEST_CASE(renew_starts_a_new_period_from_now_once_ended)
{
    const auto sub = market.subscribe(admin, sage, "annual", t0);
    const sys_seconds in_grace = sub.claims.expires_at + days(3);
    BOOST_TEST((judge(admin, in_grace).status.state == sdk::license_state::grace));
    const auto renewed = market.renew(admin, sage, in_grace);
    BOOST_TEST((renewed.claims.starts_at == in_grace));
    BOOST_TEST((renewed.claims.expires_at == add_months(in_grace, 12)));
    BOOST_TEST((judge(admin, in_grace).status.state == sdk::license_state::subscription_active));

    const sys_seconds long_after = renewed.claims.expires_at + days(100);
    const auto again = market.renew(admin, sage, long_after);
    BOOST_TEST((again.claims.expires_at == add_months(long_after, 12)));
    BOOST_TEST((market.account(admin, sage.id).subscription->started_at == long_after));
}

BOOST_AUTO_TEST_CASE(renew_without_a_subscription_is_refused)
{
    (void)market.start_trial(admin, sage, t0);
    const std::string message = refusal_of<host_error>([&] { (void)market.renew(admin, sage, t0); });
    BOOST_TEST(contains(message, "has no subscription"), message);
    BOOST_TEST(contains(message, "marketplace subscribe"), message);
    BOOST_TEST(contains(refusal_of<host_error>([&] { (void)market.cancel(admin, sage, t0); }), "has no subscription"));
}

BOOST_AUTO_TEST_CASE(cancel_takes_effect_at_expiry_with_no_grace_and_no_renewal)
{
    const auto sub = market.subscribe(admin, sage, "monthly", t0);
    const auto cancelled = market.cancel(admin, sage, t0 + days(5));
    BOOST_TEST((cancelled.claims.expires_at == sub.claims.expires_at));
    BOOST_TEST((cancelled.claims.starts_at == sub.claims.starts_at));
    BOOST_TEST(cancelled.claims.grace_days == 0);
    BOOST_TEST(cancelled.claims.license_id != sub.claims.license_id);
    const auto s = market.account(admin, sage.id).subscription.value();
    BOOST_TEST((s.cancelled_at.value() == t0 + days(5)));
    BOOST_TEST((s.expires_at == sub.claims.expires_at));

    // Keeps working until the expiry, not a second after.
    const auto before = judge(admin, sub.claims.expires_at - seconds(1));
    BOOST_TEST((before.status.state == sdk::license_state::subscription_active), before.status.reason);
    const auto at = judge(admin, sub.claims.expires_at);
    BOOST_TEST((at.status.state == sdk::license_state::expired), at.status.reason);
    BOOST_TEST(at.status.user_message == sentence);

    BOOST_TEST(
        contains(refusal_of<host_error>([&] { (void)market.renew(admin, sage, t0 + days(6)); }), "was cancelled"));
    BOOST_TEST(
        contains(refusal_of<host_error>([&] { (void)market.cancel(admin, sage, t0 + days(6)); }), "already cancelled"));
    BOOST_TEST(contains(refusal_of<host_error>([&] { (void)market.subscribe(admin, sage, "annual", t0 + days(6)); }),
                        "subscribe again once it has ended"));
    BOOST_TEST(
        contains(refusal_of<host_error>([&] { (void)market.renew(admin, sage, sub.claims.expires_at + days(1)); }),
                 "was cancelled"));
    // After it ended, subscribing again works and clears the cancellation.
    const auto fresh = market.subscribe(admin, sage, "monthly", sub.claims.expires_at + days(1));
    BOOST_TEST(fresh.claims.grace_days == 7);
    BOOST_TEST(!market.account(admin, sage.id).subscription->cancelled_at.has_value());
}

BOOST_AUTO_TEST_CASE(an_ended_subscription_cannot_be_cancelled)
{
    const auto sub = market.subscribe(admin, sage, "monthly", t0);
    const std::string message =
        refusal_of<host_error>([&] { (void)market.cancel(admin, sage, sub.claims.expires_at + hours(1)); });
    BOOST_TEST(contains(message, "already ended"), message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(host_clock_expiry, marketplace_fixture)

BOOST_AUTO_TEST_CASE(expiry_follows_the_host_clock_set_by_sample_host_now)
{
    const auto clock_at = [](const char* instant) {
        ::setenv("SAMPLE_HOST_NOW", instant, 1);
        const host_clock clock = host_clock::from_environment();
        ::unsetenv("SAMPLE_HOST_NOW");
        BOOST_TEST(clock.overridden());
        return clock;
    };
    const auto seconds_of = [](const host_clock& c) { return std::chrono::floor<seconds>(c.now()); };

    const host_clock start = clock_at("2027-01-31T09:00:00Z");
    const auto issued = market.start_trial(admin, sage, seconds_of(start));
    BOOST_TEST((issued.claims.issued_at >= t0 && issued.claims.issued_at < t0 + seconds(60)));
    BOOST_TEST(connector_support::utc_iso_text(issued.claims.expires_at).rfind("2027-03-02T09:00", 0) == 0u);

    const auto state_at = [&](const char* instant) { return judge(admin, clock_at(instant).now()).status; };
    const auto last_day = state_at("2027-03-01T10:00:00Z");
    BOOST_TEST((last_day.state == sdk::license_state::trial_active), last_day.reason);
    BOOST_TEST(last_day.days_left.value() == 1);
    const auto grace = state_at("2027-03-04T09:00:00Z");
    BOOST_TEST((grace.state == sdk::license_state::grace), grace.reason);
    BOOST_TEST(grace.days_left.value() == 5);
    const auto expired = state_at("2027-03-09T09:01:00Z");
    BOOST_TEST((expired.state == sdk::license_state::expired), expired.reason);
    BOOST_TEST(expired.user_message == sentence);

    // The marketplace's own records judge "ended" on the same clock.
    const auto sub = market.subscribe(admin, sage, "monthly", seconds_of(clock_at("2027-03-09T09:01:00Z")));
    BOOST_TEST(!market.account(admin, sage.id).subscription->ended(seconds_of(clock_at("2027-04-09T09:00:00Z"))));
    BOOST_TEST(market.account(admin, sage.id).subscription->ended(sub.claims.expires_at));
    BOOST_TEST((state_at("2027-03-10T00:00:00Z").state == sdk::license_state::subscription_active));
}

BOOST_AUTO_TEST_CASE(summaries_show_days_left_plan_and_expiry)
{
    const auto issued = market.start_trial(admin, sage, t0);
    BOOST_TEST(license_summary(judge(admin, t0).status) == "trial, 30 days left (until 2027-03-02)");
    BOOST_TEST(license_summary(judge(admin, issued.claims.expires_at + days(2)).status) ==
               "grace: trial ended 2027-03-02, works 5 days more");
    BOOST_TEST(license_summary(judge(admin, issued.claims.expires_at + days(8)).status) == "expired 2027-03-02");
    (void)market.subscribe(admin, sage, "annual", t0 + days(40));
    BOOST_TEST(license_summary(judge(admin, t0 + days(40)).status) ==
               "annual subscription until 2028-03-12 (366 days left)");
    sdk::license_status none;
    BOOST_TEST(license_summary(none) == "none");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(connector_acceptance, marketplace_fixture)

BOOST_AUTO_TEST_CASE(a_licence_the_connector_refuses_is_rolled_back_and_the_trial_stays_unused)
{
    std::string seen_token;
    std::optional<std::string> seen_in_store;
    marketplace picky(
        db, licenses, [this] { return key; },
        [&](const issued_license& i) -> connector_support::result<void> {
            seen_token = i.token;
            seen_in_store = licenses.token(i.claims.tenant_id, i.claims.connector_id);
            return connector_support::fail(sdk::error_category::license,
                                           "invalid: signed with key id 'mk-x', which this connector does not trust");
        });
    const std::string message = refusal_of<host_error>([&] { (void)picky.start_trial(admin, sage, t0); });
    BOOST_TEST(contains(message, "does not accept the licence"), message);
    BOOST_TEST(contains(message, "the trial is still unused"), message);
    // The connector was asked with the token already visible where the host reads it...
    BOOST_TEST(seen_in_store.value_or("") == seen_token);
    // ...and nothing of it remains.
    BOOST_TEST(!licenses.token("default", sage.id).has_value());
    BOOST_TEST(count_rows(db, "trials_used") == 0);
    BOOST_TEST(count_rows(db, "issued_licenses") == 0);

    marketplace happy(
        db, licenses, [this] { return key; },
        [](const issued_license&) -> connector_support::result<void> { return {}; });
    BOOST_TEST(happy.start_trial(admin, sage, t0).claims.kind == "trial");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(a_version_1_database_gains_the_marketplace_tables_and_keeps_its_licences)
{
    test_support::temp_dir dir{"marketplace-migration"};
    std::unique_ptr<database> db_owner = test_database::open(dir.path());
    database& db = *db_owner;
    const auto all = host_migrations();
    BOOST_REQUIRE(all.size() >= 2u);
    migrate(db, all.first(1));
    user_directory(db).bootstrap(t0);
    license_repository(db).store("default", "sage-cloud-accounting", "old.token.value", t0);
    migrate(db, all);
    BOOST_TEST(schema_version(db) >= 2);
    BOOST_TEST(license_repository(db).token("default", "sage-cloud-accounting").value() == "old.token.value");
    for (const char* table : {"trials_used", "subscriptions", "issued_licenses"})
        BOOST_TEST(count_rows(db, table) == 0, table);
}
