// The web sign-ins the console has begun ("Sign in with Sage"): for each flow id (the OAuth state),
// the session that began it, the connector and form it completes with, and how it ended, so the
// callback page can complete it and the console's window can poll for the outcome. Memory only;
// forgotten 15 minutes after they began. Thread-safe.
#pragma once

#include <connector_sdk/error_category.hpp>
#include <connector_sdk/form.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

struct loaded_plugin;

enum class sign_in_state : std::uint8_t { pending, completing, done, failed };

[[nodiscard]] std::string_view to_string(sign_in_state state) noexcept; // completing reads "pending"

struct sign_in_flow {
    std::string flow_id;
    std::string session_id;                      // only this session may see the outcome
    std::shared_ptr<const loaded_plugin> plugin; // keeps the connector (and its extension) alive
    connector_sdk::form_values form;             // what complete() needs; holds secrets, never shown
    sign_in_state state = sign_in_state::pending;
    connector_sdk::error_category category = connector_sdk::error_category::none;
    std::string message;
    std::chrono::steady_clock::time_point began;
};

struct sign_in_outcome {
    sign_in_state state = sign_in_state::pending;
    connector_sdk::error_category category = connector_sdk::error_category::none;
    std::string message;
};

class sign_in_flows final {
public:
    using clock_function = std::function<std::chrono::steady_clock::time_point()>;

    explicit sign_in_flows(
        std::chrono::seconds lifetime = std::chrono::minutes(15),
        clock_function now = [] { return std::chrono::steady_clock::now(); });

    void add(sign_in_flow flow);

    // The flow `flow_id` for its callback, marked completing so a second callback cannot complete it
    // again; nullopt when unknown, expired or already completing or ended.
    [[nodiscard]] std::optional<sign_in_flow> begin_completion(std::string_view flow_id);

    // Records how the flow ended; its form is dropped.
    void finish(std::string_view flow_id, bool ok, connector_sdk::error_category category, std::string message);

    // The outcome for the session that began the flow; nullopt for anyone else or an unknown flow.
    [[nodiscard]] std::optional<sign_in_outcome> outcome(std::string_view flow_id, std::string_view session_id);

private:
    void forget_expired(std::chrono::steady_clock::time_point now);

    std::chrono::seconds lifetime_;
    clock_function now_;
    std::mutex mutex_;
    std::map<std::string, sign_in_flow, std::less<>> flows_;
};

} // namespace sample_host
