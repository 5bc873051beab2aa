// Where a connection's token set lives between calls and processes (OAuthSettingsLocation): a file,
// written atomically with mode 0600 in a folder created 0700, or process memory (memory://id).
// The store's lock serialises refreshes across threads AND processes; whoever holds it re-reads the
// store before deciding anything, so a token another process already refreshed is used as is.
#pragma once

#include "form/oauth_settings_location.hpp"
#include "oauth/token_set.hpp"

#include <connector_support/result.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sage {

class token_store;

// `mutex`, locked within `patience`; the lock does not own it when the patience ran out.
[[nodiscard]] std::unique_lock<std::mutex> lock_within(std::mutex& mutex, std::chrono::milliseconds patience);

// Exclusive access to a store, released when destroyed.
class store_lock {
public:
    store_lock() = default;
    store_lock(std::unique_lock<std::mutex> in_process, int file_descriptor) noexcept;
    // A lock whose release is also an action (the host's credential store: giving its lease back),
    // run before the thread lock is freed.
    store_lock(std::unique_lock<std::mutex> in_process, std::function<void()> release) noexcept;
    store_lock(store_lock&& other) noexcept;
    store_lock& operator=(store_lock&& other) noexcept;
    store_lock(const store_lock&) = delete;
    store_lock& operator=(const store_lock&) = delete;
    ~store_lock();

    [[nodiscard]] bool owns() const noexcept { return in_process_.owns_lock() || static_cast<bool>(release_); }

private:
    std::unique_lock<std::mutex> in_process_;
    int fd_ = -1;                   // the flock()ed lock file, for file stores
    std::function<void()> release_; // run once when the lock ends
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

    // Reserves, before an irreversible step (Sage rotating the refresh token), the space the next
    // write() needs, so a full disk is found out while the old set still works. The caller holds the
    // lock; the reservation is used (and released) by the next write().
    [[nodiscard]] virtual connector_support::result<void> reserve(std::size_t bytes) = 0;

    // Keeps `set` in a recovery file in the state folder, for when write() failed after Sage had
    // already rotated the tokens; answers the recovery file's path.
    [[nodiscard]] virtual connector_support::result<std::filesystem::path> keep_for_recovery(const token_set& set) = 0;

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
// Recovery files go to <recovery_folder>/recovered-tokens/ (by default the file's own folder).
[[nodiscard]] std::unique_ptr<token_store> open_file_token_store(const std::filesystem::path& file,
                                                                 const std::filesystem::path& recovery_folder = {});

// The process-memory store `memory://<id>` of `tenant`, shared by that tenant's connections with the
// same id and by no other tenant's.
[[nodiscard]] std::unique_ptr<token_store> open_memory_token_store(const std::string& tenant, const std::string& id);

// The environment variable through which a host's administrator allows token files in folders other
// than the tenant's state folder: absolute paths separated by ':'. Tenants cannot set it.
inline constexpr const char* allowed_token_folders_variable = "SAGE_CONNECTOR_TOKEN_FOLDERS";

// The folders listed in that variable (relative entries ignored).
[[nodiscard]] std::vector<std::filesystem::path> host_allowed_token_folders();

// Whose store is opened: the tenant, its state folder (host_services::state_directory()), the
// connection, the user's home folder (for ~/), and the extra folders the host allows.
struct token_store_scope {
    std::string tenant;
    std::filesystem::path state_directory;
    std::string connection_name;
    std::optional<std::filesystem::path> home;
    std::vector<std::filesystem::path> allowed_folders;
};

// The store OAuthSettingsLocation names, for `scope`: memory ids are per tenant; a file must resolve
// (symbolic links followed, `..` removed) inside the state folder or an allowed folder, otherwise the
// failure names the path, the folder and the remedy.
[[nodiscard]] connector_support::result<std::unique_ptr<token_store>>
open_token_store(const oauth_settings_location& location, const token_store_scope& scope);

} // namespace sage
