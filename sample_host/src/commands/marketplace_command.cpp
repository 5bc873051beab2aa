// `sample_host marketplace start-trial|subscribe|renew|cancel|status|init`: the sample host as the
// marketplace. Administrators start a tenant's trial, subscribe, renew and cancel; each issues a
// licence signed with the marketplace key (kept sealed in the host database) and stores it where the
// host hands it to the connector. Anyone else gets the marketplace sentence.
#include "commands/commands.hpp"

#include "commands/host_context.hpp"
#include "commands/marketplace_actions.hpp"
#include "connectors/plugin_registry.hpp"
#include "marketplace/license_repository.hpp"
#include "marketplace/marketplace.hpp"
#include "marketplace/marketplace_signing_key.hpp"
#include "output/host_log.hpp"
#include "output/json_output.hpp"
#include "runtime/host_error.hpp"
#include "security/secret_cipher.hpp"
#include "storage/database_url.hpp"
#include "storage/user_directory.hpp"

#include <CLI/CLI.hpp>
#include <connector_support/ascii_text.hpp>
#include <connector_support/result.hpp>
#include <connector_support/time_text.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <memory>
#include <set>

namespace sample_host {

namespace sdk = connector_sdk;

namespace {

signing_key_store signing_keys(host_context& ctx)
{
    return signing_key_store(
        ctx.database(), [&ctx]() -> const secret_cipher& { return ctx.cipher(); }, ctx.data_dir(),
        build_dev_signing_key());
}

} // namespace

marketplace_signing_key load_signing_key(host_context& ctx)
{
    auto loaded = signing_keys(ctx).load();
    if (loaded.note) {
        ctx.out().note(*loaded.note);
        ctx.log().write(sdk::log_level::info, "host", *loaded.note);
    }
    return loaded.key;
}

connector_view ask_connector(host_context& ctx, std::string_view connector_id)
{
    try {
        return ctx.plugin(connector_id)->connector().check_license();
    } catch (const host_error& e) {
        return connector_support::fail(sdk::error_category::internal, e.what());
    }
}

namespace {

// Before a command has asked the connector.
connector_view not_asked()
{
    return connector_support::fail(sdk::error_category::internal, "the connector was not asked");
}

} // namespace

// For status: no licence is issued.
marketplace make_marketplace(host_context& ctx)
{
    return marketplace(ctx.database(), ctx.licenses(), [&ctx] { return load_signing_key(ctx); });
}

namespace {

// For the commands that issue a licence: before committing, the connector (when it loads; the host
// need not load code to issue) is asked about the licence it would be handed, and a refusal rolls
// everything back. Its answer is kept in `view` for the report.
marketplace make_issuing_marketplace(host_context& ctx, connector_view& view)
{
    // Before the marketplace's transaction: the move commits on its own before the file is deleted.
    if (const auto moved = signing_keys(ctx).move_legacy_file()) {
        ctx.out().note(*moved);
        ctx.log().write(sdk::log_level::info, "host", *moved);
    }
    return marketplace(
        ctx.database(), ctx.licenses(), [&ctx] { return load_signing_key(ctx); },
        [&ctx, &view](const issued_license& issued) -> connector_support::result<void> {
            view = ask_connector(ctx, issued.claims.connector_id);
            if (view && !view->permits_use())
                return connector_support::fail(sdk::error_category::license,
                                               std::string(sdk::to_string(view->state)) + ": " + view->reason);
            return {};
        });
}

} // namespace

std::string_view to_string(licence_action action) noexcept
{
    switch (action) {
    case licence_action::start_trial: return "start-trial";
    case licence_action::subscribe: return "subscribe";
    case licence_action::renew: return "renew";
    case licence_action::cancel: return "cancel";
    }
    return "start-trial";
}

namespace {

std::string grace_text(int grace_days)
{
    return grace_days > 0 ? ", then " + connector_support::days_text(grace_days) + " of grace"
                          : std::string(", with no grace period");
}

} // namespace

licence_outcome perform_licence_action(host_context& ctx, const sdk::manifest& m, licence_action action,
                                       std::string_view plan)
{
    using connector_support::days_text;
    using connector_support::utc_iso_text;
    connector_view view = not_asked();
    auto market = make_issuing_marketplace(ctx, view);
    const user_account& actor = ctx.acting_user();
    const std::chrono::sys_seconds now = ctx.now_seconds();
    std::optional<issued_license> issued;
    std::string headline;
    switch (action) {
    case licence_action::start_trial:
        issued = market.start_trial(actor, m, now);
        headline = "Trial of " + m.name + " started for tenant '" + issued->claims.tenant_id +
                   "': " + days_text(m.trial_days) + ", until " + utc_iso_text(issued->claims.expires_at) +
                   grace_text(issued->claims.grace_days) + ".";
        break;
    case licence_action::subscribe:
        issued = market.subscribe(actor, m, plan, now);
        headline = "Tenant '" + issued->claims.tenant_id + "' subscribed to " + m.name + " (" + issued->claims.plan +
                   "): until " + utc_iso_text(issued->claims.expires_at) + grace_text(issued->claims.grace_days) +
                   "; renew with `sample_host marketplace renew " + m.id + "`.";
        break;
    case licence_action::renew: {
        const auto before = market.account(actor, m.id).subscription;
        issued = market.renew(actor, m, now);
        headline = "Renewed the " + issued->claims.plan + " subscription of tenant '" + issued->claims.tenant_id +
                   "' to " + m.name + ": until " + utc_iso_text(issued->claims.expires_at);
        if (before)
            headline +=
                before->ended(issued->claims.issued_at)
                    ? " (it had ended on " + utc_iso_text(before->expires_at) + ", so the new period starts now)"
                    : " (was " + utc_iso_text(before->expires_at) + ")";
        headline += ".";
        break;
    }
    case licence_action::cancel:
        issued = market.cancel(actor, m, now);
        headline = "Cancelled the " + issued->claims.plan + " subscription of tenant '" + issued->claims.tenant_id +
                   "' to " + m.name + ": it keeps working until " + utc_iso_text(issued->claims.expires_at) +
                   " and is not renewed (no grace period after a cancellation).";
        break;
    }
    std::optional<subscription_record> subscription;
    if (action != licence_action::start_trial)
        subscription = market.account(actor, m.id).subscription;
    return {std::move(*issued), std::move(headline), std::move(subscription), std::move(view)};
}

namespace {

namespace json = boost::json;
using connector_support::days_text;
using connector_support::utc_iso_text;
using std::chrono::sys_seconds;

struct marketplace_options {
    std::string connector;
    std::string plan;
    std::string signing_key;
    bool replace = false;
};

// The manifests of the plugin folder (no code loaded), by id.
std::vector<sdk::manifest> installed_manifests(host_context& ctx)
{
    std::vector<sdk::manifest> out;
    for (auto& plugin : ctx.plugins().discover())
        if (plugin.manifest.value)
            out.push_back(std::move(*plugin.manifest.value));
    std::sort(out.begin(), out.end(), [](const sdk::manifest& a, const sdk::manifest& b) { return a.id < b.id; });
    return out;
}

// CONNECTOR by manifest id (or, for people, by its name ignoring case). Throws host_error when absent.
sdk::manifest resolve_connector(host_context& ctx, std::string_view wanted)
{
    plugin_registry& registry = ctx.plugins();
    registry.require_folder();
    auto plugins = registry.discover();
    for (auto& plugin : plugins) {
        if (plugin.manifest.value) {
            if (plugin.manifest.value->id == wanted || connector_support::iequals(plugin.manifest.value->name, wanted))
                return std::move(*plugin.manifest.value);
        } else if (plugin.folder.filename() == wanted) {
            std::string problems;
            for (const auto& e : plugin.manifest.errors)
                problems +=
                    (problems.empty() ? "" : "; ") + (e.field.empty() ? std::string() : e.field + ": ") + e.message;
            throw host_error("the manifest of connector '" + std::string(wanted) + "' (" +
                             plugin.manifest_path.string() + ") cannot be read: " + problems);
        }
    }
    registry.refuse_unknown(wanted, plugins);
}

// A non-administrator gets the marketplace sentence. Without a connector named, the sentence names
// the first premium connector installed.
void refuse_unless_admin(host_context& ctx, const sdk::manifest* connector)
{
    if (ctx.acting_user().is_admin())
        return;
    if (connector != nullptr)
        require_marketplace_admin(ctx.acting_user(), connector->name);
    std::vector<sdk::manifest> manifests;
    try {
        manifests = installed_manifests(ctx);
    } catch (const std::exception&) {
        // No plugin folder: the generic refusal below.
    }
    for (const auto& m : manifests)
        if (m.premium())
            require_marketplace_admin(ctx.acting_user(), m.name);
    throw host_error("only an administrator can manage the marketplace: please ask your administrator");
}

json::value optional_time(const std::optional<sys_seconds>& t)
{
    return t ? json::value(utc_iso_text(*t)) : json::value(nullptr);
}

json::object claims_json(const sdk::license_claims& c)
{
    return {{"license_id", c.license_id},
            {"key_id", c.key_id},
            {"connector_id", c.connector_id},
            {"tenant_id", c.tenant_id},
            {"kind", c.kind},
            {"plan", c.plan},
            {"issued_at", utc_iso_text(c.issued_at)},
            {"starts_at", utc_iso_text(c.starts_at)},
            {"expires_at", utc_iso_text(c.expires_at)},
            {"grace_days", c.grace_days}};
}

json::value trial_json(const std::optional<trial_record>& t, sys_seconds now)
{
    if (!t)
        return json::object{{"used", false}};
    return json::object{{"used", true},
                        {"started_at", utc_iso_text(t->started_at)},
                        {"expires_at", utc_iso_text(t->expires_at)},
                        {"ended", now >= t->expires_at},
                        {"started_by", t->started_by},
                        {"license_id", t->license_id}};
}

json::value subscription_json(const std::optional<subscription_record>& s, sys_seconds now)
{
    if (!s)
        return nullptr;
    return json::object{{"plan", s->plan},
                        {"started_at", utc_iso_text(s->started_at)},
                        {"expires_at", utc_iso_text(s->expires_at)},
                        {"ended", s->ended(now)},
                        {"renewed_at", optional_time(s->renewed_at)},
                        {"cancelled", s->cancelled_at.has_value()},
                        {"cancelled_at", optional_time(s->cancelled_at)},
                        {"renews", !s->cancelled_at.has_value()},
                        {"license_id", s->license_id},
                        {"updated_by", s->updated_by}};
}

json::value issued_json(const std::optional<issued_license_record>& r)
{
    if (!r)
        return nullptr;
    return json::object{{"license_id", r->license_id},
                        {"kind", r->kind},
                        {"plan", r->plan},
                        {"key_id", r->key_id},
                        {"issued_at", utc_iso_text(r->issued_at)},
                        {"starts_at", utc_iso_text(r->starts_at)},
                        {"expires_at", utc_iso_text(r->expires_at)},
                        {"grace_days", r->grace_days},
                        {"issued_by", r->issued_by},
                        {"reason", r->reason}};
}

// After issuing: the connector's own judgement of the licence it is now handed (asked before the
// licence was committed), or why it could not be asked.
json::value report_connector_view(host_context& ctx, const connector_view& view)
{
    if (!view) {
        ctx.out().warning("the licence was issued, but the connector could not be loaded to confirm it accepts it: " +
                          view.error().message);
        return nullptr;
    }
    if (!ctx.out().json())
        ctx.out().line("connector reports: " + license_summary(*view));
    return license_json(*view);
}

void print_issue(host_context& ctx, std::string_view action, const sdk::manifest& m, const issued_license& issued,
                 const std::string& headline, const std::optional<subscription_record>& subscription,
                 const connector_view& connector)
{
    if (!ctx.out().json()) {
        ctx.out().line(headline);
        ctx.out().line("licence " + issued.claims.license_id + " (key " + issued.claims.key_id + "), issued " +
                       utc_iso_text(issued.claims.issued_at));
    }
    json::value view = report_connector_view(ctx, connector);
    ctx.log().write(sdk::log_level::info, "host",
                    std::string(action) + " " + m.id + " for tenant " + issued.claims.tenant_id + " by " +
                        ctx.acting_user().name + ": licence " + issued.claims.license_id + " (" + issued.claims.kind +
                        "/" + issued.claims.plan + ") until " + utc_iso_text(issued.claims.expires_at));
    if (ctx.out().json())
        ctx.out().document(json::object{{"action", action},
                                        {"tenant", issued.claims.tenant_id},
                                        {"connector", connector_json(m)},
                                        {"license", claims_json(issued.claims)},
                                        {"subscription", subscription_json(subscription, issued.claims.issued_at)},
                                        {"connector_license", std::move(view)}});
}

int run_issuing(host_context& ctx, const marketplace_options& options, licence_action action)
{
    const sdk::manifest m = resolve_connector(ctx, options.connector);
    refuse_unless_admin(ctx, &m);
    const licence_outcome outcome = perform_licence_action(ctx, m, action, options.plan);
    print_issue(ctx, to_string(action), m, outcome.issued, outcome.headline, outcome.subscription, outcome.view);
    return 0;
}

int run_start_trial(host_context& ctx, const marketplace_options& options)
{
    return run_issuing(ctx, options, licence_action::start_trial);
}

int run_subscribe(host_context& ctx, const marketplace_options& options)
{
    return run_issuing(ctx, options, licence_action::subscribe);
}

int run_renew(host_context& ctx, const marketplace_options& options)
{
    return run_issuing(ctx, options, licence_action::renew);
}

int run_cancel(host_context& ctx, const marketplace_options& options)
{
    return run_issuing(ctx, options, licence_action::cancel);
}

struct status_entry {
    std::string id;
    std::optional<sdk::manifest> manifest; // nullopt: records only, the plugin is not installed
    std::optional<connector_view> view;    // asked only when installed
    marketplace_account account;
};

json::object status_json(const status_entry& e, sys_seconds now)
{
    json::object o;
    o["id"] = e.id;
    o["installed"] = e.manifest.has_value();
    o["name"] = e.manifest ? json::value(e.manifest->name) : json::value(nullptr);
    o["tier"] = e.manifest ? json::value(e.manifest->tier) : json::value(nullptr);
    o["trial_days"] = e.manifest ? json::value(e.manifest->trial_days) : json::value(nullptr);
    o["grace_days"] = e.manifest ? json::value(e.manifest->grace_days) : json::value(nullptr);
    json::array plans;
    if (e.manifest)
        for (const auto& p : e.manifest->plans)
            plans.push_back(json::object{{"id", p.id}, {"months", p.months}});
    o["plans"] = std::move(plans);
    const bool answered = e.view && e.view->has_value();
    o["license"] = answered ? json::value(license_json(**e.view)) : json::value(nullptr);
    o["load_error"] = e.view && !answered ? json::value(e.view->error().message) : json::value(nullptr);
    o["trial"] = trial_json(e.account.trial, now);
    o["subscription"] = subscription_json(e.account.subscription, now);
    o["current_license"] = issued_json(e.account.current_license);
    return o;
}

void print_status(host_context& ctx, const status_entry& e, sys_seconds now)
{
    const auto field = [&](std::string_view label, const std::string& value) {
        std::string line = "  " + std::string(label) + ":";
        line.resize(std::max<std::size_t>(line.size() + 1, 17), ' ');
        ctx.out().line(line + value);
    };
    if (e.manifest) {
        const auto& m = *e.manifest;
        std::string offer = m.tier;
        if (m.premium()) {
            offer += m.trial_days > 0 ? "; trial " + days_text(m.trial_days) : std::string("; no trial");
            offer += ", grace " + days_text(m.grace_days);
            for (const auto& p : m.plans)
                offer += ", " + p.id + " " + std::to_string(p.months) + (p.months == 1 ? " month" : " months");
        }
        ctx.out().line(m.id + ": " + m.name + " (" + offer + ")");
    } else {
        ctx.out().line(e.id + ": not installed in " + ctx.plugins().folder().string() + " (the host's records remain)");
    }
    if (e.view && *e.view) {
        const sdk::license_status& status = **e.view;
        field("licence", license_summary(status));
        if (!status.user_message.empty())
            field("users see", status.user_message);
        if (status.state != sdk::license_state::none)
            field("reason", status.reason);
    } else if (e.view) {
        field("licence", "unknown: the connector could not be loaded: " + e.view->error().message);
    }
    if (e.manifest && !e.manifest->premium() && !e.account.trial && !e.account.subscription)
        return;
    const auto& t = e.account.trial;
    field("trial", t ? "used: started " + utc_iso_text(t->started_at) + " by " + t->started_by +
                           (now >= t->expires_at ? ", ended " : ", ends ") + utc_iso_text(t->expires_at)
                     : std::string("not used"));
    const auto& s = e.account.subscription;
    if (!s) {
        field("subscription", "none");
    } else {
        std::string text = s->plan + ", started " + utc_iso_text(s->started_at) +
                           (s->ended(now) ? ", ended " : ", expires ") + utc_iso_text(s->expires_at);
        if (s->cancelled_at)
            text += ", cancelled " + utc_iso_text(*s->cancelled_at) + " (ends at expiry, not renewed)";
        else if (s->renewed_at)
            text += ", last renewed " + utc_iso_text(*s->renewed_at);
        field("subscription", text);
    }
    if (const auto& c = e.account.current_license)
        field("licence id", c->license_id + " (" + c->kind + "/" + c->plan + ", key " + c->key_id + ", issued " +
                                utc_iso_text(c->issued_at) + " by " + c->issued_by + ")");
}

// The connectors status speaks of: the one named, or every one installed and any the tenant has
// records for (no longer installed). Administrators only.
std::vector<status_entry> status_entries(host_context& ctx, const marketplace_options& options)
{
    std::vector<status_entry> entries;
    if (!options.connector.empty()) {
        sdk::manifest m = resolve_connector(ctx, options.connector);
        refuse_unless_admin(ctx, &m);
        entries.push_back({m.id, std::move(m), {}, {}});
        return entries;
    }
    refuse_unless_admin(ctx, nullptr);
    ctx.plugins().require_folder();
    std::set<std::string> seen;
    for (auto& m : installed_manifests(ctx)) {
        seen.insert(m.id);
        entries.push_back({m.id, std::move(m), {}, {}});
    }
    const marketplace_records records(ctx.database());
    for (auto& id : records.connectors_with_records(ctx.acting_user().tenant))
        if (!seen.contains(id))
            entries.push_back({id, std::nullopt, {}, {}});
    return entries;
}

int run_status(host_context& ctx, const marketplace_options& options)
{
    std::vector<status_entry> entries = status_entries(ctx, options);
    const sys_seconds now = ctx.now_seconds();
    auto market = make_marketplace(ctx);
    for (auto& e : entries) {
        e.account = market.account(ctx.acting_user(), e.id);
        if (e.manifest)
            e.view = ask_connector(ctx, e.id);
    }

    if (ctx.out().json()) {
        json::array list;
        for (const auto& e : entries)
            list.push_back(status_json(e, now));
        ctx.out().document(json::object{
            {"tenant", ctx.acting_user().tenant}, {"now", utc_iso_text(now)}, {"connectors", std::move(list)}});
        return 0;
    }
    if (entries.empty()) {
        ctx.out().line("no connectors in " + ctx.plugins().folder().string() +
                       " and no marketplace records for tenant '" + ctx.acting_user().tenant + "'");
        return 0;
    }
    ctx.out().line("Marketplace status for tenant '" + ctx.acting_user().tenant + "' at " + utc_iso_text(now) + ":");
    for (const auto& e : entries)
        print_status(ctx, e, now);
    return 0;
}

int run_init(host_context& ctx, const marketplace_options& options)
{
    refuse_unless_admin(ctx, nullptr);
    if (ctx.acting_user().tenant != default_tenant)
        throw host_error("only an administrator of the \"default\" tenant (the host's operators) can set the "
                         "marketplace signing key: it signs the licences of every tenant");
    auto store = signing_keys(ctx);
    const auto result = store.import(options.signing_key, options.replace, ctx.acting_user().name);
    if (result.note) {
        ctx.out().note(*result.note);
        ctx.log().write(sdk::log_level::info, "host", *result.note);
    }
    const std::string where = ctx.database_location().display;
    std::string outcome;
    std::string text;
    switch (result.outcome) {
    case signing_key_store::import_outcome::imported:
        outcome = "imported";
        text = "imported the marketplace signing key " + result.key_id + " into " + where +
               " (sealed under the host key; every host of the fleet signs with it)";
        break;
    case signing_key_store::import_outcome::unchanged:
        outcome = "unchanged";
        text = "the marketplace signing key " + result.key_id + " is already the one kept in " + where;
        break;
    case signing_key_store::import_outcome::replaced:
        outcome = "replaced";
        text = "replaced the marketplace signing key " + result.previous_key_id + " with " + result.key_id + " in " +
               where + "; licences signed with " + result.previous_key_id + " stay valid until they end";
        break;
    }
    ctx.log().write(sdk::log_level::info, "host", text + " (by " + ctx.acting_user().name + ")");
    if (ctx.out().json()) {
        json::object doc{{"outcome", outcome}, {"key_id", result.key_id}, {"database", where}};
        doc["previous_key_id"] =
            result.previous_key_id.empty() ? json::value(nullptr) : json::value(result.previous_key_id);
        ctx.out().document(std::move(doc));
    } else {
        ctx.out().line(text);
        ctx.out().line("connectors accept its licences only when built to trust its public half (key id " +
                       result.key_id + ")");
    }
    return 0;
}

using runner = int (*)(host_context&, const marketplace_options&);

CLI::App* add_action(CLI::App& group, command_action& chosen, const std::shared_ptr<marketplace_options>& options,
                     const std::string& name, const std::string& description, runner run)
{
    auto* command = group.add_subcommand(name, description);
    command->callback(
        [&chosen, options, run] { chosen = [options, run](host_context& ctx) { return run(ctx, *options); }; });
    return command;
}

// An action on one CONNECTOR (required), with its footer.
CLI::App* add_connector_action(CLI::App& group, command_action& chosen,
                               const std::shared_ptr<marketplace_options>& options, const std::string& name,
                               const std::string& description, runner run, const std::string& footer)
{
    auto* command = add_action(group, chosen, options, name, description, run);
    command
        ->add_option("connector", options->connector,
                     "The connector: its manifest id (e.g. sage-cloud-accounting) or its name")
        ->required()
        ->type_name("CONNECTOR");
    command->footer(footer);
    return command;
}

} // namespace

void add_marketplace_command(CLI::App& app, command_action& chosen)
{
    auto* group = app.add_subcommand(
        "marketplace",
        "The sample host as the marketplace (administrators only): start a trial, subscribe, renew, cancel, status, "
        "and the signing key of the licences it issues");
    group->require_subcommand(1);
    group->footer(
        "Every licence is signed with the marketplace signing key (Ed25519), kept in the host database sealed under "
        "the host key, so every host of a fleet signs with the same one. When there is none, a development build "
        "imports the throw-away key its build generated (the first host to do so wins); otherwise an "
        "administrator imports one with `marketplace init --signing-key FILE`. A key an older sample_host left in "
        "<data>/marketplace/signing-key.pem is moved into the database, and the file deleted, on first need. A licence "
        "belongs to the acting "
        "administrator's tenant; times come from the host clock (SAMPLE_HOST_NOW). Anyone who is not an "
        "administrator gets: \"Please request your administrator to start a trial or subscribe to the Premium "
        "<connector> connector.\" (exit 1).");
    auto options = std::make_shared<marketplace_options>();

    add_connector_action(*group, chosen, options, "start-trial",
                         "Start your tenant's trial of a premium connector (trial_days and grace_days from its "
                         "manifest); once per tenant per connector, ever",
                         run_start_trial,
                         "Refused for free connectors, when the tenant's trial was already used (even if the plugin "
                         "was removed and installed again since: the record is in the host database), and when the "
                         "tenant has or had a subscription. Exit 0 issued, 1 refused, 2 usage error.");

    auto* subscribe = add_connector_action(
        *group, chosen, options, "subscribe",
        "Subscribe your tenant to a premium connector for one plan period from now (period lengths from its "
        "manifest's plans)",
        run_subscribe,
        "Supersedes a running trial. Refused while a subscription runs (use renew), including a cancelled one "
        "until it has ended. Exit 0 issued, 1 refused, 2 usage error.");
    subscribe->add_option("--plan", options->plan, "The plan: monthly or annual (as the manifest offers)")
        ->required()
        ->check(CLI::IsMember({"monthly", "annual"}))
        ->type_name("monthly|annual");

    add_connector_action(*group, chosen, options, "renew",
                         "Extend your tenant's subscription by one period of its plan: from the current expiry, or "
                         "from now when it has already ended",
                         run_renew,
                         "Refused without a subscription and after a cancellation. Exit 0 issued, 1 refused, 2 "
                         "usage error.");

    add_connector_action(*group, chosen, options, "cancel",
                         "Cancel your tenant's subscription at its expiry: the licence keeps working until then "
                         "(with no grace period after) and is not renewed",
                         run_cancel,
                         "The licence is re-issued with the same expiry and no grace days. Exit 0 cancelled, 1 "
                         "refused (no subscription, already cancelled or ended), 2 usage error.");

    auto* status = add_action(*group, chosen, options, "status",
                              "Per connector: tier, the licence state as the connector itself reports it (state, "
                              "days left, what users see), and the host's records (trial used, plan, expiry, "
                              "cancelled)",
                              run_status);
    status
        ->add_option("connector", options->connector,
                     "Only this connector (default: every connector installed, and any the tenant has records for)")
        ->type_name("CONNECTOR");
    status->footer("Loads each connector to ask it (check_license). Exit 0, 1 when the connector is unknown or you "
                   "are not an administrator.");

    auto* init =
        add_action(*group, chosen, options, "init",
                   "Import the marketplace signing key (administrators of the \"default\" tenant only)", run_init);
    init->add_option(
            "--signing-key", options->signing_key,
            "An Ed25519 private key in PEM form (e.g. from `openssl genpkey -algorithm ed25519`); it is "
            "stored in the host database sealed under the host key, and never printed; the file is left as it is")
        ->required()
        ->type_name("FILE");
    init->add_flag("--replace", options->replace,
                   "Replace a different key already in place (licences it signed stay valid until they end)");
    init->footer("Refused for anything but an unencrypted Ed25519 private key. Connectors accept the licences only "
                 "when built to trust its public half. Exit 0 imported or unchanged, 1 refused, 2 usage error.");
}

} // namespace sample_host
