#include "sage/sage_catalogue.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace sage {
namespace {

const boost::json::object& definitions()
{
    // Parsed on first use only: listing the catalogue never pays for the schemas.
    static const boost::json::object parsed = boost::json::parse(catalogue_data::definitions_json).as_object();
    return parsed;
}

std::vector<std::string> strings_of(std::span<const std::string_view> views)
{
    return {views.begin(), views.end()};
}

} // namespace

bool entity_spec::accepts_filter(std::string_view parameter) const noexcept
{
    return std::any_of(filters.begin(), filters.end(), [&](const filter_spec& f) { return f.name == parameter; });
}

bool entity_spec::sortable_by(std::string_view field) const noexcept
{
    return std::find(sort_fields.begin(), sort_fields.end(), field) != sort_fields.end();
}

std::span<const entity_spec> sage_catalogue() noexcept
{
    return catalogue_data::entities;
}

const entity_spec* find_entity(std::string_view name) noexcept
{
    const auto all = sage_catalogue();
    const auto it = std::find_if(all.begin(), all.end(), [&](const entity_spec& e) { return e.name == name; });
    return it == all.end() ? nullptr : &*it;
}

connector_sdk::entity_info to_entity_info(const entity_spec& entity)
{
    connector_sdk::entity_info info;
    info.name = entity.name;
    info.title = entity.title;
    info.primary_key = {std::string(entity.key_field)};
    info.cursor_field = entity.incremental ? "updated_at" : "";
    info.incremental = entity.incremental;
    info.deletions = entity.deletions;
    info.date_range = entity.date_range;
    info.search = entity.search;
    info.sort_fields = strings_of(entity.sort_fields);
    info.per_business = entity.per_business;
    info.tiers = strings_of(entity.tiers);
    for (const filter_spec& f : entity.filters)
        info.filters.push_back({std::string(f.name), std::string(f.type), std::string(f.description)});
    return info;
}

std::vector<std::string> record_fields(const entity_spec& entity)
{
    std::vector<std::string> fields;
    const auto* definition = definitions().if_contains(entity.definition);
    const auto* properties =
        definition && definition->is_object() ? definition->get_object().if_contains("properties") : nullptr;
    if (properties && properties->is_object())
        for (const auto& p : properties->get_object())
            fields.emplace_back(p.key());
    return fields;
}

std::string record_json_schema(const entity_spec& entity)
{
    boost::json::object defs;
    for (std::string_view name : entity.definitions)
        if (const auto* schema = definitions().if_contains(name))
            defs.emplace(name, *schema);
    boost::json::object document;
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    document["$id"] = "urn:sage-cloud-accounting:v3.1:" + std::string(entity.name);
    document["title"] = std::string(entity.title) + " (one record of /" + std::string(entity.name) + ")";
    document["$ref"] = "#/$defs/" + std::string(entity.definition);
    document["$defs"] = std::move(defs);
    return boost::json::serialize(document);
}

} // namespace sage
