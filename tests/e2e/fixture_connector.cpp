// A small, deterministic connector for the sample host's end-to-end tests: a form with every value
// type and several secrets, a TEST whose outcome the form decides, a CREATE that returns the record,
// and deliberate misbehaviour on request (echoing a secret into messages and logs) so the tests can
// prove the host masks secrets even when a connector does not. No network, no licence. Its
// web_sign_in.v1 lets the web console's sign-in be driven end to end: the test plays the
// authorization server and sends the browser straight back to the console's callback.
#include <connector_sdk/export.hpp>
#include <connector_sdk/sdk.hpp>
#include <connector_sdk/web_sign_in.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace e2e_fixture {
namespace {

using namespace connector_sdk;

std::string text(const form_values& form, std::string_view key)
{
    if (const auto* value = form.get_if<std::string>(key))
        return *value;
    return {};
}

std::string trimmed(std::string s)
{
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

std::string iso(std::chrono::system_clock::time_point t)
{
    const auto secs = std::chrono::floor<std::chrono::seconds>(t);
    const auto days = std::chrono::floor<std::chrono::days>(secs);
    const std::chrono::year_month_day ymd{days};
    const std::chrono::hh_mm_ss hms{secs - days};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buffer;
}

property_descriptor property(std::string key, std::string label, property_type type, bool secret = false,
                             bool required = false)
{
    property_descriptor p;
    p.key = std::move(key);
    p.label = std::move(label);
    p.type = type;
    p.secret = secret;
    p.required = required;
    return p;
}

// web_sign_in.v1 without a network: a flow is begun with an API Key in the form; its callback
// completes it when the URL goes to the redirect URI given at the start and carries the flow's state
// and a code ("error=..." ends it refused).
class fixture_web_sign_in final : public web_sign_in {
public:
    web_sign_in_start begin(const form_values& form, std::string_view redirect_uri) noexcept override
    {
        web_sign_in_start start;
        try {
            if (text(form, "ApiKey").empty()) {
                start.category = error_category::config;
                start.message = "an API Key is needed to sign in: enter the API Key";
                return start;
            }
            std::lock_guard lock(mutex_);
            start.flow_id = "fixture-state-" + std::to_string(++flows_);
            pending_[start.flow_id] = std::string(redirect_uri);
            start.authorization_url = "https://fixture.invalid/authorize?state=" + start.flow_id;
            start.category = error_category::none;
        } catch (...) {
            start.category = error_category::internal;
            start.message = "internal error";
        }
        return start;
    }

    oauth_operation_result complete(const form_values&, std::string_view flow_id,
                                    std::string_view callback_url) noexcept override
    {
        oauth_operation_result result;
        try {
            std::lock_guard lock(mutex_);
            const auto found = pending_.find(std::string(flow_id));
            if (found == pending_.end()) {
                result.category = error_category::config;
                result.message = "no sign-in is pending under this state: start it again";
                return result;
            }
            const std::string url(callback_url);
            const std::string redirect = found->second;
            pending_.erase(found);
            const bool ours =
                url.rfind(redirect + "?", 0) == 0 && url.find("state=" + std::string(flow_id)) != std::string::npos;
            if (!ours) {
                result.category = error_category::auth;
                result.message = "the callback does not belong to this sign-in";
            } else if (url.find("error=") != std::string::npos) {
                result.category = error_category::auth;
                result.message =
                    "the fixture's consent page was refused (access_denied): sign in again and allow access";
            } else if (url.find("code=") == std::string::npos) {
                result.category = error_category::auth;
                result.message = "the callback carries no code";
            } else {
                result.ok = true;
                result.category = error_category::none;
                result.message = "signed in to the fixture";
            }
        } catch (...) {
            result.category = error_category::internal;
            result.message = "internal error";
        }
        return result;
    }

    void cancel(std::string_view flow_id) noexcept override
    {
        try {
            std::lock_guard lock(mutex_);
            pending_.erase(std::string(flow_id));
        } catch (...) {
        }
    }

private:
    std::mutex mutex_;
    int flows_ = 0;
    std::map<std::string, std::string> pending_; // flow id -> redirect URI
};

class fixture_connector final : public connector {
public:
    explicit fixture_connector(host_services& services) noexcept : services_(services) {}

    connector_info info() const noexcept override { return {"e2e-fixture", "E2E Fixture", "0.1.0"}; }

    std::vector<property_descriptor> describe_properties() const noexcept override
    {
        try {
            std::vector<property_descriptor> form{
                property("ConnectionName", "Connection Name", property_type::string, false, true),
                property("Endpoint", "Endpoint", property_type::string),
                property("ApiKey", "API Key", property_type::string, true),
                property("Password", "Password", property_type::string, true),
                property("Verbose", "Verbose", property_type::boolean),
                property("Retries", "Retries", property_type::integer),
                property("Certificate", "Certificate", property_type::file),
                property("AdditionalConfiguration", "Add Configuration", property_type::key_value_list),
            };
            form[1].default_value = "ok";
            form[4].default_value = "false";
            form[5].minimum = 0;
            form[5].maximum = 10;
            for (std::size_t i = 0; i < form.size(); ++i)
                form[i].order = static_cast<int>(i);
            return form;
        } catch (...) {
            return {};
        }
    }

    validation_result validate(const form_values& form) const noexcept override
    {
        validation_result result;
        try {
            if (trimmed(text(form, "ConnectionName")).empty())
                result.errors.push_back({"ConnectionName", "Connection Name is required: enter a name"});
            if (const auto* retries = form.find("Retries")) {
                const auto* number = std::get_if<std::int64_t>(retries);
                if (number == nullptr || *number < 0 || *number > 10)
                    result.errors.push_back({"Retries", "Retries must be a whole number from 0 to 10"});
            }
            if (const auto* verbose = form.find("Verbose");
                verbose != nullptr && !std::holds_alternative<bool>(*verbose))
                result.errors.push_back({"Verbose", "Verbose must be true or false"});
        } catch (...) {
            result.errors.push_back({"", "internal error while validating"});
        }
        return result;
    }

    test_result test(const form_values& form) noexcept override
    {
        test_result result;
        try {
            const validation_result checked = validate(form);
            if (!checked.ok()) {
                result.category = error_category::config;
                result.message = "the form has " + std::to_string(checked.errors.size()) + " problem(s)";
                result.field_errors = checked.errors;
                return result;
            }
            const std::string endpoint = form.contains("Endpoint") ? text(form, "Endpoint") : "ok";
            const std::string key = text(form, "ApiKey");
            services_.log(log_level::info, "testing endpoint " + endpoint);
            if (endpoint == "echo-secret") {
                // Misbehaves on purpose: a careless connector leaking the key into a log line and a message.
                services_.log(log_level::error, "rejected API key " + key);
                services_.notify_user("your key " + key + " was refused");
                result.category = error_category::auth;
                result.message = "the API key " + key + " was rejected";
                result.detail = "key=" + key;
                return result;
            }
            if (endpoint != "ok" || key.empty()) {
                result.category = error_category::auth;
                result.message = "the endpoint refused the API key: check the API Key";
                return result;
            }
            result.available = true;
            result.category = error_category::none;
            result.message = "connected";
            result.detail = "tenant=" + services_.tenant_id() + " state=" + services_.state_directory().string() +
                            " now=" + iso(services_.now());
        } catch (...) {
            result.category = error_category::internal;
            result.message = "internal error";
        }
        return result;
    }

    create_result create(const form_values& form, const create_options& options) noexcept override
    {
        create_result result;
        try {
            const validation_result checked = validate(form);
            if (!checked.ok()) {
                result.category = error_category::config;
                result.message = "the form has problems";
                result.field_errors = checked.errors;
                return result;
            }
            if (options.run_test) {
                result.test = test(form);
                if (!result.test->available) {
                    result.category = result.test->category;
                    result.message = "not created: " + result.test->message;
                    return result;
                }
            }
            result.created = true;
            result.category = error_category::none;
            result.record.name = trimmed(text(form, "ConnectionName"));
            result.record.connector_id = "e2e-fixture";
            const auto properties = describe_properties();
            for (const auto& [key, value] : form) {
                bool secret = false;
                for (const auto& p : properties)
                    secret = secret || (p.key == key && p.secret);
                result.record.fields.push_back({key, value, secret});
            }
        } catch (...) {
            result.created = false;
            result.category = error_category::internal;
            result.message = "internal error";
        }
        return result;
    }

    license_status check_license() noexcept override
    {
        license_status status;
        try {
            const auto token = services_.license_token("e2e-fixture");
            status.state = token ? license_state::subscription_active : license_state::none;
            status.reason = token ? "a token is stored" : "free connector: no licence needed";
        } catch (...) {
        }
        return status;
    }

    void* query_extension(std::string_view id) noexcept override
    {
        if (id == web_sign_in::id)
            return static_cast<web_sign_in*>(&sign_in_);
        return nullptr;
    }

private:
    host_services& services_;
    fixture_web_sign_in sign_in_;
};

} // namespace

std::unique_ptr<connector_sdk::connector> create_connector(connector_sdk::host_services& services)
{
    return std::make_unique<fixture_connector>(services);
}

} // namespace e2e_fixture

CONNECTOR_SDK_EXPORT_CONNECTOR(e2e_fixture::create_connector, "e2e-fixture")
