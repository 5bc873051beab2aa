#include "fake_host_services.hpp"

#include <utility>

namespace test_support {

fake_host_services::fake_host_services(std::filesystem::path state_directory)
    : now_(std::chrono::system_clock::now()), state_directory_(std::move(state_directory))
{
}

fake_host_services::~fake_host_services()
{
    for (auto& t : browser_threads_)
        if (t.joinable())
            t.join();
}

void fake_host_services::set_browser(std::function<void(const std::string& url)> browser)
{
    std::lock_guard lock(mutex_);
    browser_ = std::move(browser);
}

void fake_host_services::set_prompt_handler(
    std::function<std::optional<std::string>(const std::string& question)> handler)
{
    std::lock_guard lock(mutex_);
    prompt_handler_ = std::move(handler);
}

void fake_host_services::set_now(std::chrono::system_clock::time_point now)
{
    std::lock_guard lock(mutex_);
    now_ = now;
}

void fake_host_services::advance(std::chrono::seconds by)
{
    std::lock_guard lock(mutex_);
    now_ += by;
}

void fake_host_services::set_tenant(std::string tenant)
{
    std::lock_guard lock(mutex_);
    tenant_ = std::move(tenant);
}

void fake_host_services::set_license_token(std::optional<std::string> token)
{
    std::lock_guard lock(mutex_);
    license_token_ = std::move(token);
}

void fake_host_services::set_default_oauth_app(std::optional<connector_sdk::oauth_app_credentials> app)
{
    std::lock_guard lock(mutex_);
    default_app_ = std::move(app);
}

void fake_host_services::push_prompt_answer(std::optional<std::string> answer)
{
    std::lock_guard lock(mutex_);
    answers_.push_back(std::move(answer));
}

void fake_host_services::set_browser_available(bool available)
{
    std::lock_guard lock(mutex_);
    browser_available_ = available;
}

std::vector<std::string> fake_host_services::log_lines() const
{
    std::lock_guard lock(mutex_);
    return logs_;
}

std::vector<std::string> fake_host_services::user_messages() const
{
    std::lock_guard lock(mutex_);
    return user_messages_;
}

std::vector<std::string> fake_host_services::opened_urls() const
{
    std::lock_guard lock(mutex_);
    return opened_urls_;
}

std::string fake_host_services::everything_said() const
{
    std::lock_guard lock(mutex_);
    std::string all;
    for (const auto& line : logs_)
        all += line + "\n";
    for (const auto& line : user_messages_)
        all += line + "\n";
    return all;
}

std::chrono::system_clock::time_point fake_host_services::now() const noexcept
{
    std::lock_guard lock(mutex_);
    return now_;
}

void fake_host_services::log(connector_sdk::log_level level, std::string_view message) noexcept
{
    std::lock_guard lock(mutex_);
    logs_.push_back(std::string(connector_sdk::to_string(level)) + ": " + std::string(message));
}

std::string fake_host_services::tenant_id() const noexcept
{
    std::lock_guard lock(mutex_);
    return tenant_;
}

std::optional<std::string> fake_host_services::license_token(std::string_view) const noexcept
{
    std::lock_guard lock(mutex_);
    return license_token_;
}

std::filesystem::path fake_host_services::state_directory() const noexcept
{
    std::lock_guard lock(mutex_);
    return state_directory_;
}

std::optional<connector_sdk::oauth_app_credentials>
fake_host_services::default_oauth_app(std::string_view) const noexcept
{
    std::lock_guard lock(mutex_);
    return default_app_;
}

bool fake_host_services::open_browser(std::string_view url) noexcept
{
    std::lock_guard lock(mutex_);
    opened_urls_.emplace_back(url);
    if (browser_) {
        browser_threads_.emplace_back(browser_, std::string(url));
        return true;
    }
    return browser_available_;
}

void fake_host_services::notify_user(std::string_view text) noexcept
{
    std::lock_guard lock(mutex_);
    user_messages_.emplace_back(text);
}

std::optional<std::string> fake_host_services::prompt_user(std::string_view question) noexcept
{
    std::unique_lock lock(mutex_);
    user_messages_.emplace_back(question);
    if (answers_.empty()) {
        if (!prompt_handler_)
            return std::nullopt;
        auto handler = prompt_handler_;
        const std::string text(question);
        lock.unlock(); // the handler may read what was said
        return handler(text);
    }
    auto answer = std::move(answers_.front());
    answers_.pop_front();
    return answer;
}

void fake_host_services::set_credential_store(connector_sdk::credential_store* store)
{
    std::lock_guard lock(mutex_);
    credential_store_ = store;
}

void* fake_host_services::query_service(std::string_view service_id) noexcept
{
    std::lock_guard lock(mutex_);
    if (service_id == connector_sdk::credential_store::id && credential_store_ != nullptr)
        return static_cast<connector_sdk::credential_store*>(credential_store_);
    return nullptr;
}

} // namespace test_support
