// The sample host's implementation of connector_sdk::host_services for one tenant and one connector:
// host clock, log, licence tokens from the store, a private state folder, the host's default OAuth app
// (from the host database: oauth_app_store), and
// the person at the terminal (standard error and standard input) unless the scope says there is none;
// and, by query_service, the host's credential store (credential_store.v1).
#pragma once

#include "connectors/host_credential_store.hpp"
#include "storage/oauth_app_store.hpp"

#include <connector_sdk/host_services.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace sample_host {

class host_clock;
class host_log;
class license_repository;
class secret_redactor;

struct host_services_scope {
    std::string tenant;             // the acting user's tenant
    std::string connector_id;       // the connector these services are handed to
    std::filesystem::path data_dir; // the host's data folder
    // false in the web console: there is no terminal to ask and no browser to open on the server, so
    // open_browser and prompt_user answer "no" and notify_user writes to the log only.
    bool interactive = true;
};

// The host's default OAuth apps, opened on first need (the database, and the legacy file moved in).
using oauth_app_source = std::function<oauth_app_store&()>;

class cli_host_services final : public connector_sdk::host_services {
public:
    // Every referenced object must outlive this one.
    // `oauth_apps`: where default_oauth_app looks (none when empty).
    // `credentials`: the store query_service offers, or nullptr for none.
    cli_host_services(host_services_scope scope, const host_clock& clock, host_log& log,
                      const license_repository& licenses, secret_redactor& redactor, oauth_app_source oauth_apps,
                      std::unique_ptr<host_credential_store> credentials = nullptr);

    [[nodiscard]] std::chrono::system_clock::time_point now() const noexcept override;
    void log(connector_sdk::log_level level, std::string_view message) noexcept override;
    [[nodiscard]] std::string tenant_id() const noexcept override;
    [[nodiscard]] std::optional<std::string> license_token(std::string_view connector_id) const noexcept override;
    // <data>/state/<tenant>/<connector id>/, created with mode 0700.
    [[nodiscard]] std::filesystem::path state_directory() const noexcept override;
    // The app an administrator set for `connector_id` (`sample_host oauth-apps set`); its secret is
    // masked in all later output. nullopt when none is set, or when it cannot be read (logged).
    [[nodiscard]] std::optional<connector_sdk::oauth_app_credentials>
    default_oauth_app(std::string_view connector_id) const noexcept override;
    // The program BROWSER names, else xdg-open when DISPLAY or WAYLAND_DISPLAY is set (browser_launcher);
    // whether one was started.
    bool open_browser(std::string_view url) noexcept override;
    // One line (or block) on standard error, known secrets masked: standard output stays the result.
    void notify_user(std::string_view text) noexcept override;
    // Asks on standard error, reads one line from standard input; nullopt at end of input (no
    // terminal, CI). The answer (a pasted callback URL or code) is masked in all later output.
    [[nodiscard]] std::optional<std::string> prompt_user(std::string_view question) noexcept override;
    // "credential_store.v1": the host's credential store, when it keeps credentials; else nullptr.
    [[nodiscard]] void* query_service(std::string_view service_id) noexcept override;

private:
    // default_oauth_app's body; throws on a defect (the service catches it).
    [[nodiscard]] std::optional<connector_sdk::oauth_app_credentials>
    read_oauth_app(std::string_view connector_id) const;

    host_services_scope scope_;
    const host_clock& clock_;
    host_log& log_;
    const license_repository& licenses_;
    secret_redactor& redactor_;
    oauth_app_source oauth_apps_;
    std::mutex terminal_mutex_; // one question or message at a time on the terminal
    std::unique_ptr<host_credential_store> credentials_;
};

} // namespace sample_host
