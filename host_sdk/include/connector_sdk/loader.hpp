// Host side: finds plugins by their manifests, checks them, loads them with Boost.DLL and hands out
// connectors that keep their library loaded for as long as they live.
#pragma once

#include <connector_sdk/abi.hpp>
#include <connector_sdk/connector.hpp>
#include <connector_sdk/host_services.hpp>
#include <connector_sdk/manifest.hpp>
#include <connector_sdk/version.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CONNECTOR_SDK_BEGIN_NAMESPACE

// Deletes a connector, then lets go of the library its code lives in: the library cannot be
// unloaded while any object from it is alive. The library is released right after the delete (not
// when the unique_ptr itself dies), so handle.reset() really unloads an otherwise unused plugin.
class library_holding_deleter {
public:
    library_holding_deleter() = default;
    explicit library_holding_deleter(std::shared_ptr<const void> library) noexcept : library_(std::move(library)) {}

    void operator()(connector* object) const noexcept
    {
        delete object;
        library_.reset();
    }

    // The library handle this deleter keeps alive (for tests and diagnostics).
    [[nodiscard]] const std::shared_ptr<const void>& library() const noexcept { return library_; }

private:
    // mutable: std::unique_ptr calls its deleter through a const-qualified operator() in general code.
    mutable std::shared_ptr<const void> library_;
};

using connector_handle = std::unique_ptr<connector, library_holding_deleter>;

enum class load_status : std::uint8_t {
    loaded,
    manifest_missing,   // the folder has no manifest.json
    manifest_invalid,   // unreadable JSON or a field that breaks the schema
    library_missing,    // the library file named by the manifest does not exist
    digest_mismatch,    // no sha256 in the manifest, or the file's digest differs
    not_a_library,      // not an ELF shared object (or not one for this machine)
    incompatible_abi,   // SDK major/minor or standard-library ABI do not fit this host
    descriptor_missing, // the library exports no ABI descriptor
    factory_missing,    // the library exports no factory
    identity_mismatch,  // manifest id, descriptor id and connector id disagree
    load_failed,        // the dynamic loader refused the file (truncated, missing dependency...)
    factory_failed,     // the factory threw or returned nothing
};

// The stable name of a status, e.g. "digest_mismatch".
std::string_view to_string(load_status status) noexcept;

// A plugin folder found on disk, with its manifest read but no code loaded.
struct discovered_plugin {
    std::filesystem::path folder;
    std::filesystem::path manifest_path;
    manifest_parse_result manifest;
};

struct load_result {
    load_status status = load_status::load_failed;
    std::string reason;                       // empty when loaded; otherwise the cause and the remedy
    std::optional<abi_descriptor> descriptor; // when it could be read
    connector_handle instance;                // when loaded

    [[nodiscard]] bool ok() const noexcept { return status == load_status::loaded && instance != nullptr; }
};

struct loader_options {
    std::uintmax_t max_library_size = std::uintmax_t{256} * 1024u * 1024u; // refuse larger files before hashing them
};

// Stateless apart from its options; safe to share between threads.
class plugin_loader {
public:
    explicit plugin_loader(loader_options options = {}) noexcept;

    // Every sub-folder of `plugins_dir` holding a manifest.json (and every sub-folder without one,
    // reported as manifest_missing), sorted by folder name. Reads no code. Never throws; a missing
    // folder yields an empty list.
    [[nodiscard]] std::vector<discovered_plugin> discover(const std::filesystem::path& plugins_dir) const noexcept;

    // The checks that need no code: a valid manifest, a compatible sdk_abi, the library present, of
    // sane size, with the digest the manifest promises, and an ELF shared object. Never throws.
    [[nodiscard]] load_result inspect(const discovered_plugin& plugin) const noexcept;

    // inspect(), then dlopen, read the descriptor and check it, then call the factory with `services`.
    // `services` must outlive the returned connector. Never throws.
    [[nodiscard]] load_result load(const discovered_plugin& plugin, host_services& services) const noexcept;

private:
    loader_options options_;
};

CONNECTOR_SDK_END_NAMESPACE
