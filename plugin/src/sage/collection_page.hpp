// One page of a Sage collection as it came over the wire: the envelope ($total, $page, $next,
// $itemsPerPage) and every item's JSON text exactly as Sage sent it, with the fields a reader keys
// on (id, updated_at, deleted_at). Parses hostile input: bounded, never throws.
#pragma once

#include <connector_support/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sage {

struct page_item {
    std::size_t offset = 0; // where the item's JSON text lies in collection_page::body
    std::size_t length = 0;
    std::string id;
    std::optional<std::chrono::sys_seconds> updated_at;
    std::optional<std::chrono::sys_seconds> deleted_at;
};

struct collection_page {
    std::string body; // the bytes received; items point into it
    std::optional<std::uint64_t> total;
    std::optional<std::uint64_t> page;
    std::optional<std::uint64_t> items_per_page;
    bool has_next = false; // $next is not null
    std::vector<page_item> items;

    [[nodiscard]] std::string_view raw(const page_item& item) const noexcept
    {
        return std::string_view(body).substr(item.offset, item.length);
    }
};

// Items per page are at most this many (Sage's maximum is 200; a larger page is not Sage's).
inline constexpr std::size_t max_page_items = 1000;

// Reads a collection answer. `what` names the collection in messages ("contacts"); `key_field` is the
// member that identifies an item (page_item::id): "id", or "$path" for records Sage keys otherwise.
// A failure is a `remote` one: the answer is not what Sage sends.
[[nodiscard]] connector_support::result<collection_page> parse_collection_page(std::string body, std::string_view what,
                                                                               std::string_view key_field = "id");

// The JSON text of an object (an item of a parsed page) without its top-level member `key`, the
// rest byte for byte: a field the reader asked Sage for itself is not handed to the host.
[[nodiscard]] std::string without_member(std::string_view object, std::string_view key);

} // namespace sage
