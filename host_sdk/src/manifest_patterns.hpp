// The textual rules of manifest members, the same as the patterns in
// manifest/connector-manifest.schema.json, written as plain predicates (no std::regex: faster, and
// free of the library's false warnings under optimisation).
#pragma once

#include <string_view>

namespace connector_sdk::host_detail {

bool is_connector_id(std::string_view s) noexcept; // ^[a-z0-9][a-z0-9-]{0,62}$
bool is_semver(std::string_view s) noexcept;       // semver.org 2.0.0
bool is_sdk_abi(std::string_view s) noexcept;      // ^(0|[1-9][0-9]{0,4})\.(0|[1-9][0-9]{0,4})$
bool is_library_name(std::string_view s) noexcept; // ^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,254}$
bool is_sha256_hex(std::string_view s) noexcept;   // ^[0-9a-f]{64}$
bool is_host_name(std::string_view s) noexcept;    // lower-case dot-separated labels, no leading/trailing '-'
bool is_https_url(std::string_view s) noexcept;    // ^https://[^\s]+$

} // namespace connector_sdk::host_detail
