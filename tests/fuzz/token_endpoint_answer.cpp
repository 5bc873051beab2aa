// Fuzz target: sage::read_token_answer and sage::read_error_answer, the readers of what Sage's token
// endpoint answers (the network's answer). The first byte chooses the reader. A token set read has
// b64token tokens only (they become headers); an error code is OAuth's characters only and a
// description at most 300 characters of printable UTF-8 (both end up in messages).
#include "oauth/token_endpoint_answer.hpp"
#include "transport/header_text.hpp"

#include <connector_sdk/utf8_text.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    if ((data[0] & 1) == 0) {
        const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
        const auto set = sage::read_token_answer(body, "fuzz-client", now);
        if (set && (!sage::is_b64token(set->access_token) ||
                    (!set->refresh_token.empty() && !sage::is_b64token(set->refresh_token)) ||
                    set->client_id != "fuzz-client"))
            std::abort();
        return 0;
    }
    const sage::oauth_error_answer answer = sage::read_error_answer(body);
    if (!connector_sdk::utf8::is_valid(answer.description) || !connector_sdk::utf8::is_valid(answer.error) ||
        answer.description.size() > 300 * 4)
        std::abort();
    for (const char c : answer.description + answer.error)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            std::abort();
    return 0;
}
