// `sample_host serve`: the web console (docs/console.md) on the data folder and plugins the global
// options name, acting as the --as user. Added to the command line by main.cpp.
#pragma once

#include "commands/commands.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace sample_host {

void add_serve_command(CLI::App& app, command_action& chosen);

// Where to listen: "ADDR:PORT", "[IPv6]:PORT" or "localhost:PORT" ("localhost" is 127.0.0.1).
struct listen_address {
    std::string address; // an IP literal, IPv6 without brackets
    std::uint16_t port = 0;
    bool loopback = false; // 127.0.0.0/8 or ::1
};

// Throws usage_error naming the mistake and the expected shape.
[[nodiscard]] listen_address parse_listen_address(std::string_view text);

} // namespace sample_host
