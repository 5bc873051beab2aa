// Base64url without padding (RFC 4648 §5), strict: the decoder refuses padding, foreign characters and
// non-canonical encodings, so one licence has exactly one spelling. Built on OpenSSL's EVP base64.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace connector_sdk::host_detail {

std::string base64url_encode(std::string_view bytes);

// Nothing when `text` is not canonical unpadded base64url.
std::optional<std::string> base64url_decode(std::string_view text);

} // namespace connector_sdk::host_detail
