// `sample_host validate|test|create CONNECTOR FORM`: builds the form from the command line (over a
// saved connection with --connection), hands it to the connector, reports per-field errors, the TEST
// outcome, and saves what CREATE returns.
#include "commands/commands.hpp"

#include "commands/connector_session.hpp"
#include "commands/host_context.hpp"
#include "connectors/form_builder.hpp"
#include "connectors/form_options.hpp"
#include "connectors/plugin_registry.hpp"
#include "output/host_log.hpp"
#include "output/json_output.hpp"
#include "output/text_table.hpp"
#include "runtime/host_error.hpp"
#include "storage/connection_store.hpp"
#include "storage/user_directory.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <memory>

namespace sample_host {
namespace {

namespace json = boost::json;

struct form_command_options {
    std::string connector_id;
    form_sources sources;
    bool no_test = false;
    bool replace = false;
};

void print_field_errors(host_context& ctx, const std::vector<connector_sdk::field_error>& errors,
                        const property_labels& labels)
{
    text_table table({"FIELD", "KEY", "PROBLEM"});
    for (const auto& e : errors)
        table.add_row({labels.label(e.key), e.key, e.message});
    ctx.out().line(table.render());
}

void print_test_result(host_context& ctx, const connector_sdk::test_result& result, const property_labels& labels)
{
    ctx.out().line(result.headline());
    if (!result.available)
        ctx.out().line("category: " + std::string(connector_sdk::to_string(result.category)));
    if (!result.field_errors.empty())
        print_field_errors(ctx, result.field_errors, labels);
    if (!result.detail.empty())
        ctx.out().line(result.detail);
}

int run_validate(host_context& ctx, const form_command_options& options)
{
    connector_session session(ctx, options.connector_id, options.sources);
    const property_labels labels(session.properties());
    const auto result = session.connector().validate(session.values());
    if (ctx.out().json()) {
        ctx.out().document(json::object{{"connector", options.connector_id},
                                        {"valid", result.ok()},
                                        {"errors", field_errors_json(result.errors, labels)}});
        return result.ok() ? 0 : 1;
    }
    if (result.ok()) {
        ctx.out().line("the form is valid (" + std::to_string(session.values().size()) +
                       " value(s) checked, no "
                       "network used)");
        return 0;
    }
    ctx.out().line("the form has " + std::to_string(result.errors.size()) + " problem(s):");
    print_field_errors(ctx, result.errors, labels);
    return 1;
}

int run_test(host_context& ctx, const form_command_options& options)
{
    connector_session session(ctx, options.connector_id, options.sources);
    const property_labels labels(session.properties());
    const auto result = session.connector().test(session.values());
    ctx.log().write(connector_sdk::log_level::info, "host", "TEST " + options.connector_id + ": " + result.headline());
    if (ctx.out().json()) {
        json::object doc = test_result_json(result, labels);
        doc["connector"] = options.connector_id;
        ctx.out().document(std::move(doc));
    } else {
        print_test_result(ctx, result, labels);
    }
    return result.available ? 0 : 1;
}

// CREATE refused: why, with the TEST outcome and the field errors when there are some. Exit 1.
int report_not_created(host_context& ctx, const form_command_options& options,
                       const connector_sdk::create_result& result, const property_labels& labels)
{
    if (ctx.out().json()) {
        ctx.out().document(json::object{
            {"connector", options.connector_id},
            {"created", false},
            {"category", connector_sdk::to_string(result.category)},
            {"message", result.message},
            {"field_errors", field_errors_json(result.field_errors, labels)},
            {"test", result.test ? json::value(test_result_json(*result.test, labels)) : json::value(nullptr)}});
        return 1;
    }
    if (result.test)
        print_test_result(ctx, *result.test, labels);
    ctx.out().line("connection not created (" + std::string(connector_sdk::to_string(result.category)) +
                   "): " + (result.message.empty() ? std::string("the connector gave no reason") : result.message));
    if (!result.field_errors.empty() && !(result.test && !result.test->field_errors.empty()))
        print_field_errors(ctx, result.field_errors, labels);
    return 1;
}

void report_created(host_context& ctx, const form_command_options& options, const connector_sdk::create_result& result,
                    const property_labels& labels, const connection_summary& saved)
{
    if (ctx.out().json()) {
        ctx.out().document(json::object{
            {"connector", options.connector_id},
            {"created", true},
            {"connection", connection_summary_json(saved)},
            {"test", result.test ? json::value(test_result_json(*result.test, labels)) : json::value(nullptr)}});
        return;
    }
    if (result.test)
        ctx.out().line(result.test->headline());
    ctx.out().line("created connection '" + saved.name + "' (" + saved.connector_id + ", " +
                   std::to_string(saved.field_count) + " field(s), " + std::to_string(saved.secret_count) +
                   " secret(s) encrypted) in tenant '" + saved.tenant + "'" +
                   (options.no_test ? std::string(" without running TEST") : std::string()));
}

int run_create(host_context& ctx, const form_command_options& options)
{
    const user_account& user = ctx.acting_user();
    connector_session session(ctx, options.connector_id, options.sources);
    const property_labels labels(session.properties());

    // Refuse a taken name before the connector spends a TEST (network) on it. The store checks again
    // when saving; an unusable name (only blanks...) is left to the connector to report, with its label.
    if (!options.replace)
        if (const auto* name = session.values().get_if<std::string>(connector_sdk::connection_name_key)) {
            std::optional<std::string> normalised;
            try {
                normalised = normalise_connection_name(*name);
            } catch (const host_error&) {
            }
            if (normalised && ctx.connections().exists(user.tenant, *normalised))
                throw host_error("a connection named '" + *normalised + "' already exists in tenant '" + user.tenant +
                                 "': choose another Connection Name, delete it first (sample_host connections delete "
                                 "NAME), or pass --replace");
        }

    connector_sdk::create_options create_options;
    create_options.run_test = !options.no_test;
    auto result = session.connector().create(session.values(), create_options);
    ctx.log().write(connector_sdk::log_level::info, "host",
                    "CREATE " + options.connector_id + ": " +
                        (result.created ? "created" : "refused: " + result.message));
    if (!result.created)
        return report_not_created(ctx, options, result, labels);
    const connection_summary saved = save_created_record(ctx, session, options.connector_id, std::move(result.record),
                                                         options.replace ? connection_store::on_duplicate::replace
                                                                         : connection_store::on_duplicate::refuse);
    report_created(ctx, options, result, labels, saved);
    return 0;
}

CLI::App* add_form_command(CLI::App& app, const char* name, const char* description,
                           const std::shared_ptr<form_command_options>& options)
{
    return add_connector_form_subcommand(app, name, description, options->connector_id, options->sources);
}

} // namespace

void add_form_commands(CLI::App& app, command_action& chosen)
{
    auto validate_options = std::make_shared<form_command_options>();
    auto* validate = add_form_command(app, "validate",
                                      "Check a connection form without using the network: prints each field's "
                                      "problem (label and message)",
                                      validate_options);
    validate->footer(std::string(form_help_footer()) + "\nExit 0 when the form is valid, 1 when it has problems, 2 "
                                                       "when a FORM option is malformed.");
    validate->callback([&chosen, validate_options] {
        chosen = [validate_options](host_context& ctx) { return run_validate(ctx, *validate_options); };
    });

    auto test_options = std::make_shared<form_command_options>();
    auto* test = add_form_command(app, "test",
                                  "TEST a connection: the first line is \"connection available\" or \"Connection "
                                  "unavailable: <reason>\", then the detail (--json: the full result)",
                                  test_options);
    test->footer(std::string(form_help_footer()) + "\nExit 0 when the connection is available, 1 when it is not, 2 "
                                                   "when a FORM option is malformed.");
    test->callback([&chosen, test_options] {
        chosen = [test_options](host_context& ctx) { return run_test(ctx, *test_options); };
    });

    auto create_options = std::make_shared<form_command_options>();
    auto* create = add_form_command(app, "create",
                                    "CREATE a connection: validates, runs TEST (unless --no-test) and saves the "
                                    "connection under its Connection Name for your tenant, secrets encrypted",
                                    create_options);
    create->add_flag("--no-test", create_options->no_test, "Save without running TEST first");
    create->add_flag("--replace", create_options->replace,
                     "Replace an existing connection of the same name instead of refusing");
    create->footer(std::string(form_help_footer()) +
                   "\nNames are trimmed and unique per tenant, ignoring case. Exit 0 when saved, 1 when refused "
                   "(invalid form, TEST failed, name taken), 2 when a FORM option is malformed.");
    create->callback([&chosen, create_options] {
        chosen = [create_options](host_context& ctx) { return run_create(ctx, *create_options); };
    });
}

} // namespace sample_host
