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
class sqlite_database;
class user_directory;
struct user_account;

struct global_options {
    std::optional<std::string> plugins; // --plugins
    std::optional<std::string> data;    // --data
    std::optional<std::string> as;      // --as
    bool json = false;                  // --json
    bool verbose = false;               // --verbose
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
    // <data>/host.db, migrated to the current schema, with the default tenant and admin.
    [[nodiscard]] sqlite_database& database();
    [[nodiscard]] user_directory& users();
    [[nodiscard]] license_repository& licenses();
    [[nodiscard]] connection_store& connections();
    // The cipher over <data>/host.key, creating the key on first use.
    [[nodiscard]] const secret_cipher& cipher();
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
    std::unique_ptr<sqlite_database> database_;
    std::unique_ptr<user_directory> users_;
    std::unique_ptr<license_repository> licenses_;
    std::unique_ptr<connection_store> connections_;
    std::unique_ptr<secret_cipher> cipher_;
    std::unique_ptr<user_account> acting_user_;
    std::unique_ptr<plugin_registry> plugins_;
    bool interactive_ = true;
    // Last, so the connectors go before everything their host services use.
    std::map<std::string, std::shared_ptr<const loaded_plugin>, std::less<>> loaded_;
};

} // namespace sample_host
