// Fuzz target: the token set readers — sage::token_set_from_json (the token file in
// OAuthSettingsLocation, which a local user may have written) and sage::token_set_from_token_response
// (the token endpoint's answer). The first byte chooses which. A set read from the file must survive
// writing and reading again; a failure never quotes the text (it holds secrets).
#include "oauth/token_set.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void check_quiet(const connector_support::failure& why, std::string_view text)
{
    if (text.find("S3cr3tT0k3n") != std::string_view::npos && why.message.find("S3cr3tT0k3n") != std::string::npos)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 2 == 0) {
        const auto set = sage::token_set_from_json(text);
        if (!set) {
            check_quiet(set.error(), text);
            return 0;
        }
        const auto again = sage::token_set_from_json(sage::to_json(*set));
        if (!again || again->access_token != set->access_token || again->refresh_token != set->refresh_token ||
            again->expires_at != set->expires_at)
            std::abort(); // what the store writes, it reads back
    } else {
        const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
        const auto set = sage::token_set_from_token_response(text, "fuzz-client", now);
        if (!set)
            check_quiet(set.error(), text);
    }
    return 0;
}
