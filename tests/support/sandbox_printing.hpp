// Lets Boost.Test print the Sage sandbox's enumerations in failed assertions: every enumeration of
// the sandbox with a to_string (token_status, consent_mode, fault_kind, ...), found by argument-
// dependent lookup of boost_test_print_type in the sandbox's namespace.
#pragma once

#include <ostream>
#include <type_traits>

namespace sage_sandbox {

template <typename Enumeration>
requires std::is_enum_v<Enumeration> && requires(Enumeration value)
{
    to_string(value);
}
std::ostream& boost_test_print_type(std::ostream& out, const Enumeration& value)
{
    return out << to_string(value);
}

} // namespace sage_sandbox
