#include "form/oauth_settings_location.hpp"

#include <connector_support/ascii_text.hpp>

#include <cstdio>

namespace sage {

namespace {
constexpr std::string_view memory_scheme = "memory://";

constexpr bool is_id_char(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

// FNV-1a: stable across runs and platforms, which std::hash is not.
std::uint64_t stable_hash(std::string_view text) noexcept
{
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}
} // namespace

connector_support::result<oauth_settings_location> parse_oauth_settings_location(std::string_view text)
{
    text = connector_support::trim(text);
    oauth_settings_location location;
    if (connector_support::istarts_with(text, memory_scheme)) {
        const std::string_view id = text.substr(memory_scheme.size());
        if (id.empty())
            return connector_support::fail(connector_sdk::error_category::config,
                                           "memory:// needs an id after it, e.g. memory://sage-main");
        for (char c : id)
            if (!is_id_char(c))
                return connector_support::fail(connector_sdk::error_category::config,
                                               "a memory:// id may contain only letters, digits, '.', '_' and '-', "
                                               "e.g. memory://sage-main");
        location.where = oauth_settings_location::kind::memory;
        location.memory_id = std::string(id);
        return location;
    }
    if (text.find("://") != std::string_view::npos)
        return connector_support::fail(connector_sdk::error_category::config,
                                       "must be a file path or memory://<id>; other URL schemes are not supported");
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return connector_support::fail(connector_sdk::error_category::config,
                                           "contains a control character; give a plain file path");
    const bool home_relative = text.starts_with("~/");
    if (!home_relative && !std::filesystem::path(text).is_absolute())
        return connector_support::fail(connector_sdk::error_category::config,
                                       "must be an absolute file path (e.g. /home/me/.sage/tokens.json or "
                                       "~/.sage/tokens.json) or memory://<id>; a relative path would depend on the "
                                       "host's working folder");
    if (text.back() == '/')
        return connector_support::fail(connector_sdk::error_category::config,
                                       "names a folder; give the path of a file, e.g. ~/.sage/tokens.json");
    location.where = oauth_settings_location::kind::file;
    location.file = std::filesystem::path(text);
    return location;
}

std::filesystem::path default_oauth_settings_file(const std::filesystem::path& state_directory,
                                                  std::string_view connection_name)
{
    std::string safe;
    for (char c : connection_name) {
        if (safe.size() == 48)
            break;
        safe += is_id_char(c) ? c : '_';
    }
    if (safe.empty())
        safe = "connection";
    char digest[17];
    std::snprintf(digest, sizeof digest, "%016llx", static_cast<unsigned long long>(stable_hash(connection_name)));
    return state_directory / "oauth" / (safe + "-" + digest + ".json");
}

std::optional<std::filesystem::path>
oauth_settings_location::token_file(const std::filesystem::path& state_directory, std::string_view connection_name,
                                    const std::optional<std::filesystem::path>& home) const
{
    switch (where) {
    case kind::memory: return std::nullopt;
    case kind::host_default: return default_oauth_settings_file(state_directory, connection_name);
    case kind::file: break;
    }
    const std::string text = file.string();
    if (text.starts_with("~/")) {
        if (!home)
            return std::nullopt;
        return *home / text.substr(2);
    }
    return file;
}

} // namespace sage
