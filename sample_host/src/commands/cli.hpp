// sample_host's command line: global options, the command groups, parsing with CLI11, and the mapping
// of outcomes to exit codes (0 ok, 1 refused/unavailable/invalid, 2 usage error).
#pragma once

#include <iosfwd>

namespace sample_host {

// Runs sample_host with `argv`, printing results on `out` and diagnostics on `err`. Returns the exit
// code. Never throws.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) noexcept;

} // namespace sample_host
