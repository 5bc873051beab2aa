// Why no answer came from a service, as the one failure (category + sentence naming the cause and the
// remedy) every caller of the HTTPS client reports. Never contains a secret.
#pragma once

#include "transport/http_client.hpp"

#include <connector_support/result.hpp>

#include <string>
#include <string_view>

namespace sage {

// No answer from `service` ("Sage's token endpoint", "the Sage API"...); `detail` is the client's message.
[[nodiscard]] connector_support::failure describe_transport(transport_failure failure, const std::string& detail,
                                                            std::string_view service);

} // namespace sage
