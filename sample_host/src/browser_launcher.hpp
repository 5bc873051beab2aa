// Opens a URL in the user's desktop browser with xdg-open, started with posix_spawn (no shell, so
// nothing in the URL is ever interpreted), and only when there is a desktop to show it on.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

// The full path of `program` found in PATH, if any.
[[nodiscard]] std::optional<std::string> find_in_path(std::string_view program, std::string_view path_variable);

// Starts `xdg-open url` when DISPLAY or WAYLAND_DISPLAY is set and xdg-open is in PATH; returns
// whether it was started. The child is reaped in the background; its output goes to /dev/null.
bool open_in_browser(std::string_view url) noexcept;

} // namespace sample_host
