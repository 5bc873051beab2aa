// The plugins in the host's plugin folder: discovered by manifest, loaded one by id for a command or
// all at once for the listing, each refusal kept with its reason so the host reports it and goes on.
#pragma once

#include <connector_sdk/host_services.hpp>
#include <connector_sdk/loader.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

// Makes the host services a connector with this id will be given.
using services_factory = std::function<std::unique_ptr<connector_sdk::host_services>(std::string_view connector_id)>;

// The manifest id, or the folder name when the manifest could not be read.
[[nodiscard]] std::string plugin_id(const connector_sdk::discovered_plugin& plugin);

// One plugin folder and what became of loading it. The connector (in result.instance) is declared
// after the services it was given, so it is destroyed first: services must outlive their connector.
struct loaded_plugin {
    connector_sdk::discovered_plugin plugin;
    std::unique_ptr<connector_sdk::host_services> services;
    connector_sdk::load_result result;

    loaded_plugin(connector_sdk::discovered_plugin p, std::unique_ptr<connector_sdk::host_services> s,
                  connector_sdk::load_result r)
        : plugin(std::move(p)), services(std::move(s)), result(std::move(r))
    {
    }
    loaded_plugin(loaded_plugin&&) noexcept = default;
    // Assigning would swap the services under a live connector.
    loaded_plugin& operator=(loaded_plugin&&) = delete;

    // The manifest id, or the folder name when the manifest could not be read.
    [[nodiscard]] std::string id() const;
    [[nodiscard]] connector_sdk::connector& connector() const { return *result.instance; }
};

class plugin_registry final {
public:
    plugin_registry(std::filesystem::path folder, services_factory make_services,
                    connector_sdk::loader_options options = {});

    [[nodiscard]] const std::filesystem::path& folder() const noexcept { return folder_; }

    // Every plugin folder, with its manifest read and no code loaded.
    [[nodiscard]] std::vector<connector_sdk::discovered_plugin> discover() const;

    // Loads every plugin; refused ones come back with status and reason. Never throws for a bad plugin.
    [[nodiscard]] std::vector<loaded_plugin> load_all() const;

    // Loads only the plugin whose manifest id is `connector_id`. Throws host_error when the plugin
    // folder is missing, no manifest has that id, or the plugin is refused (with the loader's reason).
    [[nodiscard]] loaded_plugin load(std::string_view connector_id) const;

    // Throws host_error when the plugin folder does not exist, naming how to choose another.
    void require_folder() const;

    // Throws the host_error for a connector id none of `plugins` (as discover() found them) has,
    // listing the ids there are.
    [[noreturn]] void refuse_unknown(std::string_view connector_id,
                                     const std::vector<connector_sdk::discovered_plugin>& plugins) const;

private:
    std::filesystem::path folder_;
    services_factory make_services_;
    connector_sdk::plugin_loader loader_;
};

} // namespace sample_host
