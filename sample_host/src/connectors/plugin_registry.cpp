#include "connectors/plugin_registry.hpp"

#include "runtime/host_error.hpp"
#include <connector_support/phase_timer.hpp>

#include <algorithm>
#include <system_error>

namespace sample_host {

std::string plugin_id(const connector_sdk::discovered_plugin& plugin)
{
    if (plugin.manifest.value)
        return plugin.manifest.value->id;
    return plugin.folder.filename().string();
}

std::string loaded_plugin::id() const
{
    return plugin_id(plugin);
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
        auto services = make_services_(plugin_id(plugin));
        auto result = loader_.load(plugin, *services);
        out.emplace_back(std::move(plugin), std::move(services), std::move(result));
    }
    return out;
}

void plugin_registry::refuse_unknown(std::string_view connector_id,
                                     const std::vector<connector_sdk::discovered_plugin>& plugins) const
{
    std::string known;
    for (const auto& plugin : plugins)
        if (plugin.manifest.value)
            known += (known.empty() ? "" : ", ") + plugin.manifest.value->id;
    throw host_error("no connector '" + std::string(connector_id) + "' in " + folder_.string() +
                     (known.empty() ? std::string(" (no connectors there)") : " (found: " + known + ")") +
                     ": check the id with `sample_host plugins`, or point --plugins at the right folder");
}

namespace {

[[noreturn]] void refuse_plugin(std::string_view connector_id, const connector_sdk::discovered_plugin& plugin,
                                const connector_sdk::load_result& result)
{
    throw host_error("connector '" + std::string(connector_id) + "' in " + plugin.folder.string() + " was refused (" +
                     std::string(connector_sdk::to_string(result.status)) + "): " + result.reason);
}

} // namespace

loaded_plugin plugin_registry::load(std::string_view connector_id) const
{
    const connector_support::phase_timer timer("plugin_load");
    require_folder();
    auto plugins = discover();
    const auto match = std::find_if(plugins.begin(), plugins.end(), [&](const connector_sdk::discovered_plugin& p) {
        return p.manifest.value && p.manifest.value->id == connector_id;
    });
    if (match == plugins.end()) {
        // A folder named after the connector whose manifest is broken is the likeliest "not found".
        for (auto& plugin : plugins)
            if (!plugin.manifest.value && plugin.folder.filename() == connector_id)
                refuse_plugin(connector_id, plugin, loader_.inspect(plugin));
        refuse_unknown(connector_id, plugins);
    }
    auto services = make_services_(connector_id);
    auto result = loader_.load(*match, *services);
    if (!result.ok())
        refuse_plugin(connector_id, *match, result);
    if (connector_support::phase_timings_enabled())
        services->log(connector_sdk::log_level::debug,
                      timer.finish("(discover, manifest, size, SHA-256, ELF checks, dlopen, factory)"));
    return loaded_plugin(std::move(*match), std::move(services), std::move(result));
}

} // namespace sample_host
