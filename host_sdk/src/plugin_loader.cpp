// Loads connector plugins, one named check per step of host_sdk/README.md: every check that needs no
// code runs first (manifest, ABI declared in the manifest, file, digest, ELF header, exported aliases
// read from the file); only then is the library opened, its descriptor read and checked, its factory
// called, and the connector's identity compared with the manifest's.
#include "sha256.hpp"

#include <connector_sdk/loader.hpp>

#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
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

// A step that found nothing wrong: the next one runs.
load_result passed()
{
    load_result r;
    r.status = load_status::loaded;
    return r;
}

bool refused(const load_result& r) noexcept
{
    return r.status != load_status::loaded;
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
std::string elf_header_problem(const fs::path& file)
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

// The library's open file, shared by every step from the digest to dlopen and kept open while the
// library is loaded (so the name /proc/self/fd/N the dynamic loader knows it by is never reused for
// another file meanwhile).
class library_file {
public:
    library_file() = default;
    explicit library_file(int fd) noexcept : fd_(fd) {}
    ~library_file()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    library_file(const library_file&) = delete;
    library_file& operator=(const library_file&) = delete;

    [[nodiscard]] int fd() const noexcept { return fd_; }
    // The path that names this open file, whatever happens to the folder entry meanwhile.
    [[nodiscard]] fs::path path() const { return "/proc/self/fd/" + std::to_string(fd_); }

private:
    int fd_ = -1;
};

// Whether the object mapped at `address` comes from the file (device, inode) `st` describes, read
// from /proc/self/maps: the proof that the code loaded is the file whose digest was checked.
bool mapped_from(const void* address, const struct stat& st)
{
    std::ifstream maps("/proc/self/maps");
    const auto where = reinterpret_cast<std::uintptr_t>(address);
    std::string line;
    while (std::getline(maps, line)) {
        std::istringstream fields(line);
        std::string range, perms, offset, device;
        unsigned long long inode = 0;
        if (!(fields >> range >> perms >> offset >> device >> inode))
            continue;
        const auto dash = range.find('-');
        const auto colon = device.find(':');
        if (dash == std::string::npos || colon == std::string::npos)
            continue;
        const auto begin = std::stoull(range.substr(0, dash), nullptr, 16);
        const auto end = std::stoull(range.substr(dash + 1), nullptr, 16);
        if (where < begin || where >= end)
            continue;
        const auto major_number = std::stoul(device.substr(0, colon), nullptr, 16);
        const auto minor_number = std::stoul(device.substr(colon + 1), nullptr, 16);
        return inode == st.st_ino && major_number == major(st.st_dev) && minor_number == minor(st.st_dev);
    }
    return false;
}

// One plugin on its way to being loaded: each check_* is one step of host_sdk/README.md, in order,
// and answers passed() or the refusal. What a step learns (the manifest, the opened library, the
// descriptor, the connector) is kept here for the steps after it.
class plugin_checks {
public:
    plugin_checks(const discovered_plugin& plugin, const loader_options& options)
        : plugin_(plugin), options_(options), manifest_(plugin.manifest.value ? &*plugin.manifest.value : nullptr),
          library_(manifest_ != nullptr ? plugin.folder / manifest_->library : fs::path())
    {
    }

    // Steps 1-6: everything that needs no code.
    load_result inspect()
    {
        for (auto step :
             {&plugin_checks::check_manifest, &plugin_checks::check_sdk_abi, &plugin_checks::check_library_file,
              &plugin_checks::check_digest, &plugin_checks::check_elf_header, &plugin_checks::check_exported_aliases})
            if (load_result r = (this->*step)(); refused(r))
                return r;
        return passed();
    }

    // Steps 7-10, once inspect() passed.
    load_result load(host_services& services)
    {
        for (auto step : {&plugin_checks::check_dlopen, &plugin_checks::check_descriptor})
            if (load_result r = (this->*step)(); refused(r))
                return r;
        if (load_result r = check_factory(services); refused(r))
            return r;
        if (load_result r = check_identity(); refused(r))
            return r;
        load_result loaded = with_descriptor(passed());
        loaded.instance = std::move(instance_);
        return loaded;
    }

private:
    // 1. manifest.json present and valid.
    load_result check_manifest()
    {
        std::error_code ec;
        if (!fs::exists(plugin_.manifest_path, ec))
            return refuse(load_status::manifest_missing,
                          "no manifest.json in " + plugin_.folder.string() +
                              ": a plugin folder must hold manifest.json next to the library it names");
        if (!plugin_.manifest.value)
            return refuse(load_status::manifest_invalid,
                          "manifest.json is invalid: " + join_errors(plugin_.manifest.errors) +
                              ". Reinstall the connector or fix its manifest");
        return passed();
    }

    // 2. The manifest's sdk_abi is compatible with this host.
    load_result check_sdk_abi()
    {
        const manifest& m = *manifest_;
        const compatibility c = check_manifest_sdk_abi(m.sdk_major, m.sdk_minor);
        if (!c.compatible)
            return refuse(load_status::incompatible_abi, "manifest.json declares sdk_abi " +
                                                             std::to_string(m.sdk_major) + "." +
                                                             std::to_string(m.sdk_minor) + ": " + c.reason);
        return passed();
    }

    // 3. The library is in the folder, a regular file, neither empty nor too large. It is opened here,
    // once (never following a link), and every later step reads this open file: what is hashed is
    // what is loaded, whatever happens to the folder entry meanwhile.
    load_result check_library_file()
    {
        const manifest& m = *manifest_;
        const int fd = ::open(library_.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT)
                return refuse(load_status::library_missing, "the library " + m.library +
                                                                " named by manifest.json is not in " +
                                                                plugin_.folder.string() + ": reinstall the connector");
            if (errno == ELOOP)
                return refuse(load_status::not_a_library,
                              library_.string() +
                                  " is not a regular file (a symbolic link): install the library itself");
            return refuse(load_status::library_missing,
                          "cannot read " + library_.string() + ": " + std::strerror(errno));
        }
        file_ = std::make_shared<library_file>(fd);
        if (::fstat(fd, &stat_) != 0)
            return refuse(load_status::library_missing,
                          "cannot read " + library_.string() + ": " + std::strerror(errno));
        if (!S_ISREG(stat_.st_mode))
            return refuse(load_status::not_a_library,
                          library_.string() +
                              " is not a regular file (a folder or device): install the library itself");
        const auto size = static_cast<std::uintmax_t>(stat_.st_size);
        if (size == 0)
            return refuse(load_status::not_a_library, library_.string() + " is empty: reinstall the connector");
        if (size > options_.max_library_size)
            return refuse(load_status::not_a_library, library_.string() + " is " + std::to_string(size) +
                                                          " bytes, more than this host accepts (" +
                                                          std::to_string(options_.max_library_size) + ")");
        return passed();
    }

    // 4. Its SHA-256 equals the manifest's (a manifest without one is refused).
    load_result check_digest()
    {
        const manifest& m = *manifest_;
        if (m.sha256.empty())
            return refuse(
                load_status::digest_mismatch,
                "manifest.json carries no sha256, so " + m.library +
                    " cannot be verified: install a build whose manifest was stamped with the library's digest");
        std::string hash_error;
        const auto digest = host_detail::sha256_file(file_->path(), hash_error);
        if (!digest)
            return refuse(load_status::library_missing, "cannot hash " + library_.string() + ": " + hash_error);
        if (*digest != m.sha256)
            return refuse(load_status::digest_mismatch,
                          "the SHA-256 of " + m.library + " (" + digest->substr(0, 12) +
                              "...) differs from manifest.json's (" + m.sha256.substr(0, 12) +
                              "...): the file was altered or belongs to another build; reinstall the connector");
        return passed();
    }

    // 5. An ELF shared object for this machine.
    load_result check_elf_header()
    {
        if (std::string why = elf_header_problem(file_->path()); !why.empty())
            return refuse(load_status::not_a_library, library_.string() + " " + why + ": reinstall the connector");
        return passed();
    }

    // 6. Its ELF tables list both SDK aliases, read from the file, so a plugin without them is refused
    // before any of its code (static initialisers included) runs.
    load_result check_exported_aliases()
    {
        const manifest& m = *manifest_;
        std::vector<std::string> aliases;
        try {
            boost::dll::library_info info(file_->path());
            aliases = info.symbols("boostdll");
        } catch (const std::exception& e) {
            return refuse(load_status::not_a_library,
                          library_.string() + " is damaged or truncated (its ELF tables cannot be read: " + e.what() +
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
        return passed();
    }

    // 7. dlopen (RTLD_NOW | RTLD_LOCAL), keeping the dynamic loader's own message.
    load_result check_dlopen()
    {
        // Boost.DLL discards dlerror()'s text, which is the only precise reason a load fails
        // (truncated file, missing dependency, unresolved symbol). Open once with dlopen to keep that
        // text, hand the library to Boost.DLL, then drop this extra reference.
        ::dlerror();
        const fs::path opened = file_->path();
        void* probe = ::dlopen(opened.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (probe == nullptr) {
            const char* why = ::dlerror();
            return refuse(load_status::load_failed, "the dynamic loader refused " + library_.string() + ": " +
                                                        (why != nullptr ? why : "unknown reason") +
                                                        ". Reinstall the connector");
        }
        // The library keeps its file open while it is loaded, so /proc/self/fd/N names no other file
        // meanwhile; the file closes after the library is released.
        std::shared_ptr<library_file> file = file_;
        shared_ = std::shared_ptr<boost::dll::shared_library>(
            new boost::dll::shared_library(opened, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local),
            [file](boost::dll::shared_library* library) { delete library; });
        ::dlclose(probe);
        // The dynamic loader may answer an earlier object by name; only the file that was hashed will do.
        if (shared_->has(abi_descriptor_alias) &&
            !mapped_from(&shared_->get_alias<const abi_descriptor>(abi_descriptor_alias), stat_))
            return refuse(load_status::load_failed,
                          "the code loaded for " + library_.string() +
                              " is not the file whose digest was checked: load it again in a fresh process");
        return passed();
    }

    // 8. The exported descriptor: magic, then check_compatibility, then its connector id equals the
    // manifest's.
    load_result check_descriptor()
    {
        const manifest& m = *manifest_;
        if (!shared_->has(abi_descriptor_alias))
            return refuse(load_status::descriptor_missing, m.library + " exports no ABI descriptor once loaded");
        const abi_descriptor* exported = &shared_->get_alias<const abi_descriptor>(abi_descriptor_alias);
        // Read only the fixed prefix first: a descriptor from another SDK generation may be shorter.
        if (exported->magic != abi_descriptor_magic)
            return refuse(load_status::incompatible_abi,
                          m.library +
                              "'s ABI descriptor has the wrong magic number: it was not built with this connector SDK");
        if (exported->descriptor_size >= sizeof(abi_descriptor))
            descriptor_ = *exported;
        if (const compatibility c = check_compatibility(*exported); !c.compatible)
            return with_descriptor(refuse(load_status::incompatible_abi, m.library + ": " + c.reason));
        if (const std::string_view declared_id = connector_id_of(*exported); declared_id != m.id)
            return with_descriptor(
                refuse(load_status::identity_mismatch, m.library + " says it is connector \"" +
                                                           std::string(declared_id) + "\" but manifest.json names \"" +
                                                           m.id + "\": the folder mixes two connectors; reinstall"));
        return passed();
    }

    // 9. The factory is called; an exception or a null result is a refusal.
    load_result check_factory(host_services& services)
    {
        const manifest& m = *manifest_;
        if (!shared_->has(factory_alias))
            return with_descriptor(refuse(load_status::factory_missing, m.library + " exports no factory once loaded"));
        connector_factory& factory = shared_->get_alias<connector_factory>(factory_alias);
        std::unique_ptr<connector> created;
        try {
            created = factory(services);
        } catch (const std::exception& e) {
            return with_descriptor(
                refuse(load_status::factory_failed, "the connector's factory failed: " + std::string(e.what()) +
                                                        ". Report this to the connector's vendor"));
        } catch (...) {
            return with_descriptor(
                refuse(load_status::factory_failed,
                       "the connector's factory threw an unknown exception. Report this to the connector's vendor"));
        }
        if (!created)
            return with_descriptor(
                refuse(load_status::factory_failed,
                       "the connector's factory returned no connector. Report this to the connector's vendor"));
        // From here on the object pins its library: it is destroyed before the library is released.
        instance_ = connector_handle(created.release(), library_holding_deleter(std::shared_ptr<const void>(shared_)));
        return passed();
    }

    // 10. The connector's info().id equals the manifest's.
    load_result check_identity()
    {
        const manifest& m = *manifest_;
        if (const connector_info info = instance_->info(); info.id != m.id)
            return with_descriptor(
                refuse(load_status::identity_mismatch, "the connector created by " + m.library + " says it is \"" +
                                                           info.id + "\" but manifest.json names \"" + m.id + "\""));
        return passed();
    }

    // `r` carrying the descriptor, once it could be read.
    load_result with_descriptor(load_result r) const
    {
        r.descriptor = descriptor_;
        return r;
    }

    const discovered_plugin& plugin_;
    const loader_options& options_;
    const manifest* manifest_;                           // null when the manifest is invalid: check_manifest refuses
    fs::path library_;                                   // the library the manifest names
    std::shared_ptr<library_file> file_;                 // once check_library_file opened it
    struct stat stat_ {};                                // its fstat
    std::shared_ptr<boost::dll::shared_library> shared_; // once check_dlopen passed
    std::optional<abi_descriptor> descriptor_;           // once check_descriptor read it
    connector_handle instance_;                          // once check_factory passed
};

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
        return plugin_checks(plugin, options_).inspect();
    } catch (const std::exception& e) {
        return refuse(load_status::load_failed, std::string("unexpected error while checking the plugin: ") + e.what());
    } catch (...) {
        return refuse(load_status::load_failed, "unexpected error while checking the plugin");
    }
}

load_result plugin_loader::load(const discovered_plugin& plugin, host_services& services) const noexcept
{
    try {
        // One plugin_checks for every step: the file inspected, hashed and loaded is one open file.
        plugin_checks checks(plugin, options_);
        if (load_result inspected = checks.inspect(); refused(inspected))
            return inspected;
        return checks.load(services);
    } catch (const std::exception& e) {
        return refuse(load_status::load_failed, "loading the plugin failed: " + std::string(e.what()));
    } catch (...) {
        return refuse(load_status::load_failed, "loading the plugin failed for an unknown reason");
    }
}

CONNECTOR_SDK_END_NAMESPACE
