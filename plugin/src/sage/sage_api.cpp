#include "sage/sage_api.hpp"

#include <boost/json.hpp>

namespace sage {
namespace {

namespace json = boost::json;

std::optional<json::value> parse(std::string_view body)
{
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 32;
    json::value v = json::parse(body, ec, {}, options);
    if (ec)
        return std::nullopt;
    return v;
}

std::string text(const json::object& o, std::string_view key)
{
    const json::value* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

constexpr int max_pages = 20;

} // namespace

bool api_failure::has_data_code(std::string_view code) const noexcept
{
    for (const auto& e : errors)
        if (e.data_code == code)
            return true;
    return false;
}

std::vector<sage_error_item> parse_sage_errors(std::string_view body)
{
    std::vector<sage_error_item> items;
    const auto v = parse(body);
    if (!v)
        return items;
    // Sage answers with an array; a single object is accepted too.
    auto read_one = [&](const json::value& entry) {
        if (!entry.is_object())
            return;
        const auto& o = entry.get_object();
        sage_error_item item{text(o, "$severity"), text(o, "$dataCode"), text(o, "$message"), text(o, "$source")};
        if (!item.data_code.empty() || !item.message.empty())
            items.push_back(std::move(item));
    };
    if (v->is_array())
        for (const auto& entry : v->get_array())
            read_one(entry);
    else
        read_one(*v);
    return items;
}

sage_api::sage_api(http_client& http, endpoint base, std::function<void(std::string_view)> log)
    : http_(http), base_(std::move(base)), log_(std::move(log))
{
}

std::variant<http_response, api_failure> sage_api::get(const std::string& path_and_query,
                                                       const std::string& access_token)
{
    http_request request;
    request.url = base_;
    std::string base_path = base_.target;
    while (!base_path.empty() && base_path.back() == '/')
        base_path.pop_back();
    request.url.target = base_path + path_and_query;
    request.headers = {{"Authorization", "Bearer " + access_token}, {"Accept", "application/json"}};
    http_result result = http_.send(request);
    api_failure failure;
    if (!result.response) {
        failure.transport = result.failure;
        failure.transport_message = result.message;
        return failure;
    }
    http_response& response = *result.response;
    if (const auto id = response.header("x-request-id"))
        failure.request_id = std::string(*id);
    if (log_ && !failure.request_id.empty())
        log_("Sage request id " + failure.request_id + " for GET " +
             path_and_query.substr(0, path_and_query.find('?')) + " (HTTP " + std::to_string(response.status) + ")");
    if (response.status != 200) {
        failure.status = response.status;
        failure.errors = parse_sage_errors(response.body);
        return failure;
    }
    return std::move(response);
}

api_result<sage_user> sage_api::user(const std::string& access_token)
{
    auto got = get("/user", access_token);
    if (auto* failure = std::get_if<api_failure>(&got))
        return std::move(*failure);
    const auto v = parse(std::get<http_response>(got).body);
    if (!v || !v->is_object() || text(v->get_object(), "id").empty()) {
        api_failure failure;
        failure.status = 200;
        failure.malformed = true;
        return failure;
    }
    const auto& o = v->get_object();
    sage_user user{text(o, "id"), text(o, "displayed_as"), text(o, "email")};
    if (user.displayed_as.empty()) {
        user.displayed_as = text(o, "first_name");
        const std::string last = text(o, "last_name");
        if (!last.empty())
            user.displayed_as += (user.displayed_as.empty() ? "" : " ") + last;
    }
    return user;
}

api_result<std::vector<sage_business>> sage_api::businesses(const std::string& access_token)
{
    std::vector<sage_business> all;
    std::string next = "/businesses";
    for (int page = 0; page < max_pages && !next.empty(); ++page) {
        auto got = get(next, access_token);
        if (auto* failure = std::get_if<api_failure>(&got))
            return std::move(*failure);
        const auto v = parse(std::get<http_response>(got).body);
        const json::value* items = nullptr;
        if (v && v->is_object())
            items = v->get_object().if_contains("$items");
        if (items == nullptr || !items->is_array()) {
            api_failure failure;
            failure.status = 200;
            failure.malformed = true;
            return failure;
        }
        for (const auto& item : items->get_array()) {
            if (!item.is_object())
                continue;
            all.push_back({text(item.get_object(), "id"), text(item.get_object(), "displayed_as")});
        }
        // $next is a path relative to the API base (or, defensively, an absolute URL on it); null at the
        // end. A page past the end repeats the last page, so null is the only safe stop.
        next.clear();
        if (const json::value* n = v->get_object().if_contains("$next"); n != nullptr && n->is_string()) {
            std::string link(n->get_string());
            const std::string absolute_prefix = base_.scheme + "://";
            if (link.rfind(absolute_prefix, 0) == 0) {
                const auto base_at = link.find(base_.target);
                link = base_at == std::string::npos ? std::string() : link.substr(base_at + base_.target.size());
            }
            if (!link.empty() && link.front() != '/')
                link.insert(link.begin(), '/');
            // Some links repeat the base path ("/v3.1/businesses?page=2"); requests add it themselves.
            std::string base_path = base_.target;
            while (!base_path.empty() && base_path.back() == '/')
                base_path.pop_back();
            if (!base_path.empty() && link.rfind(base_path + "/", 0) == 0)
                link = link.substr(base_path.size());
            next = link;
        }
    }
    return all;
}

} // namespace sage
