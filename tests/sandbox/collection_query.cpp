#include "collection_query.hpp"

#include "sandbox_clock.hpp"

namespace sage_sandbox {
namespace {

constexpr std::int64_t ms_per_day = 86400000;

query_problem undeclared(const entity_kind& entity, std::string_view parameter)
{
    return {std::string(parameter), "/" + std::string(entity.name) + " does not accept '" + std::string(parameter) +
                                        "' (Sage's API description declares no such parameter for it)."};
}

query_problem bad_time(std::string_view parameter)
{
    return {std::string(parameter), std::string(parameter) +
                                        " must be an ISO 8601 date or date-time, e.g. 2024-05-01 or "
                                        "2024-05-01T10:00:00+01:00."};
}

std::int64_t day_of(std::int64_t ms)
{
    return ms >= 0 ? ms / ms_per_day : (ms - ms_per_day + 1) / ms_per_day;
}

} // namespace

std::variant<record_query, query_problem> read_record_query(const form_fields& query, const entity_kind& entity)
{
    record_query out;
    if (auto since = form_value(query, "updated_or_created_since")) {
        if (!entity.incremental)
            return undeclared(entity, "updated_or_created_since");
        out.updated_or_created_since_ms = parse_iso8601_ms(*since);
        if (!out.updated_or_created_since_ms)
            return bad_time("updated_or_created_since");
    }
    if (auto since = form_value(query, "deleted_since")) {
        if (!entity.deletions)
            return undeclared(entity, "deleted_since");
        out.deleted_since_ms = parse_iso8601_ms(*since);
        if (!out.deleted_since_ms)
            return bad_time("deleted_since");
    }
    for (const char* name : {"from_date", "to_date"}) {
        auto value = form_value(query, name);
        if (!value)
            continue;
        // ledger_accounts declares from_date/to_date to compute balances, not to filter: accepted, no effect.
        if (!entity.date_range && entity.name != "ledger_accounts")
            return undeclared(entity, name);
        auto ms = parse_iso8601_ms(*value);
        if (!ms)
            return bad_time(name);
        if (entity.date_range)
            (std::string_view(name) == "from_date" ? out.from_day : out.to_day) = day_of(*ms);
    }
    if (auto search = form_value(query, "search")) {
        if (!entity.search)
            return undeclared(entity, "search");
        out.search = *search;
    }
    for (const auto& [name, value] : query) {
        // contact_id, bank_account_id, ledger_account_id, transaction_id where declared.
        if (name.size() > 3 && name.ends_with("_id") && entity.filters_by_id(name))
            out.links.emplace_back(name.substr(0, name.size() - 3), value);
    }
    if (auto sort = form_value(query, "sort")) {
        if (entity.sort_fields.empty())
            return undeclared(entity, "sort");
        std::string_view text = *sort;
        const std::size_t colon = text.find(':');
        const std::string_view field = text.substr(0, colon);
        const std::string_view direction = colon == std::string_view::npos ? "asc" : text.substr(colon + 1);
        if (!entity.sorts_by(field) || (direction != "asc" && direction != "desc"))
            return query_problem{"sort", "sort must be one of " + std::string(entity.sort_fields) +
                                             ", optionally followed by :asc or :desc."};
        out.sort_field = std::string(field);
        out.descending = direction == "desc";
    }
    return out;
}

} // namespace sage_sandbox
