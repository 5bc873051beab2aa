// Sage's error array ([{"$severity","$dataCode","$message","$source"}]), read from the body of a
// refused request. A pure function of the body, apart from the API calls, so it can be fuzzed alone.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sage {

// One entry of Sage's error array.
struct sage_error_item {
    std::string severity;
    std::string data_code;
    std::string message;
    std::string source;
};

// Reads Sage's error array from a body; empty when the body is not one.
[[nodiscard]] std::vector<sage_error_item> parse_sage_errors(std::string_view body);

} // namespace sage
