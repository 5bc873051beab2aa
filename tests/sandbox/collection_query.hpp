// Reads the filter and sort parameters of a request to an entity's collection into a record_query,
// accepting exactly what Sage's OpenAPI description declares for that entity: a declared filter with
// a bad value, or one of the sandbox's filters the entity does not declare (deleted_since on
// ledger_entries, say), is a problem answered 400, so a reader that sends it is caught.
#pragma once

#include "entity_catalog.hpp"
#include "http_message.hpp"
#include "pagination.hpp"
#include "record_store.hpp"

#include <variant>

namespace sage_sandbox {

std::variant<record_query, query_problem> read_record_query(const form_fields& query, const entity_kind& entity);

} // namespace sage_sandbox
