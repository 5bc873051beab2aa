// `sample_host entities|schema|read CONNECTOR ...`: a connector's data through its data_access.v1
// extension — the catalogue, one entity's JSON Schema, and reads into NDJSON or CSV, resumable with
// a state file that is replaced only once the records it covers are on disk.
#include "commands/commands.hpp"

#include "commands/connector_session.hpp"
#include "commands/guarded_read_sink.hpp"
#include "commands/host_context.hpp"
#include "connectors/form_options.hpp"
#include "output/host_log.hpp"
#include "output/record_writer.hpp"
#include "output/text_table.hpp"
#include "runtime/host_error.hpp"
#include "security/private_file.hpp"

#include <connector_sdk/data_access.hpp>
#include <connector_support/iso8601.hpp>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include <unistd.h>

namespace sample_host {
namespace {

namespace json = boost::json;
namespace sdk = connector_sdk;

constexpr std::uintmax_t max_state_file = std::uintmax_t{2} * 1024 * 1024;

struct data_options {
    std::string connector_id;
    std::string entity;
    form_sources sources;
    std::string fields;
    std::vector<std::string> filters;
    std::string since;
    std::string state_file;
    bool deletions = false;
    std::optional<std::uint64_t> limit;
    int concurrency = 4;
    int page_size = 200;
    std::string business;
    std::string out_file;
    std::string format = "ndjson";
};

std::vector<std::string> split_list(const std::string& text)
{
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        if (comma > start)
            items.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return items;
}

std::string joined(const std::vector<std::string>& items)
{
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

json::object entity_json(const sdk::entity_info& e)
{
    json::array filters;
    for (const auto& f : e.filters)
        filters.push_back(json::object{{"name", f.name}, {"type", f.type}, {"description", f.description}});
    auto strings = [](const std::vector<std::string>& items) {
        json::array a;
        for (const auto& item : items)
            a.emplace_back(item);
        return a;
    };
    return json::object{{"name", e.name},
                        {"title", e.title},
                        {"primary_key", strings(e.primary_key)},
                        {"cursor_field", e.cursor_field.empty() ? json::value(nullptr) : json::value(e.cursor_field)},
                        {"incremental", e.incremental},
                        {"deletions", e.deletions},
                        {"date_range", e.date_range},
                        {"search", e.search},
                        {"sort_fields", strings(e.sort_fields)},
                        {"per_business", e.per_business},
                        {"tiers", strings(e.tiers)},
                        {"filters", std::move(filters)}};
}

int run_entities(host_context& ctx, const data_options& options)
{
    connector_session session(ctx, options.connector_id, options.sources);
    const auto listed = session.data_access().list_entities(session.values());
    if (!listed.ok())
        throw host_error(listed.message);
    if (ctx.out().json()) {
        json::array list;
        for (const auto& e : listed.entities)
            list.push_back(entity_json(e));
        ctx.out().document(json::object{{"connector", options.connector_id}, {"entities", std::move(list)}});
        return 0;
    }
    text_table table({"ENTITY", "TITLE", "INCREMENTAL", "DELETIONS", "DATES", "SEARCH", "SORT", "FILTERS"});
    for (const auto& e : listed.entities) {
        std::vector<std::string> filter_names;
        for (const auto& f : e.filters)
            filter_names.push_back(f.name);
        table.add_row({e.name, e.title, e.incremental ? "yes" : "no", e.deletions ? "yes" : "no",
                       e.date_range ? "yes" : "no", e.search ? "yes" : "no", joined(e.sort_fields),
                       joined(filter_names)});
    }
    ctx.out().line(table.render());
    ctx.out().line(std::to_string(listed.entities.size()) + " entities");
    return 0;
}

int run_schema(host_context& ctx, const data_options& options)
{
    connector_session session(ctx, options.connector_id, options.sources);
    const auto described = session.data_access().describe_entity(session.values(), options.entity);
    if (!described.ok())
        throw host_error(described.message);
    boost::system::error_code ec;
    json::value schema = json::parse(described.json_schema, ec);
    if (ec)
        throw host_error("the connector described " + options.entity + " with a schema that is not JSON");
    ctx.out().document(std::move(schema)); // JSON in both modes: a schema is for machines
    return 0;
}

// The state file: the connector's opaque state and how long the output file was when it was saved.
struct saved_state {
    std::string state;
    std::string output_file; // absolute; "" when the records went to standard output
    std::optional<std::uint64_t> output_bytes;
};

std::optional<saved_state> load_state(const std::string& file)
{
    std::error_code error;
    if (file.empty() || !std::filesystem::exists(file, error))
        return std::nullopt;
    if (std::filesystem::file_size(file, error) > max_state_file)
        throw host_error("the state file " + file + " is larger than 2 MiB: it is not one sample_host wrote");
    std::ifstream in(file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    boost::system::error_code ec;
    const json::value doc = json::parse(text, ec);
    const auto* o = ec ? nullptr : doc.if_object();
    const auto* state = o ? o->if_contains("state") : nullptr;
    if (state == nullptr || !state->is_string())
        throw host_error("the state file " + file +
                         " is not one sample_host read wrote: give another --state file, "
                         "or remove it to read from the start");
    saved_state saved{std::string(state->get_string()), {}, std::nullopt};
    const auto* output = o->if_contains("output_file");
    const auto* bytes = o->if_contains("output_bytes");
    if (output && output->is_string() && bytes && bytes->is_int64() && bytes->get_int64() >= 0) {
        saved.output_file = output->get_string();
        saved.output_bytes = static_cast<std::uint64_t>(bytes->get_int64());
    }
    return saved;
}

void store_state(const std::string& file, std::string_view state, const std::string& output_file,
                 std::uint64_t output_bytes)
{
    json::object doc{{"state", state}};
    if (!output_file.empty()) {
        doc["output_file"] = output_file;
        doc["output_bytes"] = output_bytes;
    }
    const std::string text = json::serialize(doc) + "\n";
    publish_private_file(file, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, publish_mode::replace,
                         "the read state");
}

// The host's side of a read: records to the writer; at each checkpoint the writer is made durable,
// then the state file replaced; a progress line on a terminal.
class read_sink final : public guarded_read_sink {
public:
    read_sink(record_writer& writer, std::string state_file, std::string output_file, bool progress)
        : writer_(writer), state_file_(std::move(state_file)), output_file_(std::move(output_file)),
          progress_(progress), started_(std::chrono::steady_clock::now())
    {
    }

    bool on_records(const sdk::record_batch& batch) noexcept override
    {
        return keep_going([&] {
            for (const auto& record : batch.records)
                writer_.write_record(record);
        });
    }
    bool on_deletions(const sdk::deletion_batch& batch) noexcept override
    {
        return keep_going([&] {
            for (const auto& id : batch.ids)
                writer_.write_deletion(id);
        });
    }
    // Records reach the output at every checkpoint; the state file (with an fsync of the output
    // before it) is replaced at most once a second, and finish() saves the last one: a killed read
    // loses at most a second of work, and a read of many small pages is not slowed by fsyncs.
    bool on_checkpoint(std::string_view state) noexcept override
    {
        return keep_going([&] {
            if (state_file_.empty()) {
                writer_.flush();
                return;
            }
            latest_.assign(state);
            const auto now = std::chrono::steady_clock::now();
            if (saved_ && now - last_saved_ < save_interval) {
                writer_.flush();
                return;
            }
            save(now);
        });
    }

    // At the end of the read: the output made durable and the last checkpoint's state saved.
    void finish()
    {
        if (problem())
            return; // what came after the last saved state is read again next time
        if (!state_file_.empty() && latest_ != saved_state_)
            save(std::chrono::steady_clock::now());
        else
            writer_.make_durable();
    }
    void on_progress(const sdk::read_progress& progress) noexcept override
    {
        if (!progress_)
            return;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        const double rate = seconds > 0 ? static_cast<double>(progress.records) / seconds : 0.0;
        std::string line = "\r" + std::to_string(progress.records) + " records, " + std::to_string(progress.pages) +
                           " pages, " + std::to_string(static_cast<long long>(rate)) + " records/s";
        if (progress.expected_records && rate > 0 && *progress.expected_records > progress.records)
            line += ", about " +
                    std::to_string(static_cast<long long>(
                        static_cast<double>(*progress.expected_records - progress.records) / rate)) +
                    " s left";
        (void)std::fputs((line + "   ").c_str(), stderr);
    }

private:
    void save(std::chrono::steady_clock::time_point now)
    {
        const std::uint64_t bytes = writer_.make_durable();
        store_state(state_file_, latest_, output_file_, bytes);
        saved_state_ = latest_;
        saved_ = true;
        last_saved_ = now;
    }

    static constexpr std::chrono::seconds save_interval{1};
    record_writer& writer_;
    std::string state_file_;
    std::string output_file_;
    std::string latest_;      // the last checkpoint's state
    std::string saved_state_; // the state in the file
    bool saved_ = false;
    std::chrono::steady_clock::time_point last_saved_;
    bool progress_;
    std::chrono::steady_clock::time_point started_;
};

sdk::read_request request_of(const data_options& options, const std::optional<saved_state>& saved)
{
    sdk::read_request request;
    request.entity = options.entity;
    request.fields = split_list(options.fields);
    for (const auto& filter : options.filters) {
        const auto equals = filter.find('=');
        if (equals == std::string::npos || equals == 0)
            throw usage_error("--filter takes KEY=VALUE; got '" + filter + "'");
        request.filters.push_back({filter.substr(0, equals), filter.substr(equals + 1)});
    }
    if (!options.since.empty()) {
        request.start_time = connector_support::parse_iso8601(options.since);
        if (!request.start_time)
            throw usage_error("--since takes an ISO-8601 date or instant such as 2026-01-31 or 2026-01-31T09:00:00Z; "
                              "got '" +
                              options.since + "'");
    }
    if (saved)
        request.state = saved->state;
    request.page_size = options.page_size;
    request.limit = options.limit;
    request.deletions = options.deletions;
    request.business = options.business;
    request.concurrency = options.concurrency;
    return request;
}

// What the command line asks of one entity, checked against the catalogue and the entity's schema
// (no network) so that a mistyped entity, field or filter is a usage error (exit 2) naming what exists.
struct entity_facts {
    sdk::entity_info info;
    std::vector<std::string> fields; // the record's top-level fields, in the schema's order
};

entity_facts facts_of(const data_options& options, sdk::data_access& data, const sdk::form_values& form)
{
    const auto described = data.describe_entity(form, options.entity);
    if (!described.ok())
        throw usage_error(described.message);
    const auto listed = data.list_entities(form);
    if (!listed.ok())
        throw host_error(listed.message);
    entity_facts facts;
    const auto it = std::find_if(listed.entities.begin(), listed.entities.end(),
                                 [&](const sdk::entity_info& e) { return e.name == options.entity; });
    if (it == listed.entities.end())
        throw usage_error("the connector has no entity '" + options.entity + "': see `sample_host entities " +
                          options.connector_id + "`");
    facts.info = *it;
    boost::system::error_code ec;
    const json::value schema = json::parse(described.json_schema, ec);
    const auto* ref = ec ? nullptr : schema.as_object().if_contains("$ref");
    const json::object* record = schema.if_object();
    if (ref != nullptr && ref->is_string()) {
        const std::string text(ref->get_string());
        const auto* defs = schema.as_object().if_contains("$defs");
        const auto* definition =
            defs && defs->is_object() ? defs->get_object().if_contains(text.substr(text.rfind('/') + 1)) : nullptr;
        record = definition ? definition->if_object() : nullptr;
    }
    const auto* properties = record ? record->if_contains("properties") : nullptr;
    if (properties == nullptr || !properties->is_object())
        throw host_error("the connector described " + options.entity + " with a schema that lists no fields");
    for (const auto& p : properties->get_object())
        facts.fields.emplace_back(p.key());
    return facts;
}

// The command line's options that stand for a query parameter the reader sets itself.
std::string option_instead_of(std::string_view parameter)
{
    if (parameter == "updated_or_created_since")
        return ": give --since, or --state to go on from the last read";
    if (parameter == "deleted_since")
        return ": give --deletions with --state";
    if (parameter == "page" || parameter == "items_per_page")
        return ": give --page-size";
    if (parameter == "attributes")
        return ": give --fields";
    if (parameter == "sort")
        return ": the reader chooses the order that loses no record";
    return {};
}

void check_request(const data_options& options, const entity_facts& facts)
{
    for (const auto& field : split_list(options.fields))
        if (std::find(facts.fields.begin(), facts.fields.end(), field) == facts.fields.end())
            throw usage_error(facts.info.title + " records have no field '" + field + "': `sample_host schema " +
                              options.connector_id + " " + options.entity + "` lists them");
    std::vector<std::string> known;
    for (const auto& f : facts.info.filters)
        known.push_back(f.name);
    if (facts.info.date_range) {
        known.emplace_back("from_date");
        known.emplace_back("to_date");
    }
    if (facts.info.search)
        known.emplace_back("search");
    for (const auto& filter : options.filters) {
        const std::string name = filter.substr(0, filter.find('='));
        if (std::find(known.begin(), known.end(), name) != known.end())
            continue;
        std::string why = option_instead_of(name);
        if (why.empty())
            why = known.empty() ? ": it takes none" : ": the filters it takes are " + joined(known);
        std::string message = "--filter " + name;
        message += " is not a filter of ";
        message += options.entity;
        message += why;
        throw usage_error(message);
    }
}

// The CSV columns: the fields asked for, else every field the entity's schema lists; the primary key
// first.
std::vector<std::string> csv_columns(const data_options& options, const entity_facts& facts)
{
    std::vector<std::string> columns = split_list(options.fields);
    if (columns.empty())
        columns = facts.fields;
    for (auto key = facts.info.primary_key.rbegin(); key != facts.info.primary_key.rend(); ++key) {
        columns.erase(std::remove(columns.begin(), columns.end(), *key), columns.end());
        columns.insert(columns.begin(), *key);
    }
    if (options.deletions)
        columns.emplace_back("_deleted");
    return columns;
}

int run_read(host_context& ctx, const data_options& options)
{
    connector_session session(ctx, options.connector_id, options.sources);
    sdk::data_access& data = session.data_access();
    const auto saved = load_state(options.state_file);
    const sdk::read_request request = request_of(options, saved);
    const entity_facts facts = facts_of(options, data, session.values());
    check_request(options, facts);
    const record_format format = options.format == "csv" ? record_format::csv : record_format::ndjson;
    const auto columns = format == record_format::csv ? csv_columns(options, facts) : std::vector<std::string>{};
    // With the state of a read into the same file, the file goes on from where that state left it.
    const std::string output_file = options.out_file.empty()
                                        ? std::string()
                                        : std::filesystem::absolute(options.out_file).lexically_normal().string();
    const bool same_output = saved && !output_file.empty() && saved->output_file == output_file;
    std::unique_ptr<record_writer> writer =
        output_file.empty() ? std::make_unique<record_writer>(format, columns)
                            : std::make_unique<record_writer>(format, columns, output_file,
                                                              same_output ? saved->output_bytes : std::nullopt);
    read_sink sink(*writer, options.state_file, output_file, ::isatty(2) == 1);
    const auto started = std::chrono::steady_clock::now();
    const sdk::read_result result = data.read(session.values(), request, sink);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (::isatty(2) == 1)
        (void)std::fputs("\n", stderr);
    sink.finish();

    const std::string summary =
        options.entity + ": " + std::to_string(result.counters.records) + " records, " +
        std::to_string(result.counters.deletions) + " deletions, " + std::to_string(result.counters.pages) +
        " pages, " + std::to_string(result.counters.requests) + " requests, " +
        std::to_string(result.counters.retries) + " retries in " +
        std::to_string(static_cast<long long>(seconds * 1000)) + " ms" + (result.complete ? "" : " (not complete)");
    ctx.log().write(sdk::log_level::info, "host", "READ " + options.connector_id + " " + summary);
    for (const auto& warning : result.warnings)
        ctx.out().warning("business " + warning.business_id + " skipped: " + warning.message);
    if (sink.problem())
        throw host_error("the read stopped: " + *sink.problem());
    if (result.category != sdk::error_category::none)
        throw host_error("the read of " + options.entity + " failed (" + std::string(sdk::to_string(result.category)) +
                         "): " + result.message +
                         (options.state_file.empty() ? std::string()
                                                     : "; run it again with the same --state to go on from "
                                                       "the last checkpoint"));
    ctx.out().note(summary);
    return 0;
}

void add_data_options(CLI::App& command, data_options& options)
{
    command.add_option("--fields", options.fields, "Fields to read, comma-separated (default: all)")->type_name("A,B");
    command.add_option("--filter", options.filters, "A server-side filter the entity declares (repeatable)")
        ->type_name("KEY=VALUE");
    command.add_option("--since", options.since, "Without a state: only records changed since (ISO 8601)")
        ->type_name("INSTANT");
    command
        .add_option("--state", options.state_file,
                    "Read the state here at the start; replace it (atomically) at most once a second and at the "
                    "end, each time once the records before it are on disk")
        ->type_name("FILE");
    command.add_flag("--deletions", options.deletions,
                     "Also report records deleted since the state's cursor: {\"id\": ..., \"_deleted\": true}");
    command.add_option("--limit", options.limit, "Stop after this many records")->check(CLI::PositiveNumber);
    command.add_option("--concurrency", options.concurrency, "Requests in flight (1-16, default 4)")
        ->check(CLI::Range(1, 16));
    command.add_option("--page-size", options.page_size, "Records per request (1-200, default 200)")
        ->check(CLI::Range(1, 200));
    command
        .add_option("--business", options.business,
                    "A business id, or all (default: the connection's BusinessId, else the lead business)")
        ->type_name("ID|all");
    command.add_option("--out", options.out_file, "Write the records to this file (default: standard output)")
        ->type_name("FILE");
    command.add_option("--format", options.format, "ndjson (default: one record per line as Sage sent it) or csv")
        ->check(CLI::IsMember({"ndjson", "csv"}));
}

} // namespace

void add_data_commands(CLI::App& app, command_action& chosen)
{
    auto entities = std::make_shared<data_options>();
    auto* list = add_connector_form_subcommand(app, "entities",
                                               "List the entities a connector can read: incremental, deletions, "
                                               "date ranges, search, sort and filters of each",
                                               entities->connector_id, entities->sources);
    list->callback(
        [&chosen, entities] { chosen = [entities](host_context& ctx) { return run_entities(ctx, *entities); }; });

    auto schema = std::make_shared<data_options>();
    auto* describe = add_connector_form_subcommand(app, "schema", "Print the JSON Schema of one entity's records",
                                                   schema->connector_id, schema->sources);
    describe->add_option("entity", schema->entity, "The entity, e.g. contacts")->required()->type_name("ENTITY");
    describe->callback(
        [&chosen, schema] { chosen = [schema](host_context& ctx) { return run_schema(ctx, *schema); }; });

    auto read = std::make_shared<data_options>();
    auto* reading = add_connector_form_subcommand(
        app, "read",
        "Read one entity: NDJSON (or CSV) on standard output or --out, resumable with --state (a read killed at "
        "any moment and run again loses nothing)",
        read->connector_id, read->sources);
    reading->add_option("entity", read->entity, "The entity, e.g. contacts")->required()->type_name("ENTITY");
    add_data_options(*reading, *read);
    reading->footer(std::string("Exit 1 when the read failed (the state file keeps the last checkpoint). ") +
                    form_help_footer());
    reading->callback([&chosen, read] { chosen = [read](host_context& ctx) { return run_read(ctx, *read); }; });
}

} // namespace sample_host
