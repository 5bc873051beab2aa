// Fuzz target: sage::parse_sage_errors, the reader of Sage's error array in a refused request's body
// (the network's answer).
#include "sage/sage_errors.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto errors = sage::parse_sage_errors(std::string_view(reinterpret_cast<const char*>(data), size));
    for (const auto& error : errors)
        if (error.data_code.empty() && error.message.empty())
            std::abort(); // an entry with neither says nothing and is dropped
    return 0;
}
