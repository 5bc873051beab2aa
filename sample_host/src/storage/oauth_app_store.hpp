// The host's default OAuth app per connector (what host_services::default_oauth_app hands a connector),
// kept in the host database so every host of a fleet offers the same: the client id in plain text, the
// client secret sealed with AES-256-GCM under the host key and bound to connector and client id.
// Also the one-time move of a data folder's legacy oauth_apps.json into the database.
#pragma once

#include "security/secret_cipher.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

class database;

struct oauth_app {
    std::string client_id;
    std::string client_secret;

    oauth_app() = default;
    oauth_app(std::string id, std::string secret) : client_id(std::move(id)), client_secret(std::move(secret)) {}
    oauth_app(const oauth_app&) = default;
    oauth_app(oauth_app&&) noexcept = default;
    oauth_app& operator=(const oauth_app&) = default;
    oauth_app& operator=(oauth_app&&) noexcept = default;
    ~oauth_app(); // wipes the secret
};

// What `oauth-apps list` shows: everything but the secret.
struct oauth_app_entry {
    std::string connector_id;
    std::string client_id;
    std::chrono::sys_seconds updated_at{};
    std::string updated_by;
};

enum class oauth_app_outcome : std::uint8_t { created, replaced, unchanged };

// What moving a legacy oauth_apps.json into the database did, per connector id.
struct oauth_apps_import {
    std::filesystem::path file;
    std::vector<std::string> imported;  // new in the database
    std::vector<std::string> unchanged; // already there with the same client id and secret
};

class oauth_app_store final {
public:
    using cipher_source = std::function<const secret_cipher&()>;

    // `database` must outlive the store; `cipher` is asked on the first seal or open.
    oauth_app_store(database& database, cipher_source cipher);

    // Every method throws database_error, or host_error (secret_error) when a stored secret does not open.
    [[nodiscard]] std::optional<oauth_app> find(std::string_view connector_id);
    [[nodiscard]] std::vector<oauth_app_entry> list();
    // Sets the connector's app; `by` names who did (a user, or the file it was imported from).
    oauth_app_outcome put(std::string_view connector_id, const oauth_app& app, std::string_view by,
                          std::chrono::sys_seconds now);
    // Whether there was one to remove.
    bool remove(std::string_view connector_id);

    // Moves `file` (a legacy <data>/oauth_apps.json: {"<connector id>": {"client_id", "client_secret"}})
    // into the database, then deletes it: the import commits before the file goes, so a crash leaves
    // the file to import again. An app already in the database with the same client id and secret
    // counts as unchanged (two hosts of a fleet importing the same file); a different one refuses the
    // whole import, naming both client ids and the remedy. nullopt when there is no file. Throws
    // host_error when the file is unreadable or malformed (nothing imported; the file stays).
    std::optional<oauth_apps_import> import_legacy_file(const std::filesystem::path& file,
                                                        std::chrono::sys_seconds now);

private:
    // The app stored for `connector_id`, opened with `cipher`.
    [[nodiscard]] std::optional<oauth_app> read(const secret_cipher& cipher, std::string_view connector_id);
    void write(const secret_cipher& cipher, std::string_view connector_id, const oauth_app& app, std::string_view by,
               std::chrono::sys_seconds now);

    database& database_;
    cipher_source cipher_;
};

} // namespace sample_host
