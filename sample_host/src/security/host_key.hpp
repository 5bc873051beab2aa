// The host's 32-byte secret key, kept in a file of its own (mode 0600) beside the database, so a copy
// of host.db alone reveals no secret.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

namespace sample_host {

class host_key final {
public:
    static constexpr std::size_t size = 32;
    using bytes = std::array<std::uint8_t, size>;

    host_key(bytes key, std::filesystem::path file);
    ~host_key();
    host_key(const host_key& other) = default;
    host_key& operator=(const host_key&) = delete;

    [[nodiscard]] const bytes& material() const noexcept { return key_; }
    // Where the key was read from, for messages that tell a user which file to restore.
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }
    // A short public fingerprint ("3f9a0c12e4b5d678"), stored beside every sealed value so a wrong
    // key is told apart from altered data.
    [[nodiscard]] const std::string& id() const noexcept { return id_; }

private:
    bytes key_;
    std::filesystem::path file_;
    std::string id_;
};

// Reads `file`, or creates it with 32 random bytes when it does not exist yet. Creation is atomic
// and race-free: the key is written to a private temporary file, fsync'ed, then linked into place
// with link(2), which fails rather than replacing a key another process created meanwhile (that key
// is then read instead). Throws host_error naming the file and the remedy when the file has the wrong
// size or mode, or cannot be read or written.
[[nodiscard]] host_key load_or_create_host_key(const std::filesystem::path& file);

// Reads an existing key file; throws host_error when it is missing or unusable.
[[nodiscard]] host_key load_host_key(const std::filesystem::path& file);

} // namespace sample_host
