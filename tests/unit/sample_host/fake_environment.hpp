// A process environment for the sample host's unit suites: an environment_lookup over a fixed map,
// so a test never touches the real environment. Empty values count as unset, as in the host.
#pragma once

#include "runtime/host_locations.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace test_support {

inline sample_host::environment_lookup fake_env(std::map<std::string, std::string> variables)
{
    return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
        auto it = variables.find(std::string(name));
        if (it == variables.end() || it->second.empty())
            return std::nullopt;
        return it->second;
    };
}

} // namespace test_support
