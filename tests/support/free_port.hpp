// A TCP port on 127.0.0.1 that was free a moment ago, for a test that must name a port before anything
// listens on it (a CallbackURL, a server's command line).
#pragma once

#include <cstdint>

namespace test_support {

// Binds port 0 on loopback and answers the port the kernel chose; throws std::system_error when it cannot.
std::uint16_t free_port();

} // namespace test_support
