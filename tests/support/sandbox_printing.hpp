// Lets Boost.Test print the Sage sandbox's enumerations in failed assertions (found by argument-
// dependent lookup of boost_test_print_type in the sandbox's namespace), as sdk_printing.hpp does for
// the SDK's.
#pragma once

#include "fault_book.hpp"
#include "sandbox_modes.hpp"
#include "token_authority.hpp"

#include <ostream>

namespace sage_sandbox {

inline std::ostream& boost_test_print_type(std::ostream& out, access_check value)
{
    return out << to_string(value);
}
inline std::ostream& boost_test_print_type(std::ostream& out, consent_mode value)
{
    return out << to_string(value);
}
inline std::ostream& boost_test_print_type(std::ostream& out, fault_kind value)
{
    return out << to_string(value);
}
inline std::ostream& boost_test_print_type(std::ostream& out, token_kind value)
{
    return out << to_string(value);
}
inline std::ostream& boost_test_print_type(std::ostream& out, token_status value)
{
    return out << to_string(value);
}

} // namespace sage_sandbox
