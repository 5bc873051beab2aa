// Files that are never seen half-written: written to a temporary file in the same folder, flushed,
// renamed over the target, and the folder flushed too, so a crash leaves either the old or the new
// content. Used for every piece of state the connector persists (token sets, the licence clock).
#pragma once

#include <connector_support/result.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace sage {

// Each failure says "cannot <create the folder|write|read> <path> (<reason>)" (category config).

// Creates `folder` (and its parents) with `mode` when missing, and tightens an existing one to `mode`.
[[nodiscard]] connector_support::result<void> ensure_private_folder(const std::filesystem::path& folder,
                                                                    mode_t mode = 0700) noexcept;

// Replaces `file` with `content` atomically; the new file has `mode`. The parent folder must exist.
[[nodiscard]] connector_support::result<void>
write_file_atomically(const std::filesystem::path& file, std::string_view content, mode_t mode = 0600) noexcept;

// The whole file, or nothing when it does not exist. A file larger than `max_size` is a failure.
[[nodiscard]] connector_support::result<std::optional<std::string>>
read_small_file(const std::filesystem::path& file, std::size_t max_size = 1024 * 1024) noexcept;

} // namespace sage
