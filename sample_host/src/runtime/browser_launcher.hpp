// Opens a URL in the user's browser: the program BROWSER names first (as xdg-open and sensible-browser
// honour it), else xdg-open when there is a desktop. Programs are started with posix_spawnp, never
// through a shell, so nothing in the URL or in BROWSER is ever interpreted.
#pragma once

#include "runtime/host_locations.hpp"

#include <connector_support/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

// The full path of `program` found in PATH, if any.
[[nodiscard]] std::optional<std::string> find_in_path(std::string_view program, std::string_view path_variable);

// The commands the BROWSER variable names for `url`: a ':'-separated list of commands, each split at
// blanks (no shell quoting), "%s" in an argument replaced by the URL, else the URL appended as the
// last argument; "%%" is a literal '%'. Empty entries are skipped.
[[nodiscard]] std::vector<std::vector<std::string>> browser_commands(std::string_view browser_variable,
                                                                     std::string_view url);

// A browser started: which program, and from which source. Never the URL.
struct browser_launch {
    std::string program; // argv[0]
    std::string note;    // "started PROGRAM (from BROWSER)" or "started PROGRAM"
};

// Tries each command of BROWSER in order, then xdg-open when DISPLAY or WAYLAND_DISPLAY is set; the
// first program that starts wins. Each runs in its own session (so a Ctrl-C at the host does not
// reach it), with standard input and output on /dev/null and no other descriptor of this process
// (a browser must not keep the loopback listener or the database open); it is reaped in the
// background. The browser started, or (a config failure) why none was: no program named in BROWSER
// could be started, no desktop, no xdg-open. Never the URL.
[[nodiscard]] connector_support::result<browser_launch> open_in_browser(std::string_view url,
                                                                        const environment_lookup& env) noexcept;

} // namespace sample_host
