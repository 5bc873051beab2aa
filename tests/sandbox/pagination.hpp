// Sage's collection pages: the query (`page` from 1, `items_per_page` 1..200, default 20,
// `attributes`), the envelope ({"$total","$page","$next","$back","$itemsPerPage","$items"}, or
// `$items_per_page` for /businesses), the quirk that a page past the end returns the LAST page, and the
// projection of list items (id, displayed_as, $path unless attributes=all or attributes=a,b).
#pragma once

#include "http_message.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sage_sandbox {

inline constexpr std::size_t default_items_per_page = 20;
inline constexpr std::size_t max_items_per_page = 200;

struct page_params {
    std::size_t page = 1;
    std::size_t items_per_page = default_items_per_page;
    std::string attributes; // "" (base attributes), "all", or "a,b,c"
};

struct query_problem {
    std::string parameter;
    std::string message;
};

// Reads page, items_per_page and attributes. A value that is not a whole number, page < 1, or
// items_per_page outside 1..200 is a problem (Sage's OpenAPI declares minimum 1 / maximum 200; the
// sandbox refuses rather than clamps, so a client that relies on more than 200 is caught).
std::variant<page_params, query_problem> read_page_params(const form_fields& query);

// The item as a list shows it for `attributes`.
boost::json::object project(const boost::json::object& record, std::string_view attributes);

enum class envelope_spelling {
    camel_case, // "$itemsPerPage": most collections
    snake_case, // "$items_per_page": /businesses
};

// The envelope of one page: `page` is the page served (already clamped to the last one), `items`
// its (projected) records.
boost::json::object make_envelope(std::size_t total, std::size_t page, std::size_t items_per_page,
                                  boost::json::array items, std::string_view collection_path, const form_fields& query,
                                  envelope_spelling spelling);

// The page of `records` for `params`. `collection_path` is relative to the API base ("/contacts");
// `query` is the request's query, whose other parameters $next/$back keep.
boost::json::object make_page(const std::vector<boost::json::object>& records, const page_params& params,
                              std::string_view collection_path, const form_fields& query, envelope_spelling spelling);

} // namespace sage_sandbox
