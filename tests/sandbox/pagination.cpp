#include "pagination.hpp"

#include <boost/json/array.hpp>

#include <charconv>
#include <cstdint>

namespace sage_sandbox {
namespace {

std::optional<std::size_t> whole_number(std::string_view text)
{
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return n;
}

std::string page_link(std::string_view collection_path, const form_fields& query, std::size_t page,
                      std::size_t items_per_page)
{
    std::string link(collection_path);
    link += "?page=" + std::to_string(page) + "&items_per_page=" + std::to_string(items_per_page);
    for (const auto& [name, value] : query) {
        if (name == "page" || name == "items_per_page")
            continue;
        link += "&" + percent_encode(name) + "=" + percent_encode(value);
    }
    return link;
}

} // namespace

std::variant<page_params, query_problem> read_page_params(const form_fields& query)
{
    page_params params;
    if (auto page = form_value(query, "page")) {
        auto n = whole_number(*page);
        if (!n || *n < 1)
            return query_problem{"page", "page must be a whole number of at least 1"};
        params.page = *n;
    }
    if (auto per_page = form_value(query, "items_per_page")) {
        auto n = whole_number(*per_page);
        if (!n || *n < 1 || *n > max_items_per_page)
            return query_problem{"items_per_page", "items_per_page must be a whole number from 1 to 200"};
        params.items_per_page = *n;
    }
    if (auto attributes = form_value(query, "attributes"))
        params.attributes = *attributes;
    return params;
}

boost::json::object project(const boost::json::object& record, std::string_view attributes)
{
    if (attributes == "all")
        return record;
    boost::json::object out;
    for (const char* base : {"id", "displayed_as", "$path"})
        if (auto it = record.find(base); it != record.end())
            out[base] = it->value();
    while (!attributes.empty()) {
        const std::size_t comma = attributes.find(',');
        std::string_view name = attributes.substr(0, comma);
        attributes = comma == std::string_view::npos ? std::string_view() : attributes.substr(comma + 1);
        while (!name.empty() && name.front() == ' ')
            name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ')
            name.remove_suffix(1);
        if (auto it = record.find(name); it != record.end())
            out[name] = it->value();
    }
    return out;
}

boost::json::object make_envelope(std::size_t total, std::size_t page, std::size_t items_per_page,
                                  boost::json::array items, std::string_view collection_path, const form_fields& query,
                                  envelope_spelling spelling)
{
    const std::size_t per_page = items_per_page;
    const std::size_t last_page = total == 0 ? 1 : (total + per_page - 1) / per_page;
    boost::json::object envelope;
    envelope["$total"] = static_cast<std::int64_t>(total);
    envelope["$page"] = static_cast<std::int64_t>(page);
    envelope["$next"] = page < last_page ? boost::json::value(page_link(collection_path, query, page + 1, per_page))
                                         : boost::json::value(nullptr);
    envelope["$back"] = page > 1 ? boost::json::value(page_link(collection_path, query, page - 1, per_page))
                                 : boost::json::value(nullptr);
    // Signed, as a JSON parser would read them back.
    envelope[spelling == envelope_spelling::snake_case ? "$items_per_page" : "$itemsPerPage"] =
        static_cast<std::int64_t>(per_page);
    envelope["$items"] = std::move(items);
    return envelope;
}

boost::json::object make_page(const std::vector<boost::json::object>& records, const page_params& params,
                              std::string_view collection_path, const form_fields& query, envelope_spelling spelling)
{
    const std::size_t total = records.size();
    const std::size_t per_page = params.items_per_page;
    const std::size_t last_page = total == 0 ? 1 : (total + per_page - 1) / per_page;
    // Sage answers a page past the end with the last page, not an empty one.
    const std::size_t page = params.page > last_page ? last_page : params.page;

    boost::json::array items;
    const std::size_t first = (page - 1) * per_page;
    for (std::size_t i = first; i < total && i < first + per_page; ++i)
        items.push_back(project(records[i], params.attributes));
    return make_envelope(total, page, per_page, std::move(items), collection_path, query, spelling);
}

} // namespace sage_sandbox
