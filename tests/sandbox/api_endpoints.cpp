#include "api_endpoints.hpp"

#include "error_bodies.hpp"
#include "pagination.hpp"

#include <cctype>

namespace sage_sandbox {
namespace {

std::string_view area_of(std::string_view endpoint)
{
    if (endpoint == "contacts" || endpoint == "contact")
        return "Contacts";
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

http_response collection(const std::vector<boost::json::object>& records, std::string_view collection_path,
                         const http_request& request, envelope_spelling spelling)
{
    auto query = parse_form(split_target(request.target).second);
    if (!query)
        return api_error(400, data_code::invalid_parameter, "The query string is not valid percent-encoding.");
    auto params = read_page_params(*query);
    if (auto* problem = std::get_if<query_problem>(&params))
        return api_error(400, data_code::invalid_parameter, problem->message, problem->parameter);
    return json_response(200, make_page(records, std::get<page_params>(params), collection_path, *query, spelling));
}

const boost::json::object* find_by_id(const std::vector<boost::json::object>& records, std::string_view id)
{
    for (const auto& record : records)
        if (record.at("id").as_string() == id)
            return &record;
    return nullptr;
}

} // namespace

http_response handle_api(const http_request& request, std::string_view endpoint, std::string_view path,
                         api_context& context)
{
    if (auto rejected = check_bearer(request, context))
        return std::move(*rejected);
    if (context.modes.subscription_ended)
        return api_error(401, data_code::authorization_failure, no_active_subscription_message);
    if (context.modes.is_forbidden(endpoint))
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

    // Business-scoped resources: X-Business selects the business (the lead one without it) and is
    // echoed in the response.
    std::string business_id(request.header("X-Business"));
    if (business_id.empty())
        business_id = seed.lead_business_id;
    auto contacts = seed.contacts.find(business_id);
    if (contacts == seed.contacts.end())
        return api_error(404, data_code::record_not_found,
                         "The business named by X-Business does not exist or is not accessible to this user.",
                         "X-Business");
    http_response response;
    if (endpoint == "contacts") {
        response = collection(contacts->second, "/contacts", request, envelope_spelling::camel_case);
    } else {
        const std::string_view id = path.substr(std::string_view("/contacts/").size());
        const boost::json::object* contact = find_by_id(contacts->second, id);
        response = contact == nullptr ? api_error(404, data_code::record_not_found, "The contact does not exist.")
                                      : json_response(200, *contact);
    }
    response.headers.emplace("X-Business", business_id);
    return response;
}

} // namespace sage_sandbox
