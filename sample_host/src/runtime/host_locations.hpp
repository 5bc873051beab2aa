// Where the host finds plugins and keeps its data, and who is acting: each from a flag, else an
// environment variable, else a default that works from the build tree and from an installation.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

// Reads an environment variable; empty values count as unset. Injected so tests need not touch the
// process environment.
using environment_lookup = std::function<std::optional<std::string>(std::string_view name)>;

[[nodiscard]] environment_lookup process_environment();

// --plugins, else SAMPLE_HOST_PLUGINS, else the build tree's plugin folder when `executable` lives in
// the build tree, else <executable's folder>/../<libdir>/connectors (the installed layout).
[[nodiscard]] std::filesystem::path resolve_plugin_dir(const std::optional<std::string>& flag,
                                                       const environment_lookup& env,
                                                       const std::filesystem::path& executable);

// --data, else SAMPLE_HOST_DATA, else $XDG_DATA_HOME/sample-host, else ~/.local/share/sample-host.
// Throws host_error when no folder can be derived (no HOME).
[[nodiscard]] std::filesystem::path resolve_data_dir(const std::optional<std::string>& flag,
                                                     const environment_lookup& env);

// --as, else SAMPLE_HOST_USER, else "admin".
[[nodiscard]] std::string resolve_user(const std::optional<std::string>& flag, const environment_lookup& env);

// This program's own path (/proc/self/exe), or `argv0` when that cannot be read.
[[nodiscard]] std::filesystem::path executable_path(const char* argv0);

// Creates `folder` (and missing parents) with mode 0700 when it does not exist. An existing folder is
// left as it is. Throws host_error naming the folder when it cannot be created or is not a folder.
void ensure_private_directory(const std::filesystem::path& folder);

} // namespace sample_host
