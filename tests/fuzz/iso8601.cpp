// Fuzz target: connector_support::parse_iso8601 and parse_http_date, the readers of the instants
// services send (Sage's updated_at, Retry-After and Date headers). An instant read back from its own
// ISO-8601 text must be the same instant.
#include <connector_support/iso8601.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace connector_support;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto instant : {parse_iso8601(text), parse_http_date(text)}) {
        if (!instant)
            continue;
        const auto again = parse_iso8601(iso8601_text(*instant));
        if (!again || *again != *instant)
            std::abort();
    }
    return 0;
}
