// The web console's files (HTML, CSS, JS, icons from sample_host/console/), embedded in the binary at
// build time by sample_host/cmake/embed_console_assets.cmake: the console needs no file at run time.
#pragma once

#include <span>
#include <string_view>

namespace sample_host {

struct console_asset {
    std::string_view path;         // "/index.html", "/app.js", "/icons/tile.svg"
    std::string_view content_type; // "text/html; charset=utf-8", ...
    std::span<const unsigned char> bytes;
};

// Every embedded file, sorted by path.
[[nodiscard]] std::span<const console_asset> console_assets() noexcept;

// The file at exactly `path` ("/app.js"), or nullptr. Paths are compared byte for byte: "..",
// encoded characters and anything not embedded never match.
[[nodiscard]] const console_asset* find_console_asset(std::string_view path) noexcept;

} // namespace sample_host
