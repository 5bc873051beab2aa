// Reading what Sage's token endpoint answers (outside input): a token set whose tokens may travel in
// headers, or the OAuth error body of a refusal. Beast-free, so the fuzz target reads it directly.
#pragma once

#include "oauth/token_set.hpp"

#include <connector_support/result.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace sage {

// The token endpoint's OAuth error answer ({"error","error_description"}); both empty when the body
// is not one.
struct oauth_error_answer {
    std::string error;       // the OAuth error code, e.g. "invalid_grant" (RFC 6749 §5.2 characters only)
    std::string description; // error_description, at most 300 characters of printable UTF-8, for messages
};

[[nodiscard]] oauth_error_answer read_error_answer(std::string_view body);

// A 200 answer received at `now` as a token set, or why it is not one (a sentence fragment such as
// "a token in it contains characters no OAuth token has (RFC 6750)"): both tokens must be RFC 6750
// b64tokens, as they are sent back in headers and forms.
[[nodiscard]] connector_support::result<token_set> read_token_answer(std::string_view body, std::string_view client_id,
                                                                     std::chrono::system_clock::time_point now);

} // namespace sage
