// Files only the host's user may read (the host key, the marketplace signing key), published so that
// no reader ever sees half of one: written to a unique 0600 temporary file in the same folder, flushed,
// then linked into place (never replacing: whoever came first wins) or renamed over the old one, and
// the folder flushed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace sample_host {

// Owns a POSIX file descriptor.
class file_descriptor {
public:
    explicit file_descriptor(int fd) noexcept : fd_(fd) {}
    ~file_descriptor();
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    [[nodiscard]] int get() const noexcept { return fd_; }

private:
    int fd_;
};

enum class publish_mode { keep_existing, replace };

// Publishes `bytes` as `file` (mode 0600). With keep_existing, returns false and leaves an existing file
// alone. Throws host_error naming `what` ("the host key") and the remedy.
bool publish_private_file(const std::filesystem::path& file, std::span<const std::uint8_t> bytes, publish_mode mode,
                          const std::string& what);

// Reads from `fd` until `buffer` is full or the file ends, retrying interrupted reads: the number of
// bytes read, or -1 with errno set.
[[nodiscard]] long read_fully(int fd, std::span<std::uint8_t> buffer) noexcept;

// Reads the rest of `fd`, at most `size` bytes (what fstat said): its text, or nothing with errno set
// and whatever was read wiped first. For files that may hold secrets.
[[nodiscard]] std::optional<std::string> read_secret_text(int fd, std::size_t size);

// Overwrites `text` (OPENSSL_cleanse: not optimised away), then empties it.
void wipe(std::string& text) noexcept;

// strerror as a std::string.
std::string errno_text(int error);

} // namespace sample_host
