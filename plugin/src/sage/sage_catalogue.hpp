// The catalogue of Sage's collections the connector can read: generated at build time from Sage's
// OpenAPI descriptions (plugin/sage_openapi/, by plugin/tools/generate_sage_catalogue.py), so every
// entity, filter, sort field, product tier and record schema is what Sage itself declares.
#pragma once

#include <connector_sdk/data_access.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sage {

struct filter_spec {
    std::string_view name;
    std::string_view type; // "string" | "boolean" | "integer" | "date" | "date-time"
    std::string_view description;
};

// One collection as Sage's description declares it.
struct entity_spec {
    std::string_view name;          // the collection's path below the API base: "sales_invoices"
    std::string_view title;         // "Sales Invoices"
    std::string_view definition;    // the record's definition: "SalesInvoice"
    std::string_view page_size_key; // the envelope's spelling: "$itemsPerPage" ("$items_per_page" for businesses)
    bool incremental;               // updated_or_created_since (inclusive)
    bool deletions;                 // deleted_since (exclusive)
    bool date_range;                // from_date / to_date
    bool search;
    bool paged;        // takes page / items_per_page (/businesses does not)
    bool per_business; // X-Business applies
    std::span<const std::string_view> sort_fields;
    std::span<const std::string_view> tiers;
    std::span<const filter_spec> filters;
    std::span<const std::string_view> definitions; // every definition a record reaches, itself included
    std::string_view key_field; // the primary key: "id", or "$path" for records without one (exchange rates)

    [[nodiscard]] bool accepts_filter(std::string_view parameter) const noexcept;
    [[nodiscard]] bool sortable_by(std::string_view field) const noexcept;
};

namespace catalogue_data { // the generated part
extern const std::span<const entity_spec> entities;
extern const std::string_view definitions_json; // {"Name": JSON Schema, ...}
} // namespace catalogue_data

// Every entity, in the description's order.
[[nodiscard]] std::span<const entity_spec> sage_catalogue() noexcept;

// The entity named `name` (exact, lower case), or nullptr.
[[nodiscard]] const entity_spec* find_entity(std::string_view name) noexcept;

// The entity as the SDK's catalogue shows it.
[[nodiscard]] connector_sdk::entity_info to_entity_info(const entity_spec& entity);

// The top-level fields of a record of `entity`, as its definition lists them.
[[nodiscard]] std::vector<std::string> record_fields(const entity_spec& entity);

// A JSON Schema (draft 2020-12) document of one record of `entity`, with the definitions it reaches.
[[nodiscard]] std::string record_json_schema(const entity_spec& entity);

} // namespace sage
