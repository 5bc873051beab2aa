#include "runtime/host_locations.hpp"

#include "runtime/host_error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include <sys/stat.h>

namespace sample_host {
namespace fs = std::filesystem;

environment_lookup process_environment()
{
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr || *value == '\0')
            return std::nullopt;
        return std::string(value);
    };
}

fs::path resolve_plugin_dir(const std::optional<std::string>& flag, const environment_lookup& env,
                            const fs::path& executable)
{
    if (flag && !flag->empty())
        return fs::path(*flag);
    if (auto from_env = env("SAMPLE_HOST_PLUGINS"))
        return fs::path(*from_env);
    // Compare canonical paths, so a symlinked build folder still counts as the build tree.
    std::error_code ec;
    const fs::path build_dir = fs::weakly_canonical(SAMPLE_HOST_BUILD_DIR, ec);
    const fs::path exe = fs::weakly_canonical(executable, ec);
    const auto [end, _] = std::mismatch(build_dir.begin(), build_dir.end(), exe.begin(), exe.end());
    if (!build_dir.empty() && end == build_dir.end())
        return fs::path(SAMPLE_HOST_DEFAULT_PLUGIN_DIR);
    return (exe.parent_path() / SAMPLE_HOST_INSTALLED_PLUGIN_DIR).lexically_normal();
}

fs::path resolve_data_dir(const std::optional<std::string>& flag, const environment_lookup& env)
{
    if (flag && !flag->empty())
        return fs::path(*flag);
    if (auto from_env = env("SAMPLE_HOST_DATA"))
        return fs::path(*from_env);
    // XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
    if (auto xdg = env("XDG_DATA_HOME"); xdg && fs::path(*xdg).is_absolute())
        return fs::path(*xdg) / "sample-host";
    if (auto home = env("HOME"))
        return fs::path(*home) / ".local" / "share" / "sample-host";
    throw host_error("no data folder: HOME is not set; pass --data DIR or set SAMPLE_HOST_DATA");
}

std::string resolve_user(const std::optional<std::string>& flag, const environment_lookup& env)
{
    if (flag && !flag->empty())
        return *flag;
    if (auto from_env = env("SAMPLE_HOST_USER"))
        return *from_env;
    return "admin";
}

fs::path executable_path(const char* argv0)
{
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        return self;
    return fs::absolute(argv0 != nullptr ? argv0 : "sample_host", ec);
}

void ensure_private_directory(const fs::path& folder)
{
    std::error_code ec;
    if (fs::is_directory(folder, ec))
        return;
    if (fs::exists(folder, ec))
        throw host_error(folder.string() + " exists but is not a folder: remove it or choose another location");
    if (folder.has_parent_path() && folder.parent_path() != folder)
        ensure_private_directory(folder.parent_path());
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST)
        throw host_error("cannot create the folder " + folder.string() + ": " + std::strerror(errno) +
                         ": check the permissions of its parent or choose another location");
    // mkdir applies the umask; a private folder must be exactly 0700 whatever the umask says.
    ::chmod(folder.c_str(), 0700);
}

} // namespace sample_host
