#include "connectors/plugin_registry.hpp"

#include "runtime/host_error.hpp"
#include <connector_support/phase_timer.hpp>

#include <system_error>

namespace sample_host {

std::string loaded_plugin::id() const
{
    if (plugin.manifest.value)
        return plugin.manifest.value->id;
    return plugin.folder.filename().string();
}

plugin_registry::plugin_registry(std::filesystem::path folder, services_factory make_services,
                                 connector_sdk::loader_options options)
    : folder_(std::move(folder)), make_services_(std::move(make_services)), loader_(options)
{
}

void plugin_registry::require_folder() const
{
    std::error_code ec;
    if (!std::filesystem::is_directory(folder_, ec))
        throw host_error("the plugin folder " + folder_.string() +
                         " does not exist: pass --plugins DIR or set SAMPLE_HOST_PLUGINS to the folder holding one "
                         "sub-folder per connector (manifest.json + library)");
}

std::vector<connector_sdk::discovered_plugin> plugin_registry::discover() const
{
    return loader_.discover(folder_);
}

std::vector<loaded_plugin> plugin_registry::load_all() const
{
    std::vector<loaded_plugin> out;
    for (auto& plugin : discover()) {
        const std::string id = plugin.manifest.value ? plugin.manifest.value->id : plugin.folder.filename().string();
        auto services = make_services_(id);
        auto result = loader_.load(plugin, *services);
        out.emplace_back(std::move(plugin), std::move(services), std::move(result));
    }
    return out;
}

loaded_plugin plugin_registry::load(std::string_view connector_id) const
{
    const connector_support::phase_timer timer("plugin_load");
    require_folder();
    auto plugins = discover();
    connector_sdk::discovered_plugin* match = nullptr;
    for (auto& plugin : plugins)
        if (plugin.manifest.value && plugin.manifest.value->id == connector_id) {
            match = &plugin;
            break;
        }
    if (match == nullptr) {
        // A folder named after the connector whose manifest is broken is the likeliest "not found".
        for (auto& plugin : plugins)
            if (!plugin.manifest.value && plugin.folder.filename() == connector_id) {
                auto result = loader_.inspect(plugin);
                throw host_error("connector '" + std::string(connector_id) + "' in " + plugin.folder.string() +
                                 " was refused (" + std::string(connector_sdk::to_string(result.status)) +
                                 "): " + result.reason);
            }
        std::string known;
        for (const auto& plugin : plugins)
            if (plugin.manifest.value)
                known += (known.empty() ? "" : ", ") + plugin.manifest.value->id;
        throw host_error("no connector '" + std::string(connector_id) + "' in " + folder_.string() +
                         (known.empty() ? std::string(" (no connectors there)") : " (found: " + known + ")") +
                         ": check the id with `sample_host plugins`, or point --plugins at the right folder");
    }
    auto services = make_services_(connector_id);
    auto result = loader_.load(*match, *services);
    if (!result.ok())
        throw host_error("connector '" + std::string(connector_id) + "' in " + match->folder.string() +
                         " was refused (" + std::string(connector_sdk::to_string(result.status)) +
                         "): " + result.reason);
    if (connector_support::phase_timings_enabled())
        services->log(connector_sdk::log_level::debug,
                      timer.finish("(discover, manifest, size, SHA-256, ELF checks, dlopen, factory)"));
    return loaded_plugin(std::move(*match), std::move(services), std::move(result));
}

} // namespace sample_host
