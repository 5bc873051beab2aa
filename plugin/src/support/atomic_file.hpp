// Files that are never seen half-written: written to a temporary file in the same folder, flushed,
// renamed over the target, and the folder flushed too, so a crash leaves either the old or the new
// content. Used for every piece of state the connector persists (token sets, the licence clock).
#pragma once

#include <connector_support/result.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace sage {

// A replacement of `file` whose bytes are already reserved on disk: the temporary file is created and
// allocated (posix_fallocate) up front, so a full disk is found out before, not after, an
// irreversible step such as asking Sage to rotate a token. commit() writes the content into that
// space and renames it over `file`. Destroying an uncommitted reservation removes its temporary file.
class reserved_write {
public:
    reserved_write() = default;
    reserved_write(reserved_write&& other) noexcept;
    reserved_write& operator=(reserved_write&& other) noexcept;
    reserved_write(const reserved_write&) = delete;
    reserved_write& operator=(const reserved_write&) = delete;
    ~reserved_write();

    [[nodiscard]] static connector_support::result<reserved_write>
    reserve(const std::filesystem::path& file, std::size_t bytes, mode_t mode = 0600) noexcept;

    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

    // Writes `content` (at most capacity() bytes) and renames it over the file.
    [[nodiscard]] connector_support::result<void> commit(std::string_view content) noexcept;

private:
    int fd_ = -1;
    std::size_t capacity_ = 0;
    mode_t mode_ = 0600;
    std::filesystem::path file_;
    std::filesystem::path temp_;
};

// Each failure says "cannot <create the folder|write|read> <path> (<reason>)" (category config).

// Creates `folder` (and its parents) with `mode` when missing, and tightens an existing one to `mode`.
[[nodiscard]] connector_support::result<void> ensure_private_folder(const std::filesystem::path& folder,
                                                                    mode_t mode = 0700) noexcept;

// Replaces `file` with `content` atomically; the new file has `mode`. The parent folder must exist.
[[nodiscard]] connector_support::result<void>
write_file_atomically(const std::filesystem::path& file, std::string_view content, mode_t mode = 0600) noexcept;

// The whole file, or nothing when it does not exist. A file larger than `max_size` is a failure, and so
// is anything but a regular file: a symbolic link is not followed, and a FIFO, device or socket is
// refused without waiting on it (opened O_NONBLOCK|O_NOFOLLOW, then checked with fstat).
[[nodiscard]] connector_support::result<std::optional<std::string>>
read_small_file(const std::filesystem::path& file, std::size_t max_size = std::size_t{1024} * 1024) noexcept;

// What stands at a path, without following a symbolic link.
enum class file_kind : std::uint8_t { absent, regular, symbolic_link, other };
[[nodiscard]] connector_support::result<file_kind> inspect_file(const std::filesystem::path& file) noexcept;

// The sentences for a path that is not a regular file, or is a symbolic link (category config).
[[nodiscard]] connector_support::failure not_a_regular_file(const std::filesystem::path& file) noexcept;
[[nodiscard]] connector_support::failure symbolic_link_refused(const std::filesystem::path& file) noexcept;

} // namespace sage
