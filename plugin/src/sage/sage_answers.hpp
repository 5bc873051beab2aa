// Reading Sage's answers to the connection test's calls (outside input): GET /user and a page of GET
// /businesses, and the $next link that leads to the following page. Beast-free, so the fuzz target
// reads them directly; sage_api sends the requests.
#pragma once

#include "transport/endpoint.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sage {

struct sage_user {
    std::string id;
    std::string displayed_as;
    std::string email;
};

struct sage_business {
    std::string id;
    std::string displayed_as;
};

struct businesses_page {
    std::vector<sage_business> items;
    std::string next; // the request path of the following page ("/businesses?page=2"); empty at the end
};

// The user in GET /user's answer; nullopt when it is not a JSON object with an "id".
[[nodiscard]] std::optional<sage_user> read_user(std::string_view body);

// One page of GET /businesses, whose $next is resolved against `base` (ApiBaseURL); nullopt when the
// answer has no "$items" array.
[[nodiscard]] std::optional<businesses_page> read_businesses_page(std::string_view body, const endpoint& base);

} // namespace sage
