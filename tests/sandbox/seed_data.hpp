// Who the sandbox's user is: one user and two businesses (the first is the lead), with the field names
// of Sage's OpenAPI (User, Business). Deterministic for a seed. The businesses' records come from
// record_generator / record_store.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sage_sandbox {

struct seed_data {
    boost::json::object user;
    std::vector<boost::json::object> businesses; // [0] is the lead business
    std::string lead_business_id;

    [[nodiscard]] std::vector<std::string> business_ids() const; // in the order of `businesses`

    [[nodiscard]] const boost::json::object* business(std::string_view id) const; // nullptr when unknown
};

seed_data make_seed_data(std::uint64_t seed = 20240501);

} // namespace sage_sandbox
