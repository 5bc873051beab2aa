// Times as users read them in the connector's messages: "2027-01-31 09:30:00 UTC".
#pragma once

#include <chrono>
#include <string>

namespace sage {

[[nodiscard]] std::string utc_time_text(std::chrono::sys_seconds time);

} // namespace sage
