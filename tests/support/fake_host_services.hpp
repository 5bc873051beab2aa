// A host_services implementation for tests: a settable clock, captured log lines and user messages,
// scripted prompt answers, a licence token the test chooses, and, when the test offers one, a
// credential store (credential_store.v1) reached through query_service.
#pragma once

#include <connector_sdk/credential_store.hpp>
#include <connector_sdk/host_services.hpp>

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

class fake_host_services final : public connector_sdk::host_services {
public:
    explicit fake_host_services(std::filesystem::path state_directory = std::filesystem::temp_directory_path());
    ~fake_host_services() override; // waits for the browser threads it started

    // Controls
    void set_now(std::chrono::system_clock::time_point now);
    void advance(std::chrono::seconds by);
    void set_tenant(std::string tenant);
    void set_license_token(std::optional<std::string> token);
    void set_default_oauth_app(std::optional<connector_sdk::oauth_app_credentials> app);
    void push_prompt_answer(std::optional<std::string> answer);
    void set_browser_available(bool available);
    // A "browser": open_browser(url) runs it on a thread of its own and reports success.
    void set_browser(std::function<void(const std::string& url)> browser);
    // Answers prompt_user by calling `handler` (after any queued answers are used up).
    void set_prompt_handler(std::function<std::optional<std::string>(const std::string& question)> handler);
    // Offers `store` as "credential_store.v1" (nullptr: offers none, the default). Not owned.
    void set_credential_store(connector_sdk::credential_store* store);

    // Observations
    [[nodiscard]] std::vector<std::string> log_lines() const;
    [[nodiscard]] std::vector<std::string> user_messages() const;
    [[nodiscard]] std::vector<std::string> opened_urls() const;
    // Every line the connector ever produced through this object, logs and user messages alike.
    [[nodiscard]] std::string everything_said() const;

    // host_services
    [[nodiscard]] std::chrono::system_clock::time_point now() const noexcept override;
    void log(connector_sdk::log_level level, std::string_view message) noexcept override;
    [[nodiscard]] std::string tenant_id() const noexcept override;
    [[nodiscard]] std::optional<std::string> license_token(std::string_view connector_id) const noexcept override;
    [[nodiscard]] std::filesystem::path state_directory() const noexcept override;
    [[nodiscard]] std::optional<connector_sdk::oauth_app_credentials>
    default_oauth_app(std::string_view connector_id) const noexcept override;
    bool open_browser(std::string_view url) noexcept override;
    void notify_user(std::string_view text) noexcept override;
    [[nodiscard]] std::optional<std::string> prompt_user(std::string_view question) noexcept override;
    [[nodiscard]] void* query_service(std::string_view service_id) noexcept override;

private:
    mutable std::mutex mutex_;
    std::chrono::system_clock::time_point now_;
    std::string tenant_ = "tenant-test";
    std::optional<std::string> license_token_;
    std::optional<connector_sdk::oauth_app_credentials> default_app_;
    std::filesystem::path state_directory_;
    std::vector<std::string> logs_;
    std::vector<std::string> user_messages_;
    std::vector<std::string> opened_urls_;
    std::deque<std::optional<std::string>> answers_;
    bool browser_available_ = false;
    std::function<void(const std::string&)> browser_;
    std::function<std::optional<std::string>(const std::string&)> prompt_handler_;
    std::vector<std::thread> browser_threads_;
    connector_sdk::credential_store* credential_store_ = nullptr;
};

} // namespace test_support
