#include "connector/entry_point.hpp"

namespace sage {

std::string failed_unexpectedly_sentence(std::string_view what)
{
    return "the connector failed unexpectedly (" + std::string(what) + "); please report this to the vendor";
}

void log_unexpected(connector_sdk::host_services& services, std::string_view entry_point,
                    std::string_view what) noexcept
{
    try {
        services.log(connector_sdk::log_level::error,
                     std::string(entry_point) + " failed unexpectedly: " + std::string(what));
    } catch (...) {
        // the host's log failed too: nothing more can be said
    }
}

} // namespace sage
