// The interface every connector implements. Frozen for SDK major 1: a new capability is a new
// interface reached through query_extension, never a change here.
#pragma once

#include <connector_sdk/form.hpp>
#include <connector_sdk/host_services.hpp>
#include <connector_sdk/property.hpp>
#include <connector_sdk/results.hpp>
#include <connector_sdk/version.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

CONNECTOR_SDK_BEGIN_NAMESPACE

struct connector_info {
    std::string id;      // stable, e.g. "acme-books"; equals the manifest id
    std::string name;    // e.g. "Acme Books"
    std::string version; // semantic version of the connector
};

// Every method is noexcept: failures come back as result values, never as exceptions.
// Thread-safety: describe_properties, validate, info and check_license may be called concurrently;
// test and create may run concurrently with each other and with the former (connectors serialise
// what they must internally).
class connector {
public:
    virtual ~connector() = default;

    [[nodiscard]] virtual connector_info info() const noexcept = 0;

    // The connection form, ordered for display. Needs no licence and no network.
    [[nodiscard]] virtual std::vector<property_descriptor> describe_properties() const noexcept = 0;

    // Checks a form without any network access and without a licence.
    [[nodiscard]] virtual validation_result validate(const form_values& form) const noexcept = 0;

    // TEST: validates, checks the licence, then proves the connection works.
    [[nodiscard]] virtual test_result test(const form_values& form) noexcept = 0;

    // CREATE: validates, checks the licence, runs TEST unless told not to, and returns the record the
    // host should persist. Persisting is the host's job.
    [[nodiscard]] virtual create_result create(const form_values& form, const create_options& options) noexcept = 0;

    // The licence state for the host's tenant, read through host_services::license_token.
    [[nodiscard]] virtual license_status check_license() noexcept = 0;

    // A further interface by its versioned id (e.g. "oauth_management.v1"), or nullptr when not
    // provided. The pointer lives as long as this connector. Hosts call find_extension<T>() below
    // rather than casting the pointer themselves.
    [[nodiscard]] virtual void* query_extension(std::string_view interface_id) noexcept = 0;
};

// Since SDK 1.1: the extension T of `c`, or nullptr when `c` does not provide it. T names its
// versioned id as `static constexpr std::string_view id` (see oauth_management.hpp), so the id and
// the type asked for can never disagree.
template <class T>
[[nodiscard]] T* find_extension(connector& c) noexcept
{
    static_assert(std::is_convertible_v<decltype(T::id), std::string_view>,
                  "an extension type names its versioned id as static constexpr std::string_view id");
    return static_cast<T*>(c.query_extension(T::id));
}

// The signature every plugin exports under factory_alias (see abi.hpp). It may throw; the host
// loader catches and refuses the plugin. `services` must outlive the returned connector.
using connector_factory = std::unique_ptr<connector>(host_services& services);

CONNECTOR_SDK_END_NAMESPACE
