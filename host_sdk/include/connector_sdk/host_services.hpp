// What a host provides to a connector: time, logging, the tenant and its licence, a place to keep
// state, and a way to reach the person at the host. The host implements it; the connector only calls.
#pragma once

#include <connector_sdk/version.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

CONNECTOR_SDK_BEGIN_NAMESPACE

enum class log_level : std::uint8_t { debug, info, warning, error };

constexpr std::string_view to_string(log_level level) noexcept
{
    switch (level) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warning: return "warning";
    case log_level::error: return "error";
    }
    return "info";
}

// An OAuth application the host registered on behalf of its users, used when a form leaves Client
// ID and Client Secret empty.
struct oauth_app_credentials {
    std::string client_id;
    std::string client_secret;
};

// One instance serves one tenant. Every method may be called from any thread, concurrently; the
// host must make them thread-safe. The object must outlive every connector created with it.
//
// Versioning: new methods are only ever appended, with a minor SDK version bump. A plugin built
// against minor N calls only methods of minor <= N, and hosts refuse plugins of a newer minor, so
// the vtable a plugin calls into always has the slot it expects.
class host_services {
public:
    virtual ~host_services() = default;

    // The current time. Connectors read time only from here, so hosts and tests control expiry.
    [[nodiscard]] virtual std::chrono::system_clock::time_point now() const noexcept = 0;

    // A diagnostic line. Connectors never pass a secret value here.
    virtual void log(log_level level, std::string_view message) noexcept = 0;

    // The tenant this instance serves; licences name it.
    [[nodiscard]] virtual std::string tenant_id() const noexcept = 0;

    // The signed licence token the marketplace issued to this tenant for `connector_id`, if any.
    [[nodiscard]] virtual std::optional<std::string> license_token(std::string_view connector_id) const noexcept = 0;

    // A folder, private to this connector and tenant, where it may persist state (token sets...).
    // The host creates it with mode 0700 before handing it out.
    [[nodiscard]] virtual std::filesystem::path state_directory() const noexcept = 0;

    // OAuth application credentials the host offers for `connector_id`, if it has registered one.
    [[nodiscard]] virtual std::optional<oauth_app_credentials>
    default_oauth_app(std::string_view connector_id) const noexcept = 0;

    // Asks the host to open `url` in the user's browser. Returns whether a browser was started.
    // The connector also shows the URL through notify_user, so a headless user can copy it.
    virtual bool open_browser(std::string_view url) noexcept = 0;

    // Shows a line to the person at the host (not a log line).
    virtual void notify_user(std::string_view text) noexcept = 0;

    // Asks the person at the host a question and returns the answer, or nothing when nobody can
    // answer (no terminal, a service, CI).
    [[nodiscard]] virtual std::optional<std::string> prompt_user(std::string_view question) noexcept = 0;

    // Since SDK 1.1: a further service of the host by its versioned id (e.g. "credential_store.v1"),
    // or nullptr when the host does not offer it. The pointer lives as long as this object.
    // Connectors call find_service<T>() below rather than casting the pointer themselves.
    [[nodiscard]] virtual void* query_service(std::string_view service_id) noexcept
    {
        (void)service_id;
        return nullptr;
    }
};

// Since SDK 1.1: the service T of `services`, or nullptr when the host does not offer it. T names its
// versioned id as `static constexpr std::string_view id` (see credential_store.hpp).
template <class T>
[[nodiscard]] T* find_service(host_services& services) noexcept
{
    return static_cast<T*>(services.query_service(T::id));
}

CONNECTOR_SDK_END_NAMESPACE
