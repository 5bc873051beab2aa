// Unpredictable identifiers for codes, tokens and request ids, from OpenSSL's CSPRNG (thread-safe).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sage_sandbox {

// `bytes` random bytes as unpadded base64url text.
std::string random_base64url(std::size_t bytes);

// `bytes` random bytes as lower-case hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);

// A random RFC 4122 version-4 UUID: "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string random_uuid();

// Unpadded base64url text of `data`.
std::string base64url(std::string_view data);

} // namespace sage_sandbox
