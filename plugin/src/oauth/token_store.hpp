// Where a connection's token set lives between calls and processes (OAuthSettingsLocation): a file,
// written atomically with mode 0600 in a folder created 0700, or process memory (memory://id).
// The store's lock serialises refreshes across threads AND processes; whoever holds it re-reads the
// store before deciding anything, so a token another process already refreshed is used as is.
#pragma once

#include "oauth/token_set.hpp"

#include <connector_support/result.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sage {

class token_store;

// Exclusive access to a store, released when destroyed.
class store_lock {
public:
    store_lock() = default;
    store_lock(std::unique_lock<std::mutex> in_process, int file_descriptor) noexcept;
    store_lock(store_lock&& other) noexcept;
    store_lock& operator=(store_lock&& other) noexcept;
    store_lock(const store_lock&) = delete;
    store_lock& operator=(const store_lock&) = delete;
    ~store_lock();

    [[nodiscard]] bool owns() const noexcept { return in_process_.owns_lock(); }

private:
    std::unique_lock<std::mutex> in_process_;
    int fd_ = -1; // the flock()ed lock file, for file stores
};

class token_store {
public:
    virtual ~token_store() = default;

    // "the file /home/jo/.local/state/.../Books.json" or "memory://books": for messages.
    [[nodiscard]] virtual std::string describe() const = 0;

    // The stored set for `client_id`, or none when nothing is stored yet. A corrupt, foreign (another
    // client's) or unreadable store fails with a sentence naming the location and the remedy.
    [[nodiscard]] virtual connector_support::result<std::optional<token_set>> read(const std::string& client_id) = 0;

    // Waits (at most `patience`) for exclusive access.
    [[nodiscard]] virtual connector_support::result<store_lock> lock(std::chrono::milliseconds patience) = 0;

    // Replaces the stored set; the caller holds the lock.
    [[nodiscard]] virtual connector_support::result<void> write(const token_set& set) = 0;

    // Forgets the stored set; the caller holds the lock.
    [[nodiscard]] virtual connector_support::result<void> remove() = 0;

    // A small named note kept beside the set (e.g. a headless sign-in waiting for its code), private
    // like the set itself. read_note gives nothing when there is none.
    [[nodiscard]] virtual std::optional<std::string> read_note(const std::string& name) = 0;
    [[nodiscard]] virtual connector_support::result<void> write_note(const std::string& name,
                                                                     const std::string& text) = 0;
    virtual void remove_note(const std::string& name) = 0;
};

// The file store at `file`. Missing folders are created with mode 0700; existing ones are left alone.
[[nodiscard]] std::unique_ptr<token_store> open_file_token_store(const std::filesystem::path& file);

// The process-memory store `memory://<id>`, shared by every connection with the same id.
[[nodiscard]] std::unique_ptr<token_store> open_memory_token_store(const std::string& id);

} // namespace sage
