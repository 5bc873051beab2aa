#include "sage/sage_answers.hpp"

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

// $next is a path relative to the API base (or, defensively, an absolute URL on it); null at the end.
// A page past the end repeats the last page, so null is the only safe stop.
std::string next_request_path(std::string link, const endpoint& base)
{
    const std::string absolute_prefix = base.scheme + "://";
    if (link.rfind(absolute_prefix, 0) == 0) {
        const auto base_at = link.find(base.target);
        link = base_at == std::string::npos ? std::string() : link.substr(base_at + base.target.size());
    }
    if (!link.empty() && link.front() != '/')
        link.insert(link.begin(), '/');
    // Some links repeat the base path ("/v3.1/businesses?page=2"); requests add it themselves.
    std::string base_path = base.target;
    while (!base_path.empty() && base_path.back() == '/')
        base_path.pop_back();
    if (!base_path.empty() && link.rfind(base_path + "/", 0) == 0)
        link = link.substr(base_path.size());
    return link;
}

} // namespace

std::optional<sage_user> read_user(std::string_view body)
{
    const auto v = parse(body);
    if (!v || !v->is_object() || text(v->get_object(), "id").empty())
        return std::nullopt;
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

std::optional<businesses_page> read_businesses_page(std::string_view body, const endpoint& base)
{
    const auto v = parse(body);
    const json::value* items = nullptr;
    if (v && v->is_object())
        items = v->get_object().if_contains("$items");
    if (items == nullptr || !items->is_array())
        return std::nullopt;
    businesses_page page;
    for (const auto& item : items->get_array())
        if (item.is_object())
            page.items.push_back({text(item.get_object(), "id"), text(item.get_object(), "displayed_as")});
    if (const json::value* n = v->get_object().if_contains("$next"); n != nullptr && n->is_string())
        page.next = next_request_path(std::string(n->get_string()), base);
    return page;
}

} // namespace sage
