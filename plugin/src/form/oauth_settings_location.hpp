// Where the OAuth token set lives (OAuthSettingsLocation): a file, process memory (memory://id), or
// the host's default per-connection file. Parsing and the default file name live here so the
// validator and the token store agree.
#pragma once

#include <connector_support/result.hpp>
#include <cstdint>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sage {

struct oauth_settings_location {
    enum class kind : std::uint8_t {
        host_default, // not given: a per-connection file in the host's state folder
        file,         // an absolute path, or ~/... relative to the user's home folder
        memory,       // memory://<id>: process memory shared by connections with the same id
    };

    kind where = kind::host_default;
    std::filesystem::path file; // kind::file, as given (a leading ~/ not yet expanded)
    std::string memory_id;      // kind::memory

    // The file holding the token set, or nothing for kind::memory. `home` expands a leading "~/"
    // (nothing when the user has no home folder: then a ~/ path cannot be resolved either).
    [[nodiscard]] std::optional<std::filesystem::path>
    token_file(const std::filesystem::path& state_directory, std::string_view connection_name,
               const std::optional<std::filesystem::path>& home) const;
};

// Reads a non-empty OAuthSettingsLocation value: memory://<id> with id of [A-Za-z0-9._-]+, or an
// absolute path, or a path starting with ~/. A failure's sentence follows the label ("must be ...")
// and never repeats the text.
[[nodiscard]] connector_support::result<oauth_settings_location> parse_oauth_settings_location(std::string_view text);

// The host-default file for a connection: <state>/oauth/<name, made file-safe>-<16 hex digits of a
// hash of the exact name>.json, so two names that look alike once made file-safe never share a file.
[[nodiscard]] std::filesystem::path default_oauth_settings_file(const std::filesystem::path& state_directory,
                                                                std::string_view connection_name);

} // namespace sage
