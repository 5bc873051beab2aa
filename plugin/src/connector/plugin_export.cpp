// The plugin's two exported symbols: the ABI descriptor and the factory (see connector_sdk/abi.hpp).
#include "connector/sage_connector.hpp"

#include <marketplace_keys.hpp>

#include <connector_sdk/export.hpp>

namespace sage {
// The factory the host calls. It may throw (std::bad_alloc); the host loader catches.
std::unique_ptr<connector_sdk::connector> create_connector(connector_sdk::host_services& services)
{
    return sage_connector::make(services, marketplace_keys::trusted);
}
} // namespace sage

CONNECTOR_SDK_EXPORT_CONNECTOR(sage::create_connector, sage::connector_id)
