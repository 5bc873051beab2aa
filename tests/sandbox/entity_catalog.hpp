// The business-scoped collections the sandbox serves with generated data, and the query parameters
// each one accepts, as Sage's OpenAPI description (accounts-v3.1.swagger.json) declares them.
#pragma once

#include <string_view>
#include <vector>

namespace sage_sandbox {

struct entity_kind {
    std::string_view name;            // the collection: "sales_invoices" (/v3.1/sales_invoices)
    std::string_view record_endpoint; // the endpoint name of /v3.1/sales_invoices/{id}: "sales_invoice"
    std::string_view area;            // the role area a 403 names ("Sales")
    std::string_view date_field;      // the document date from_date/to_date filter on, "" when none
    bool incremental = false;         // updated_or_created_since
    bool deletions = false;           // deleted_since
    bool date_range = false;          // from_date, to_date
    bool search = false;              // search
    std::string_view sort_fields;     // "created_at,updated_at,date": what `sort` accepts; "" = no sort
    std::string_view id_filters;      // "contact_id,bank_account_id": X_id keeps records whose X.id equals it

    [[nodiscard]] bool sorts_by(std::string_view field) const;
    [[nodiscard]] bool filters_by_id(std::string_view parameter) const;
};

// Every entity, in a fixed order (the order of their business-specific generation seeds).
const std::vector<entity_kind>& entities();

// nullptr when `name` is no entity's collection name.
const entity_kind* find_entity(std::string_view name);

// nullptr when `endpoint` is no entity's record endpoint name.
const entity_kind* find_entity_by_record_endpoint(std::string_view endpoint);

} // namespace sage_sandbox
