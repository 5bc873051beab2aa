// Extension "data_access.v1" (since SDK 1.1): reading a connected service's data — a catalogue of
// entities, the JSON Schema of each, and resumable reads that hand batches of records, deleted ids
// and checkpoints to a sink the host provides. Shaped as Airbyte, Singer and Fivetran connectors are
// (catalogue, records, state). Reached with find_extension<data_access>(connector) or
// connector::query_extension(data_access::id); the pointer lives as long as the connector.
#pragma once

#include <connector_sdk/error_category.hpp>
#include <connector_sdk/form.hpp>
#include <connector_sdk/version.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CONNECTOR_SDK_BEGIN_NAMESPACE

// A server-side filter an entity accepts besides the ones data_access handles itself (incremental
// cursor, deletions, paging, field selection).
struct entity_filter {
    std::string name;        // the query parameter, e.g. "contact_type_id"
    std::string type;        // "string" | "boolean" | "integer" | "date" | "date-time"
    std::string description; // what it does, from the service's own description
};

// One entity of the catalogue. Reading it needs no knowledge beyond this.
struct entity_info {
    std::string name;                     // the service's collection name, e.g. "sales_invoices"
    std::string title;                    // for people, e.g. "Sales Invoices"
    std::vector<std::string> primary_key; // fields that identify a record, e.g. {"id"}
    std::string cursor_field;             // the field incremental reads follow ("updated_at"); "" if none
    bool incremental = false;             // reads can start from a cursor (only changed records)
    bool deletions = false;               // deleted records can be reported since a time
    bool date_range = false;              // accepts from_date / to_date filters
    bool search = false;                  // accepts a free-text "search" filter
    std::vector<std::string> sort_fields; // fields the service can sort by; empty when it cannot
    bool per_business = true;             // scoped to one business (reads can span all of them)
    std::vector<std::string> tiers;       // product tiers that have it, e.g. "Accounting Start"
    std::vector<entity_filter> filters;   // further server-side filters
};

struct entity_list_result {
    error_category category = error_category::none; // none when `entities` is the catalogue
    std::string message;
    std::vector<entity_info> entities;

    [[nodiscard]] bool ok() const noexcept { return category == error_category::none; }
};

struct entity_schema_result {
    error_category category = error_category::none;
    std::string message;
    std::string json_schema; // a JSON Schema (draft 2020-12) document of one record

    [[nodiscard]] bool ok() const noexcept { return category == error_category::none; }
};

// What to read. Every member has a default that reads everything once.
struct read_request {
    std::string entity;                                 // an entity_info::name
    std::vector<std::string> fields;                    // the record fields wanted; empty: all of them
    std::vector<key_value> filters;                     // server-side filters, by entity_filter::name
    std::string state;                                  // the opaque state of a checkpoint, to resume; "" to start
    std::optional<std::chrono::sys_seconds> start_time; // with no state: only records changed since
    int page_size = 200;                                // records per request, 1..200
    std::optional<std::uint64_t> limit;                 // stop after this many records (the read is then not complete)
    bool deletions = false;                             // also report records deleted since the state's cursor
    std::string business; // "" the connection's business (or the lead one), an id, or "all"
    int concurrency = 4;  // requests in flight for this read, 1..16 (within the service's budget)
};

// A batch of records of one entity and business, in the order the service returned them.
struct record_batch {
    std::string_view entity;
    std::string_view business_id;
    std::vector<std::string> records; // each one JSON object, as the service sent it
};

struct deletion_batch {
    std::string_view entity;
    std::string_view business_id;
    std::vector<std::string> ids; // primary keys of records deleted since the previous read
};

struct read_progress {
    std::uint64_t records = 0;
    std::uint64_t pages = 0;
    std::optional<std::uint64_t> expected_records; // when the service said how many there are
};

// The host's side of a read. Calls come from the reading thread, one at a time, in order. A method
// returning false stops the read: it ends as soon as possible, not complete, with the state of the
// last checkpoint delivered.
class read_sink {
public:
    [[nodiscard]] virtual bool on_records(const record_batch& batch) noexcept = 0;
    [[nodiscard]] virtual bool on_deletions(const deletion_batch& batch) noexcept = 0;
    // Every record and deletion delivered before this call is covered by `state`: once the host has
    // made them durable, it may persist `state` and resume from it later, losing nothing.
    [[nodiscard]] virtual bool on_checkpoint(std::string_view state) noexcept = 0;
    virtual void on_progress(const read_progress& progress) noexcept { (void)progress; }

protected:
    ~read_sink() = default;
};

struct read_counters {
    std::uint64_t records = 0;   // records delivered
    std::uint64_t deletions = 0; // deleted ids delivered
    std::uint64_t pages = 0;     // pages of records read
    std::uint64_t requests = 0;  // HTTP requests made (token requests excluded)
    std::uint64_t retries = 0;   // requests repeated after 429, 5xx or a lost connection
};

// Something that did not stop the read but a person should know (an entity or business skipped).
struct read_warning {
    std::string business_id;
    error_category category = error_category::none;
    std::string message;
};

struct read_result {
    bool complete = false; // every record asked for was delivered (no stop, no limit, no failure)
    error_category category = error_category::none; // why the read stopped early, if it failed
    std::string message;                            // the cause and the remedy; never a secret
    std::string state;                              // resume from here (the last checkpoint)
    read_counters counters;
    std::vector<read_warning> warnings;
};

// Every method is noexcept and thread-safe, like the connector's. Reads check the licence as TEST does.
class data_access {
public:
    static constexpr std::string_view id = "data_access.v1";

    // The catalogue. Needs no network.
    [[nodiscard]] virtual entity_list_result list_entities(const form_values& form) noexcept = 0;

    // The JSON Schema of one entity's records. Needs no network.
    [[nodiscard]] virtual entity_schema_result describe_entity(const form_values& form,
                                                               std::string_view entity) noexcept = 0;

    // Reads one entity as `request` says, handing what it reads to `sink`. Blocks until done.
    [[nodiscard]] virtual read_result read(const form_values& form, const read_request& request,
                                           read_sink& sink) noexcept = 0;

protected:
    ~data_access() = default; // owned by the connector, never deleted through this interface
};

CONNECTOR_SDK_END_NAMESPACE
