// The records the sandbox serves: one user, two businesses (the first is the lead) and generated
// contacts, with the field names of Sage's OpenAPI (User, Business, Contact). Deterministic for a seed.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sage_sandbox {

struct seed_data {
    boost::json::object user;
    std::vector<boost::json::object> businesses;                      // [0] is the lead business
    std::map<std::string, std::vector<boost::json::object>> contacts; // by business id
    std::string lead_business_id;

    [[nodiscard]] const boost::json::object* business(std::string_view id) const; // nullptr when unknown
};

// `contacts` records for the lead business and 3 for the other one.
seed_data make_seed_data(std::size_t contacts, std::uint64_t seed = 20240501);

} // namespace sage_sandbox
