// Fuzz target: sage::parse_configuration_text, the Add Configuration text ("Key=Value;Key2='a;b'")
// a tenant types. Every entry read has a key, and a problem never quotes the text (it may hold a secret).
#include "form/additional_configuration.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const sage::configuration_entries read = sage::parse_configuration_text(text);
    for (const auto& entry : read.entries)
        if (entry.key.empty() || entry.position == 0)
            std::abort();
    // A distinctive value must never reappear in a problem sentence.
    if (text.find("S3cr3tV4lu3") != std::string_view::npos)
        for (const auto& problem : read.problems)
            if (problem.find("S3cr3tV4lu3") != std::string::npos)
                std::abort();
    return 0;
}
