// Loads connector plugins. Every check that needs no code runs first (manifest, ABI declared in the
// manifest, file, digest, ELF header, exported aliases read from the file); only then is the library
// opened, its descriptor read and checked, and finally its factory called.
#include "sha256.hpp"

#include <connector_sdk/loader.hpp>

#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>
#include <elf.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <system_error>

CONNECTOR_SDK_BEGIN_NAMESPACE
namespace {

namespace fs = std::filesystem;

load_result refuse(load_status status, std::string reason)
{
    load_result r;
    r.status = status;
    r.reason = std::move(reason);
    return r;
}

std::string join_errors(const std::vector<manifest_error>& errors)
{
    std::string text;
    for (const auto& e : errors) {
        if (!text.empty())
            text += "; ";
        text += e.field.empty() ? e.message : e.field + " " + e.message;
    }
    return text;
}

#if defined(__x86_64__)
constexpr unsigned host_elf_machine = EM_X86_64;
#elif defined(__aarch64__)
constexpr unsigned host_elf_machine = EM_AARCH64;
#elif defined(__i386__)
constexpr unsigned host_elf_machine = EM_386;
#elif defined(__arm__)
constexpr unsigned host_elf_machine = EM_ARM;
#else
constexpr unsigned host_elf_machine = EM_NONE; // not checked
#endif

// Empty when `file` starts with an ELF header of a shared object for this machine; otherwise why not.
std::string check_elf_header(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::array<unsigned char, sizeof(Elf64_Ehdr)> header{};
    in.read(reinterpret_cast<char*>(header.data()), header.size());
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got < EI_NIDENT || std::memcmp(header.data(), ELFMAG, SELFMAG) != 0)
        return "is not a shared library (no ELF header)";
    const unsigned char expected_class = sizeof(void*) == 8 ? ELFCLASS64 : ELFCLASS32;
    if (header[EI_CLASS] != expected_class)
        return "is built for a different word size (" + std::string(header[EI_CLASS] == ELFCLASS64 ? "64" : "32") +
               "-bit) than this host";
    if (got < (expected_class == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
        return "is truncated (incomplete ELF header)";
    std::uint16_t type = 0;
    std::uint16_t machine = 0;
    std::memcpy(&type, header.data() + offsetof(Elf64_Ehdr, e_type), sizeof type);
    std::memcpy(&machine, header.data() + offsetof(Elf64_Ehdr, e_machine), sizeof machine);
    if (type != ET_DYN)
        return "is an ELF file but not a shared library (an executable or object file)";
    if (host_elf_machine != EM_NONE && machine != host_elf_machine)
        return "is built for another processor architecture (ELF machine " + std::to_string(machine) + ")";
    return {};
}

std::string compatibility_reason_for_manifest(const manifest& m)
{
    const compatibility c = check_manifest_sdk_abi(m.sdk_major, m.sdk_minor);
    return c.compatible ? std::string()
                        : "manifest.json declares sdk_abi " + std::to_string(m.sdk_major) + "." +
                              std::to_string(m.sdk_minor) + ": " + c.reason;
}

} // namespace

plugin_loader::plugin_loader(loader_options options) noexcept : options_(options) {}

std::vector<discovered_plugin> plugin_loader::discover(const fs::path& plugins_dir) const noexcept
{
    std::vector<discovered_plugin> found;
    try {
        std::error_code ec;
        for (fs::directory_iterator it(plugins_dir, ec), end; !ec && it != end; it.increment(ec)) {
            std::error_code type_ec;
            if (!it->is_directory(type_ec))
                continue;
            discovered_plugin p;
            p.folder = it->path();
            p.manifest_path = it->path() / "manifest.json";
            if (fs::exists(p.manifest_path, type_ec))
                p.manifest = read_manifest(p.manifest_path);
            else
                p.manifest.errors.push_back({"", "no manifest.json"});
            found.push_back(std::move(p));
        }
        std::sort(found.begin(), found.end(),
                  [](const discovered_plugin& a, const discovered_plugin& b) { return a.folder < b.folder; });
    } catch (...) {
        // Out of memory while listing: report what was found so far.
    }
    return found;
}

load_result plugin_loader::inspect(const discovered_plugin& plugin) const noexcept
{
    try {
        std::error_code ec;
        if (!fs::exists(plugin.manifest_path, ec))
            return refuse(load_status::manifest_missing,
                          "no manifest.json in " + plugin.folder.string() +
                              ": a plugin folder must hold manifest.json next to the library it names");
        if (!plugin.manifest.value)
            return refuse(load_status::manifest_invalid,
                          "manifest.json is invalid: " + join_errors(plugin.manifest.errors) +
                              ". Reinstall the connector or fix its manifest");
        const manifest& m = *plugin.manifest.value;
        if (std::string why = compatibility_reason_for_manifest(m); !why.empty())
            return refuse(load_status::incompatible_abi, why);

        const fs::path library = plugin.folder / m.library;
        const auto status = fs::symlink_status(library, ec);
        if (ec || !fs::exists(status))
            return refuse(load_status::library_missing, "the library " + m.library +
                                                            " named by manifest.json is not in " +
                                                            plugin.folder.string() + ": reinstall the connector");
        if (!fs::is_regular_file(status))
            return refuse(load_status::not_a_library,
                          library.string() + " is not a regular file (" +
                              (fs::is_symlink(status) ? "a symbolic link" : "a folder or device") +
                              "): install the library itself");
        const auto size = fs::file_size(library, ec);
        if (ec)
            return refuse(load_status::library_missing, "cannot read " + library.string() + ": " + ec.message());
        if (size == 0)
            return refuse(load_status::not_a_library, library.string() + " is empty: reinstall the connector");
        if (size > options_.max_library_size)
            return refuse(load_status::not_a_library, library.string() + " is " + std::to_string(size) +
                                                          " bytes, more than this host accepts (" +
                                                          std::to_string(options_.max_library_size) + ")");
        if (m.sha256.empty())
            return refuse(
                load_status::digest_mismatch,
                "manifest.json carries no sha256, so " + m.library +
                    " cannot be verified: install a build whose manifest was stamped with the library's digest");
        std::string hash_error;
        const auto digest = host_detail::sha256_file(library, hash_error);
        if (!digest)
            return refuse(load_status::library_missing, "cannot hash " + library.string() + ": " + hash_error);
        if (*digest != m.sha256)
            return refuse(load_status::digest_mismatch,
                          "the SHA-256 of " + m.library + " (" + digest->substr(0, 12) +
                              "...) differs from manifest.json's (" + m.sha256.substr(0, 12) +
                              "...): the file was altered or belongs to another build; reinstall the connector");
        if (std::string why = check_elf_header(library); !why.empty())
            return refuse(load_status::not_a_library, library.string() + " " + why + ": reinstall the connector");

        // Read the exported aliases from the file itself, so a plugin without them is refused before
        // any of its code (static initialisers included) runs.
        std::vector<std::string> aliases;
        try {
            boost::dll::library_info info(library);
            aliases = info.symbols("boostdll");
        } catch (const std::exception& e) {
            return refuse(load_status::not_a_library,
                          library.string() + " is damaged or truncated (its ELF tables cannot be read: " + e.what() +
                              "): reinstall the connector");
        }
        auto exports = [&](std::string_view name) {
            return std::find(aliases.begin(), aliases.end(), name) != aliases.end();
        };
        if (!exports(abi_descriptor_alias))
            return refuse(load_status::descriptor_missing,
                          m.library + " exports no " + std::string(abi_descriptor_alias) +
                              ": it was not built with the connector SDK (CONNECTOR_SDK_EXPORT_CONNECTOR)");
        if (!exports(factory_alias))
            return refuse(load_status::factory_missing,
                          m.library + " exports no " + std::string(factory_alias) +
                              ": it was not built with the connector SDK (CONNECTOR_SDK_EXPORT_CONNECTOR)");

        load_result ok;
        ok.status = load_status::loaded;
        return ok;
    } catch (const std::exception& e) {
        return refuse(load_status::load_failed, std::string("unexpected error while checking the plugin: ") + e.what());
    } catch (...) {
        return refuse(load_status::load_failed, "unexpected error while checking the plugin");
    }
}

load_result plugin_loader::load(const discovered_plugin& plugin, host_services& services) const noexcept
{
    load_result checked = inspect(plugin);
    if (checked.status != load_status::loaded)
        return checked;
    try {
        const manifest& m = *plugin.manifest.value;
        const fs::path library = plugin.folder / m.library;

        // Boost.DLL discards dlerror()'s text, which is the only precise reason a load fails
        // (truncated file, missing dependency, unresolved symbol). Open once with dlopen to keep that
        // text, hand the library to Boost.DLL, then drop this extra reference.
        ::dlerror();
        void* probe = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (probe == nullptr) {
            const char* why = ::dlerror();
            return refuse(load_status::load_failed, "the dynamic loader refused " + library.string() + ": " +
                                                        (why != nullptr ? why : "unknown reason") +
                                                        ". Reinstall the connector");
        }
        auto shared = std::make_shared<boost::dll::shared_library>(library, boost::dll::load_mode::rtld_now |
                                                                                boost::dll::load_mode::rtld_local);
        ::dlclose(probe);

        if (!shared->has(abi_descriptor_alias))
            return refuse(load_status::descriptor_missing, m.library + " exports no ABI descriptor once loaded");
        const abi_descriptor* exported = &shared->get_alias<const abi_descriptor>(abi_descriptor_alias);
        // Read only the fixed prefix first: a descriptor from another SDK generation may be shorter.
        if (exported->magic != abi_descriptor_magic)
            return refuse(load_status::incompatible_abi,
                          m.library +
                              "'s ABI descriptor has the wrong magic number: it was not built with this connector SDK");
        load_result result;
        if (exported->descriptor_size >= sizeof(abi_descriptor))
            result.descriptor = *exported;
        const compatibility c = check_compatibility(*exported);
        if (!c.compatible) {
            result.status = load_status::incompatible_abi;
            result.reason = m.library + ": " + c.reason;
            return result;
        }
        const std::string_view declared_id = connector_id_of(*exported);
        if (declared_id != m.id) {
            result.status = load_status::identity_mismatch;
            result.reason = m.library + " says it is connector \"" + std::string(declared_id) +
                            "\" but manifest.json names \"" + m.id + "\": the folder mixes two connectors; reinstall";
            return result;
        }
        if (!shared->has(factory_alias)) {
            result.status = load_status::factory_missing;
            result.reason = m.library + " exports no factory once loaded";
            return result;
        }
        connector_factory& factory = shared->get_alias<connector_factory>(factory_alias);
        std::unique_ptr<connector> created;
        try {
            created = factory(services);
        } catch (const std::exception& e) {
            result.status = load_status::factory_failed;
            result.reason =
                "the connector's factory failed: " + std::string(e.what()) + ". Report this to the connector's vendor";
            return result;
        } catch (...) {
            result.status = load_status::factory_failed;
            result.reason = "the connector's factory threw an unknown exception. Report this to the connector's vendor";
            return result;
        }
        if (!created) {
            result.status = load_status::factory_failed;
            result.reason = "the connector's factory returned no connector. Report this to the connector's vendor";
            return result;
        }
        // From here on the object pins its library: it is destroyed before the library is released.
        connector_handle handle(created.release(), library_holding_deleter(std::shared_ptr<const void>(shared)));
        const connector_info info = handle->info();
        if (info.id != m.id) {
            result.status = load_status::identity_mismatch;
            result.reason = "the connector created by " + m.library + " says it is \"" + info.id +
                            "\" but manifest.json names \"" + m.id + "\"";
            return result;
        }
        result.status = load_status::loaded;
        result.instance = std::move(handle);
        return result;
    } catch (const std::exception& e) {
        return refuse(load_status::load_failed, "loading the plugin failed: " + std::string(e.what()));
    } catch (...) {
        return refuse(load_status::load_failed, "loading the plugin failed for an unknown reason");
    }
}

CONNECTOR_SDK_END_NAMESPACE
