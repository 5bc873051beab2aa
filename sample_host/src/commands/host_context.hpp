// What one run of sample_host works with, opened on first need: the data folder, the database with
// its repositories, the acting user, the host key, the log, the plugin registry and the console.
// Commands receive it; nothing in it is global.
#pragma once

#include "output/console.hpp"
#include "runtime/host_clock.hpp"
#include "runtime/host_locations.hpp"
#include "security/secret_redactor.hpp"

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

class connection_store;
class host_log;
struct loaded_plugin;
class license_repository;
class plugin_registry;
class secret_cipher;
class credential_vault;
class oauth_app_store;
class database;
struct database_url;
class user_directory;
struct user_account;

struct global_options {
    std::optional<std::string> plugins;     // --plugins
    std::optional<std::string> data;        // --data
    std::optional<std::string> database;    // --database
    std::optional<std::string> host_key;    // --host-key
    std::optional<std::string> credentials; // --credentials host|connector
    std::optional<std::string> as;          // --as
    bool json = false;                      // --json
    bool verbose = false;                   // --verbose
};

class host_context final {
public:
    host_context(global_options options, std::filesystem::path executable, environment_lookup env, std::ostream& out,
                 std::ostream& err);
    ~host_context();
    host_context(const host_context&) = delete;
    host_context& operator=(const host_context&) = delete;

    [[nodiscard]] const global_options& options() const noexcept { return options_; }
    [[nodiscard]] const environment_lookup& env() const noexcept { return env_; }
    [[nodiscard]] console& out() noexcept { return console_; }
    [[nodiscard]] secret_redactor& redactor() noexcept { return redactor_; }
    [[nodiscard]] const host_clock& clock() const noexcept { return clock_; }
    [[nodiscard]] std::chrono::sys_seconds now_seconds() const;

    // The data folder, created mode 0700 on first use.
    [[nodiscard]] const std::filesystem::path& data_dir();
    [[nodiscard]] host_log& log();
    // What --database / SAMPLE_HOST_DATABASE names, else sqlite:<data>/host.db.
    [[nodiscard]] const database_url& database_location();
    // That database, migrated to the current schema, with the default tenant and admin.
    [[nodiscard]] sample_host::database& database();
    [[nodiscard]] user_directory& users();
    [[nodiscard]] license_repository& licenses();
    [[nodiscard]] connection_store& connections();
    // The cipher over the host key (--host-key / SAMPLE_HOST_KEY, which must exist; else <data>/host.key,
    // created on first use), checked against the key the database's secrets are sealed with.
    [[nodiscard]] const secret_cipher& cipher();
    // The credentials connectors keep in the host (credential_store.v1).
    [[nodiscard]] credential_vault& credentials();
    // The host's default OAuth apps. The first use moves a legacy <data>/oauth_apps.json into the
    // database and deletes it, saying so (oauth_app_store::import_legacy_file); throws host_error when
    // that is refused (the file stays).
    [[nodiscard]] oauth_app_store& oauth_apps();
    // Whether connectors are offered credential_store.v1: --credentials, else SAMPLE_HOST_CREDENTIALS,
    // else host (yes); connector: no, they keep their tokens themselves. Throws usage_error otherwise.
    [[nodiscard]] bool host_keeps_credentials() const;
    // The user named by --as / SAMPLE_HOST_USER / "admin"; throws host_error when unknown.
    [[nodiscard]] const user_account& acting_user();
    [[nodiscard]] plugin_registry& plugins();
    // The connector `connector_id`, loaded on first use and kept loaded for this context's life, so a
    // long-lived host (the web console) pays the load once. Throws host_error as plugin_registry::load.
    [[nodiscard]] std::shared_ptr<const loaded_plugin> plugin(std::string_view connector_id);

    // Before plugins() is first used: whether connectors may reach a person at a terminal (prompt,
    // browser on this machine). The web console says no; its users sign in through their own browser.
    void set_interactive(bool interactive) noexcept { interactive_ = interactive; }

private:
    global_options options_;
    std::filesystem::path executable_;
    environment_lookup env_;
    secret_redactor redactor_;
    console console_;
    host_clock clock_;
    std::optional<std::filesystem::path> data_dir_;
    std::unique_ptr<host_log> log_;
    std::unique_ptr<database_url> database_url_;
    std::unique_ptr<sample_host::database> database_;
    std::unique_ptr<user_directory> users_;
    std::unique_ptr<license_repository> licenses_;
    std::unique_ptr<connection_store> connections_;
    std::unique_ptr<secret_cipher> cipher_;
    std::unique_ptr<credential_vault> credentials_;
    std::unique_ptr<oauth_app_store> oauth_apps_;
    std::unique_ptr<user_account> acting_user_;
    std::unique_ptr<plugin_registry> plugins_;
    bool interactive_ = true;
    // Last, so the connectors go before everything their host services use.
    std::map<std::string, std::shared_ptr<const loaded_plugin>, std::less<>> loaded_;
};

} // namespace sample_host
