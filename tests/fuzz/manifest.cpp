// Fuzz target: connector_sdk::parse_manifest, the host's reader of a plugin's manifest.json (a hostile
// file in the plugin folder). A manifest it accepts must come back with no errors, and the reverse.
#include <connector_sdk/manifest.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const connector_sdk::manifest_parse_result parsed = connector_sdk::parse_manifest(text);
    if (parsed.value.has_value() != parsed.errors.empty())
        std::abort(); // a manifest is either read or refused with reasons
    return 0;
}
