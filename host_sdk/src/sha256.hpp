// SHA-256 of a file, through OpenSSL's EVP API, streamed so large files cost little memory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace connector_sdk::host_detail {

// Lower-case hex digest, or nothing when the file cannot be read (`error` says why).
std::optional<std::string> sha256_file(const std::filesystem::path& file, std::string& error) noexcept;

} // namespace connector_sdk::host_detail
