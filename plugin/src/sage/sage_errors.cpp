#include "sage/sage_errors.hpp"

#include <boost/json.hpp>

namespace sage {
namespace {

namespace json = boost::json;

std::string text(const json::object& o, std::string_view key)
{
    const json::value* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

} // namespace

std::vector<sage_error_item> parse_sage_errors(std::string_view body)
{
    std::vector<sage_error_item> items;
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 32;
    const json::value v = json::parse(body, ec, {}, options);
    if (ec)
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
    if (v.is_array())
        for (const auto& entry : v.get_array())
            read_one(entry);
    else
        read_one(v);
    return items;
}

} // namespace sage
