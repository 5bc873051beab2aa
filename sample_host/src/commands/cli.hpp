// sample_host's command line: global options, the command groups, parsing with CLI11, and the mapping
// of outcomes to exit codes (0 ok, 1 refused/unavailable/invalid, 2 usage error).
#pragma once

#include "commands/commands.hpp"

#include <iosfwd>
#include <span>

namespace sample_host {

// Adds a command group that lives above the command line's own (the web console's `serve`).
using command_installer = void (*)(CLI::App& app, command_action& chosen);

// Runs sample_host with `argv`, printing results on `out` and diagnostics on `err`; `more_commands`
// are added after the built-in ones. Returns the exit code. Never throws.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            std::span<const command_installer> more_commands = {}) noexcept;

} // namespace sample_host
