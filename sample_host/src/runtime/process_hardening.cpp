#include "runtime/process_hardening.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace sample_host {

connector_support::result<void> forbid_core_dumps()
{
    const rlimit none{0, 0};
    if (::setrlimit(RLIMIT_CORE, &none) != 0)
        return connector_support::fail(connector_sdk::error_category::internal,
                                       std::string("cannot switch core dumps off (setrlimit RLIMIT_CORE: ") +
                                           std::strerror(errno) + ")");
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return connector_support::fail(connector_sdk::error_category::internal,
                                       std::string("cannot mark the process not dumpable (prctl PR_SET_DUMPABLE: ") +
                                           std::strerror(errno) + ")");
    return {};
}

} // namespace sample_host
