// Fuzz target: sage::decode_read_state, the reader of the opaque read state a host gives back (the
// host, or whoever edited its database). A state it accepts must encode and decode to the same text.
#include "sage/read_state.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto state = sage::decode_read_state(text, "contacts");
    if (!state)
        return 0;
    const std::string encoded = sage::encode_read_state(*state);
    const auto again = sage::decode_read_state(encoded, "contacts");
    if (!again || sage::encode_read_state(*again) != encoded)
        std::abort(); // what the connector writes, it reads back unchanged
    return 0;
}
