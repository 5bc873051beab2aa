// Lets Boost.Test print the SDK's enumerations in failed assertions (found by argument-dependent
// lookup of boost_test_print_type in the SDK's namespace).
#pragma once

#include <connector_sdk/error_category.hpp>
#include <connector_sdk/property.hpp>
#include <connector_sdk/results.hpp>

#include <ostream>

namespace connector_sdk { // found by argument-dependent lookup from connector_sdk::v1 (an inline namespace)

inline std::ostream& boost_test_print_type(std::ostream& out, error_category value)
{
    return out << to_string(value);
}
inline std::ostream& boost_test_print_type(std::ostream& out, license_state value)
{
    return out << to_string(value);
}
inline std::ostream& boost_test_print_type(std::ostream& out, property_type value)
{
    return out << to_string(value);
}

} // namespace connector_sdk
