// Looking up the embedded console files (the table itself is generated into console_assets_data.cpp).
#include "console/console_assets.hpp"

#include <algorithm>

namespace sample_host {

const console_asset* find_console_asset(std::string_view path) noexcept
{
    const auto assets = console_assets();
    const auto found = std::lower_bound(assets.begin(), assets.end(), path,
                                        [](const console_asset& a, std::string_view p) { return a.path < p; });
    return found != assets.end() && found->path == path ? &*found : nullptr;
}

} // namespace sample_host
