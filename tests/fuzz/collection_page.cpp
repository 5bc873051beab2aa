// Fuzz target: sage::parse_collection_page, the reader of a page of a Sage collection (the network's
// answer). Every item it finds must lie inside the body and be valid JSON on its own.
#include "sage/collection_page.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string body(reinterpret_cast<const char*>(data), size);
    const auto page = sage::parse_collection_page(std::move(body), "contacts");
    if (!page)
        return 0;
    if (page->items.size() > sage::max_page_items)
        std::abort();
    for (const auto& item : page->items) {
        if (item.offset > page->body.size() || item.length > page->body.size() - item.offset)
            std::abort();
        boost::system::error_code ec;
        (void)boost::json::parse(page->raw(item), ec);
        if (ec)
            std::abort(); // the raw text of an item is a JSON value by itself
    }
    return 0;
}
