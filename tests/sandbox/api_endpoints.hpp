// Sage's v3.1 API resources the connector reads, as request -> response functions: bearer checks,
// the subscription and role modes, X-Business selection and echo, /user, /businesses (+ /{id}, /lead),
// and every entity of entity_catalog (/contacts, /sales_invoices, ... + /{id}) with Sage's paging,
// attributes, filters and sorting over the record_store.
#pragma once

#include "counters.hpp"
#include "http_message.hpp"
#include "record_store.hpp"
#include "sandbox_modes.hpp"
#include "seed_data.hpp"
#include "token_authority.hpp"

#include <string_view>

namespace sage_sandbox {

struct api_context {
    token_authority& tokens;
    const seed_data& seed;
    const record_store& records;
    counters& count;
    const sandbox_modes& modes;
};

// `endpoint` is the route's name ("user", "businesses", "business", an entity's collection or record
// name); `path` the request path after "/v3.1".
http_response handle_api(const http_request& request, std::string_view endpoint, std::string_view path,
                         api_context& context);

} // namespace sage_sandbox
