// Fuzz target: sage::read_user and sage::read_businesses_page, the readers of Sage's answers to GET
// /user and GET /businesses (the network's answer). The first byte chooses the reader; a user always
// has an id, and a page's $next is always a request path ("/...") or nothing.
#include "sage/sage_answers.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    if ((data[0] & 1) == 0) {
        if (const auto user = sage::read_user(body); user && user->id.empty())
            std::abort();
        return 0;
    }
    static const sage::endpoint base = [] {
        sage::endpoint e;
        e.scheme = "https";
        e.host = "api.accounting.sage.com";
        e.port = 443;
        e.target = "/v3.1";
        return e;
    }();
    if (const auto page = sage::read_businesses_page(body, base); page && !page->next.empty() && page->next[0] != '/')
        std::abort();
    return 0;
}
