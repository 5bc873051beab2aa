// Sage's real endpoints and the only hosts a token may ever be sent to (besides a loopback sandbox).
// The manifest's allowed_hosts lists the same three names.
#pragma once

#include <array>
#include <string_view>

namespace sage::endpoints {

inline constexpr std::string_view authorize_url = "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1";
inline constexpr std::string_view token_url = "https://oauth.accounting.sage.com/token";
inline constexpr std::string_view api_base_url = "https://api.accounting.sage.com/v3.1";

// A desktop OAuth client's loopback redirect (RFC 8252), as CData defaults it.
inline constexpr std::string_view callback_url = "http://localhost:3333";

inline constexpr std::array<std::string_view, 3> sage_hosts = {
    "www.sageone.com",
    "oauth.accounting.sage.com",
    "api.accounting.sage.com",
};

} // namespace sage::endpoints
