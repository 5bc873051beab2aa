// Whether this tenant may use the connector: the licence the host holds for the tenant, verified
// offline against the marketplace keys compiled into the connector, with a persisted high-water mark
// of time so that setting the clock back cannot revive an ended licence.
#pragma once

#include <connector_sdk/host_services.hpp>
#include <connector_sdk/license.hpp>

#include <mutex>
#include <span>

namespace sage {

class license_gate {
public:
    license_gate(connector_sdk::host_services& services, std::span<const connector_sdk::trusted_license_key> keys,
                 std::string_view connector_id, std::string_view connector_display) noexcept;

    // The tenant's licence state right now. Never throws; thread-safe.
    [[nodiscard]] connector_sdk::license_status check() noexcept;

private:
    // check()'s work: read the clock mark, evaluate, advance the mark.
    [[nodiscard]] connector_sdk::license_status evaluate();

    connector_sdk::host_services& services_;
    std::span<const connector_sdk::trusted_license_key> keys_;
    std::string_view connector_id_;
    std::string_view connector_display_;
    std::mutex clock_mutex_; // serialises reading and advancing the high-water mark
};

} // namespace sage
