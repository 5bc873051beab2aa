// Fuzz target: sage::resolve_settings, the connector's reading of a whole connection form (what a
// tenant types: every field, Add Configuration, URLs, OAuthSettingsLocation). The input is lines
// "Key=Value". Every message is valid UTF-8 (it reaches JSON output) and never contains the
// distinctive value S3cr3tV4lu3 given as the Client Secret.
#include "form/connection_settings.hpp"

#include <connector_sdk/utf8_text.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    connector_sdk::form_values form;
    // The marker is checked only when it is given as the Client Secret alone: a key, or another field's
    // value (Add Configuration's text has keys of its own), is not secret and may be quoted.
    bool marker_elsewhere = false;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        const auto equals = line.find('=');
        if (equals == std::string_view::npos)
            continue;
        const std::string_view key = line.substr(0, equals);
        const std::string_view value = line.substr(equals + 1);
        marker_elsewhere = marker_elsewhere || key.find("S3cr3tV4lu3") != std::string_view::npos ||
                           (key != "ClientSecret" && value.find("S3cr3tV4lu3") != std::string_view::npos);
        form.set(std::string(key), std::string(value));
    }
    const sage::settings_resolution resolved = sage::resolve_settings(form);
    for (const auto& error : resolved.errors) {
        if (!connector_sdk::utf8::is_valid(error.message))
            std::abort();
        if (!marker_elsewhere && error.message.find("S3cr3tV4lu3") != std::string::npos)
            std::abort();
    }
    return 0;
}
