// What a connector answers: validation errors per field, TEST and CREATE outcomes, licence status.
// Plain value types: a host may copy, store and destroy them after the connector is gone.
#pragma once

#include <connector_sdk/error_category.hpp>
#include <connector_sdk/form.hpp>
#include <connector_sdk/version.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CONNECTOR_SDK_BEGIN_NAMESPACE

// One problem with one field. `key` is the property key ("" for the form as a whole); `message`
// names the cause and the remedy and never contains a secret value.
struct field_error {
    std::string key;
    std::string message;
};

struct validation_result {
    std::vector<field_error> errors;

    [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

// The marketplace's two TEST outcomes.
inline constexpr std::string_view connection_available_text = "connection available";
inline constexpr std::string_view connection_unavailable_text = "Connection unavailable";

struct test_result {
    bool available = false;
    error_category category = error_category::internal;
    std::string message;                   // one sentence: the cause and the remedy, or who is connected
    std::vector<field_error> field_errors; // when category == config
    std::string detail;                    // further lines a host may show on request (no secrets)

    // The line a user sees first: "connection available" or "Connection unavailable: <message>".
    [[nodiscard]] std::string headline() const
    {
        if (available)
            return std::string(connection_available_text);
        std::string line(connection_unavailable_text);
        if (!message.empty()) {
            line += ": ";
            line += message;
        }
        return line;
    }
};

// One value of a connection as the host should store it. Secret fields must be stored protected
// and shown masked.
struct record_field {
    std::string key;
    form_value value;
    bool secret = false;
};

// A connection as the connector wants it persisted: normalised values under their canonical keys.
struct connection_record {
    std::string name; // the Connection Name, trimmed
    std::string connector_id;
    std::vector<record_field> fields;
};

struct create_options {
    bool run_test = true; // run TEST first and refuse to create an unavailable connection
};

struct create_result {
    bool created = false;
    error_category category = error_category::internal;
    std::string message;
    std::vector<field_error> field_errors;
    std::optional<test_result> test; // present when TEST ran
    connection_record record;        // meaningful when created
};

enum class license_state : std::uint8_t {
    none,                // no licence for this tenant
    trial_active,        // a trial that has not ended
    subscription_active, // a paid plan that has not ended
    grace,               // ended less than grace_days ago: works, with a warning
    expired,             // ended, grace over
    invalid,             // present but not acceptable: the reason says why
    not_required,        // since SDK 1.1: a free connector; it needs no licence and is always usable
};

constexpr std::string_view to_string(license_state state) noexcept
{
    switch (state) {
    case license_state::none: return "none";
    case license_state::trial_active: return "trial_active";
    case license_state::subscription_active: return "subscription_active";
    case license_state::grace: return "grace";
    case license_state::expired: return "expired";
    case license_state::invalid: return "invalid";
    case license_state::not_required: return "not_required";
    }
    return "invalid";
}

struct license_status {
    license_state state = license_state::none;
    std::string reason;       // precise, for administrators and logs
    std::string user_message; // the sentence a user sees
    std::string kind;         // "trial" | "subscription" when a licence was read
    std::string plan;         // "trial" | "monthly" | "annual"
    std::optional<std::chrono::sys_seconds> expires_at;
    std::optional<int> days_left;

    // Whether the connector may be used under this status.
    [[nodiscard]] bool permits_use() const noexcept
    {
        return state == license_state::trial_active || state == license_state::subscription_active ||
               state == license_state::grace || state == license_state::not_required;
    }
};

CONNECTOR_SDK_END_NAMESPACE
