// `sample_host sync CONNECTOR [FORM] --into URL [--schema NAME] [--entities a,b|all]`: mirrors entities
// into an SQLite file or a PostgreSQL schema (storage/sync_mirror), incrementally on every later run;
// each entity's read state is committed with the rows it covers. An entity that fails is reported and
// the others go on.
#include "commands/commands.hpp"

#include "commands/connector_session.hpp"
#include "commands/guarded_read_sink.hpp"
#include "commands/host_context.hpp"
#include "connectors/form_options.hpp"
#include "output/host_log.hpp"
#include "output/text_table.hpp"
#include "runtime/host_error.hpp"
#include "storage/database_url.hpp"
#include "storage/sync_mirror.hpp"

#include <connector_sdk/data_access.hpp>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <memory>

namespace sample_host {
namespace {

namespace json = boost::json;
namespace sdk = connector_sdk;

struct sync_options {
    std::string connector_id;
    form_sources sources;
    std::string into;
    std::string schema;
    std::string entities = "all";
    std::string business;
    int concurrency = 4;
};

// Rows and state go to the mirror; a checkpoint commits them together.
class mirror_sink final : public guarded_read_sink {
public:
    explicit mirror_sink(sync_mirror& mirror) : mirror_(mirror) {}

    bool on_records(const sdk::record_batch& batch) noexcept override
    {
        return keep_going([&] {
            for (const auto& record : batch.records)
                mirror_.upsert(batch.business_id, record);
        });
    }
    bool on_deletions(const sdk::deletion_batch& batch) noexcept override
    {
        return keep_going([&] {
            for (const auto& id : batch.ids)
                mirror_.remove(batch.business_id, id);
        });
    }
    bool on_checkpoint(std::string_view state) noexcept override
    {
        return keep_going([&] { mirror_.checkpoint(state); });
    }

private:
    sync_mirror& mirror_;
};

std::vector<sdk::entity_info> chosen_entities(const sync_options& options, sdk::data_access& data,
                                              const sdk::form_values& form)
{
    const auto listed = data.list_entities(form);
    if (!listed.ok())
        throw host_error(listed.message);
    if (options.entities == "all")
        return listed.entities;
    std::vector<sdk::entity_info> chosen;
    std::size_t start = 0;
    while (start <= options.entities.size()) {
        const std::size_t comma = std::min(options.entities.find(',', start), options.entities.size());
        const std::string name = options.entities.substr(start, comma - start);
        start = comma + 1;
        if (name.empty())
            continue;
        const auto it = std::find_if(listed.entities.begin(), listed.entities.end(),
                                     [&](const sdk::entity_info& e) { return e.name == name; });
        if (it == listed.entities.end())
            throw usage_error("the connector has no entity '" + name + "': see `sample_host entities " +
                              options.connector_id + "`");
        chosen.push_back(*it);
    }
    if (chosen.empty())
        throw usage_error("--entities names no entity");
    return chosen;
}

int run_sync(host_context& ctx, const sync_options& options)
{
    const database_url into = database_url::parse(options.into, "--into");
    sync_mirror::check_schema(into, options.schema);
    connector_session session(ctx, options.connector_id, options.sources);
    sdk::data_access* data = &session.data_access();
    const auto entities = chosen_entities(options, *data, session.values());
    sync_mirror mirror(into, options.schema);

    text_table table({"ENTITY", "RECORDS", "DELETIONS", "REQUESTS", "ROWS", "RESULT"});
    json::array results;
    int failures = 0;
    for (const auto& entity : entities) {
        sdk::read_request request;
        request.entity = entity.name;
        request.state = mirror.state(entity.name).value_or("");
        request.deletions = entity.deletions;
        request.business = options.business;
        request.concurrency = options.concurrency;
        mirror.begin(entity.name, entity.primary_key.empty() ? std::string("id") : entity.primary_key.front());
        mirror_sink sink(mirror);
        const sdk::read_result result = data->read(session.values(), request, sink);
        mirror.abandon(); // whatever came after the last checkpoint
        std::string outcome = result.complete ? "synced" : "not complete";
        if (sink.problem())
            outcome = "failed: " + *sink.problem();
        else if (result.category != sdk::error_category::none)
            outcome = "failed (" + std::string(sdk::to_string(result.category)) + "): " + result.message;
        for (const auto& warning : result.warnings)
            outcome += "; business " + warning.business_id + " skipped: " + warning.message;
        if (!result.complete)
            ++failures;
        const std::int64_t rows = mirror.rows(entity.name);
        ctx.log().write(sdk::log_level::info, "host",
                        "SYNC " + options.connector_id + " " + entity.name + ": " +
                            std::to_string(result.counters.records) + " records, " + outcome);
        table.add_row({entity.name, std::to_string(result.counters.records), std::to_string(result.counters.deletions),
                       std::to_string(result.counters.requests), std::to_string(rows), outcome});
        results.push_back(json::object{{"entity", entity.name},
                                       {"complete", result.complete},
                                       {"category", sdk::to_string(result.category)},
                                       {"message", result.message},
                                       {"records", result.counters.records},
                                       {"deletions", result.counters.deletions},
                                       {"requests", result.counters.requests},
                                       {"retries", result.counters.retries},
                                       {"rows", rows}});
    }
    if (ctx.out().json()) {
        json::object document{{"connector", options.connector_id}, {"database", into.display}};
        if (!mirror.schema().empty())
            document["schema"] = mirror.schema();
        document["entities"] = std::move(results);
        ctx.out().document(std::move(document));
    } else {
        ctx.out().line("Mirror: " + mirror.location());
        ctx.out().line(table.render());
    }
    return failures == 0 ? 0 : 1;
}

} // namespace

void add_sync_command(CLI::App& app, command_action& chosen)
{
    auto options = std::make_shared<sync_options>();
    auto* command = add_connector_form_subcommand(
        app, "sync",
        "Mirror entities into a database, SQLite or PostgreSQL (a table per entity, upserts, deletions applied, "
        "each entity's state committed with its rows); every later run is incremental",
        options->connector_id, options->sources);
    command
        ->add_option("--into", options->into,
                     "The database: sqlite:FILE (a file of its own), or postgresql://USER@HOST[:PORT]/DATABASE (the "
                     "password in PGPASSWORD or ~/.pgpass; it may be the host's own --database)")
        ->required()
        ->type_name("URL");
    command
        ->add_option("--schema", options->schema,
                     "PostgreSQL only: the schema the mirror's tables live in, created when missing (default " +
                         std::string(sync_mirror::default_schema) +
                         "); one holding tables other than a mirror's (the host's own) is refused")
        ->type_name("NAME");
    command->add_option("--entities", options->entities, "Entities to mirror, comma-separated, or all (default)")
        ->type_name("A,B|all");
    command
        ->add_option("--business", options->business,
                     "A business id, or all (default: the connection's BusinessId, else the lead business)")
        ->type_name("ID|all");
    command->add_option("--concurrency", options->concurrency, "Requests in flight per entity (1-16, default 4)")
        ->check(CLI::Range(1, 16));
    command->footer(std::string("Tables: one per entity (business_id, id, updated_at, record: the JSON as the service "
                                "sent it) and _sync_state (entity, state, saved_at), in the SQLite file or, on "
                                "PostgreSQL, in --schema. Exit 1 when an entity could not be synced completely (the "
                                "others are). ") +
                    form_help_footer());
    command->callback(
        [&chosen, options] { chosen = [options](host_context& ctx) { return run_sync(ctx, *options); }; });
}

} // namespace sample_host
