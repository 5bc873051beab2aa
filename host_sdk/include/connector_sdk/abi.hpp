// The binary contract between a host and a plugin library: the descriptor a plugin exports, the
// names it exports it and its factory under, and the rule that decides whether the two can work
// together. The descriptor is plain C data so a host can read it before trusting anything else.
#pragma once

#include <connector_sdk/version.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// The standard-library ABI this translation unit is compiled against. Two binaries can exchange
// std::string, std::vector... only when their tags are equal.
#if defined(_LIBCPP_VERSION)
#define CONNECTOR_SDK_STRINGIFY_(x) #x
#define CONNECTOR_SDK_STRINGIFY(x) CONNECTOR_SDK_STRINGIFY_(x)
#define CONNECTOR_SDK_STDLIB_ABI "libc++/abi" CONNECTOR_SDK_STRINGIFY(_LIBCPP_ABI_VERSION)
#elif defined(__GLIBCXX__)
#if defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
#define CONNECTOR_SDK_STDLIB_ABI_BASE "libstdc++/cxx11"
#else
#define CONNECTOR_SDK_STDLIB_ABI_BASE "libstdc++/cow"
#endif
#if defined(_GLIBCXX_DEBUG)
#define CONNECTOR_SDK_STDLIB_ABI CONNECTOR_SDK_STDLIB_ABI_BASE "/debug"
#else
#define CONNECTOR_SDK_STDLIB_ABI CONNECTOR_SDK_STDLIB_ABI_BASE
#endif
#elif defined(_MSC_VER)
#if defined(_DEBUG)
#define CONNECTOR_SDK_STDLIB_ABI "msvcrt/debug"
#else
#define CONNECTOR_SDK_STDLIB_ABI "msvcrt"
#endif
#else
#define CONNECTOR_SDK_STDLIB_ABI "unknown"
#endif

#if defined(__clang__)
#define CONNECTOR_SDK_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define CONNECTOR_SDK_COMPILER "gcc " __VERSION__
#elif defined(_MSC_VER)
#define CONNECTOR_SDK_COMPILER "msvc"
#else
#define CONNECTOR_SDK_COMPILER "unknown"
#endif

CONNECTOR_SDK_BEGIN_NAMESPACE

// Exported symbol names. They never change, in any SDK version, so every host can at least read the
// descriptor of every plugin and explain a refusal.
inline constexpr char abi_descriptor_alias[] = "connector_sdk_abi_descriptor";
inline constexpr char factory_alias[] = "connector_sdk_factory";

inline constexpr std::uint32_t abi_descriptor_magic = 0x4B445343; // "CSDK" little-endian

// Layout rule: fields are only ever appended; descriptor_size tells a host how much it may read.
struct abi_descriptor {
    std::uint32_t magic;
    std::uint32_t descriptor_size;
    std::uint16_t sdk_major;
    std::uint16_t sdk_minor;
    std::uint16_t sdk_patch;
    std::uint16_t reserved;
    char stdlib_abi[48];   // NUL-terminated CONNECTOR_SDK_STDLIB_ABI
    char compiler[80];     // informational
    char connector_id[64]; // equals the manifest id
};

namespace detail {
constexpr void copy_text(char* out, std::size_t capacity, std::string_view text) noexcept
{
    std::size_t i = 0;
    for (; i + 1 < capacity && i < text.size(); ++i)
        out[i] = text[i];
    for (; i < capacity; ++i)
        out[i] = '\0';
}

constexpr std::string_view bounded_text(const char* text, std::size_t capacity) noexcept
{
    std::size_t n = 0;
    while (n < capacity && text[n] != '\0')
        ++n;
    return {text, n};
}
} // namespace detail

// The descriptor of the code being compiled: what a plugin exports, and what a host compares against.
constexpr abi_descriptor make_abi_descriptor(std::string_view connector_id) noexcept
{
    abi_descriptor d{};
    d.magic = abi_descriptor_magic;
    d.descriptor_size = sizeof(abi_descriptor);
    d.sdk_major = CONNECTOR_SDK_VERSION_MAJOR;
    d.sdk_minor = CONNECTOR_SDK_VERSION_MINOR;
    d.sdk_patch = CONNECTOR_SDK_VERSION_PATCH;
    d.reserved = 0;
    detail::copy_text(d.stdlib_abi, sizeof d.stdlib_abi, CONNECTOR_SDK_STDLIB_ABI);
    detail::copy_text(d.compiler, sizeof d.compiler, CONNECTOR_SDK_COMPILER);
    detail::copy_text(d.connector_id, sizeof d.connector_id, connector_id);
    return d;
}

constexpr std::string_view stdlib_abi_of(const abi_descriptor& d) noexcept
{
    return detail::bounded_text(d.stdlib_abi, sizeof d.stdlib_abi);
}
constexpr std::string_view compiler_of(const abi_descriptor& d) noexcept
{
    return detail::bounded_text(d.compiler, sizeof d.compiler);
}
constexpr std::string_view connector_id_of(const abi_descriptor& d) noexcept
{
    return detail::bounded_text(d.connector_id, sizeof d.connector_id);
}

struct compatibility {
    bool compatible = false;
    std::string reason; // empty when compatible; otherwise what differs and what to do
};

// The rule: same SDK major; plugin minor <= host minor; the same standard-library ABI tag.
inline compatibility check_compatibility(const abi_descriptor& plugin,
                                         const abi_descriptor& host = make_abi_descriptor({}))
{
    auto version = [](unsigned major, unsigned minor) { return std::to_string(major) + "." + std::to_string(minor); };
    if (plugin.magic != abi_descriptor_magic || plugin.descriptor_size < sizeof(abi_descriptor))
        return {false, "the plugin's ABI descriptor is not one this host understands (wrong magic or size)"};
    if (plugin.sdk_major != host.sdk_major)
        return {false, "the plugin was built for connector SDK " + version(plugin.sdk_major, plugin.sdk_minor) +
                           " but this host speaks SDK " + version(host.sdk_major, host.sdk_minor) +
                           " (the major versions must be equal): install a plugin built for SDK " +
                           std::to_string(host.sdk_major) + ".x"};
    if (plugin.sdk_minor > host.sdk_minor)
        return {false, "the plugin needs connector SDK " + version(plugin.sdk_major, plugin.sdk_minor) +
                           " but this host provides only " + version(host.sdk_major, host.sdk_minor) +
                           ": upgrade the host or install an older plugin"};
    if (stdlib_abi_of(plugin) != stdlib_abi_of(host))
        return {false, "the plugin uses the C++ standard-library ABI '" + std::string(stdlib_abi_of(plugin)) +
                           "' but this host uses '" + std::string(stdlib_abi_of(host)) +
                           "': rebuild the plugin with the host's toolchain"};
    return {true, {}};
}

// The rule applied to the "major.minor" text a manifest declares in sdk_abi.
inline compatibility check_manifest_sdk_abi(std::uint16_t plugin_major, std::uint16_t plugin_minor)
{
    abi_descriptor declared = make_abi_descriptor({});
    declared.sdk_major = plugin_major;
    declared.sdk_minor = plugin_minor;
    return check_compatibility(declared);
}

CONNECTOR_SDK_END_NAMESPACE
