#include "api_endpoints.hpp"

#include "collection_query.hpp"
#include "entity_catalog.hpp"
#include "error_bodies.hpp"
#include "pagination.hpp"

#include <cctype>

namespace sage_sandbox {
namespace {

const entity_kind* entity_of(std::string_view endpoint)
{
    const entity_kind* entity = find_entity(endpoint);
    return entity != nullptr ? entity : find_entity_by_record_endpoint(endpoint);
}

std::string_view area_of(std::string_view endpoint)
{
    if (const entity_kind* entity = entity_of(endpoint))
        return entity->area;
    if (endpoint == "businesses" || endpoint == "business")
        return "Settings";
    return "User";
}

bool starts_with_ci(std::string_view text, std::string_view prefix)
{
    if (text.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

std::optional<http_response> check_bearer(const http_request& request, api_context& context)
{
    const std::string_view authorization = request.header("Authorization");
    std::string_view message;
    if (!starts_with_ci(authorization, "Bearer ") || authorization.size() == 7) {
        message = "The access token is missing.";
    } else {
        std::string_view token = authorization.substr(7);
        while (!token.empty() && token.front() == ' ')
            token.remove_prefix(1);
        switch (context.tokens.check_access(token)) {
        case access_check::valid: return std::nullopt;
        case access_check::expired: message = "The access token has expired."; break;
        case access_check::revoked: message = "The access token has been revoked."; break;
        case access_check::unknown: message = "The access token is invalid."; break;
        }
    }
    context.count.add(counter::tokens_rejected);
    return api_error(401, data_code::authentication_failed, message);
}

std::optional<form_fields> query_of(const http_request& request)
{
    return parse_form(split_target(request.target).second);
}

http_response bad_query_encoding()
{
    return api_error(400, data_code::invalid_parameter, "The query string is not valid percent-encoding.");
}

http_response collection(const std::vector<boost::json::object>& records, std::string_view collection_path,
                         const http_request& request, envelope_spelling spelling)
{
    auto query = query_of(request);
    if (!query)
        return bad_query_encoding();
    auto params = read_page_params(*query);
    if (auto* problem = std::get_if<query_problem>(&params))
        return api_error(400, data_code::invalid_parameter, problem->message, problem->parameter);
    return json_response(200, make_page(records, std::get<page_params>(params), collection_path, *query, spelling));
}

http_response entity_collection(const entity_kind& entity, std::size_t business, const http_request& request,
                                const record_store& records, counters& count)
{
    auto query = query_of(request);
    if (!query)
        return bad_query_encoding();
    auto params = read_page_params(*query);
    if (auto* problem = std::get_if<query_problem>(&params))
        return api_error(400, data_code::invalid_parameter, problem->message, problem->parameter);
    auto filters = read_record_query(*query, entity);
    if (auto* problem = std::get_if<query_problem>(&filters))
        return api_error(400, data_code::invalid_parameter, problem->message, problem->parameter);
    const page_params& page = std::get<page_params>(params);
    const record_query& wanted = std::get<record_query>(filters);
    list_result found = records.list(business, entity, wanted, page.page, page.items_per_page);
    boost::json::array items;
    items.reserve(found.items.size());
    for (auto& item : found.items) {
        // Deletions are {"id","deleted_at"} whatever the attributes (see README.md).
        if (wanted.deleted_since_ms)
            items.emplace_back(std::move(item));
        else
            items.emplace_back(project(item, page.attributes));
    }
    count.add(counter::items_served, items.size());
    return json_response(200, make_envelope(found.total, found.page, page.items_per_page, std::move(items),
                                            "/" + std::string(entity.name), *query, envelope_spelling::camel_case));
}

} // namespace

http_response handle_api(const http_request& request, std::string_view endpoint, std::string_view path,
                         api_context& context)
{
    if (auto rejected = check_bearer(request, context))
        return std::move(*rejected);
    if (context.modes.subscription_ended)
        return api_error(401, data_code::authorization_failure, no_active_subscription_message);
    const entity_kind* forbidden_entity = entity_of(endpoint);
    if (context.modes.is_forbidden(endpoint) ||
        (forbidden_entity != nullptr && context.modes.is_forbidden(forbidden_entity->name)))
        return api_error(403, data_code::multi_user_access_denied,
                         "You do not have access to this area of Sage Accounting: " + std::string(area_of(endpoint)) +
                             ".");
    if (request.method != "GET") {
        http_response response =
            api_error(405, data_code::method_not_allowed, "The sandbox serves this resource read-only (GET).");
        response.headers.emplace("Allow", "GET");
        return response;
    }

    const seed_data& seed = context.seed;
    if (endpoint == "user")
        return json_response(200, seed.user);
    if (endpoint == "businesses")
        return collection(seed.businesses, "/businesses", request, envelope_spelling::snake_case);
    if (endpoint == "business") {
        const std::string_view key = path.substr(std::string_view("/businesses/").size());
        const boost::json::object* business = key == "lead" ? seed.business(seed.lead_business_id) : seed.business(key);
        if (business == nullptr)
            return api_error(404, data_code::record_not_found, "The business does not exist.");
        return json_response(200, *business);
    }

    const entity_kind* entity = entity_of(endpoint);
    if (entity == nullptr)
        return api_error(404, data_code::record_not_found, "No such resource.");

    // Business-scoped resources: X-Business selects the business (the lead one without it) and is
    // echoed in the response.
    std::string business_id(request.header("X-Business"));
    if (business_id.empty())
        business_id = seed.lead_business_id;
    const std::optional<std::size_t> business = context.records.business_index(business_id);
    if (!business)
        return api_error(404, data_code::record_not_found,
                         "The business named by X-Business does not exist or is not accessible to this user.",
                         "X-Business");
    http_response response;
    if (context.modes.is_business_forbidden(business_id)) {
        response = api_error(403, data_code::multi_user_access_denied,
                             "You do not have access to this area of Sage Accounting in this business: " +
                                 std::string(entity->area) + ".");
    } else if (endpoint == entity->name) {
        response = entity_collection(*entity, *business, request, context.records, context.count);
    } else {
        const std::string_view id = path.substr(entity->name.size() + 2); // "/sales_invoices/"
        auto record = context.records.find(*business, *entity, id);
        response = record ? json_response(200, *record)
                          : api_error(404, data_code::record_not_found,
                                      "The " + std::string(entity->record_endpoint) + " does not exist.");
    }
    response.headers.emplace("X-Business", business_id);
    return response;
}

} // namespace sage_sandbox
