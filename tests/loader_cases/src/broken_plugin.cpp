// Deliberately broken connector plugins, one per way a plugin can be wrong. The loader tests and the
// sample_host end-to-end tests prove each is refused with its own reason and the host goes on.
// Which defect this library has is chosen at compile time with BROKEN_PLUGIN_KIND.
#include <connector_sdk/abi.hpp>
#include <connector_sdk/connector.hpp>

#include <boost/dll/alias.hpp>

#include <stdexcept>

#define KIND_WRONG_MAJOR 1
#define KIND_WRONG_MINOR 2
#define KIND_WRONG_STDLIB 3
#define KIND_NO_FACTORY 4
#define KIND_NO_DESCRIPTOR 5
#define KIND_THROWING_FACTORY 6
#define KIND_NULL_FACTORY 7
#define KIND_ID_MISMATCH 8
#define KIND_WRONG_MAGIC 9

#ifndef BROKEN_PLUGIN_KIND
#error "define BROKEN_PLUGIN_KIND"
#endif

namespace broken {

class minimal_connector final : public connector_sdk::connector {
public:
    connector_sdk::connector_info info() const noexcept override { return {BROKEN_PLUGIN_ID, "Broken", "0.0.1"}; }
    std::vector<connector_sdk::property_descriptor> describe_properties() const noexcept override { return {}; }
    connector_sdk::validation_result validate(const connector_sdk::form_values&) const noexcept override { return {}; }
    connector_sdk::test_result test(const connector_sdk::form_values&) noexcept override { return {}; }
    connector_sdk::create_result create(const connector_sdk::form_values&,
                                        const connector_sdk::create_options&) noexcept override
    {
        return {};
    }
    connector_sdk::license_status check_license() noexcept override { return {}; }
    void* query_extension(std::string_view) noexcept override { return nullptr; }
};

std::unique_ptr<connector_sdk::connector> create(connector_sdk::host_services&)
{
#if BROKEN_PLUGIN_KIND == KIND_THROWING_FACTORY
    throw std::runtime_error("the factory of this test plugin always fails");
#elif BROKEN_PLUGIN_KIND == KIND_NULL_FACTORY
    return nullptr;
#else
    return std::make_unique<minimal_connector>();
#endif
}

constexpr connector_sdk::abi_descriptor make_descriptor()
{
#if BROKEN_PLUGIN_KIND == KIND_ID_MISMATCH
    auto d = connector_sdk::make_abi_descriptor("someone-else");
#else
    auto d = connector_sdk::make_abi_descriptor(BROKEN_PLUGIN_ID);
#endif
#if BROKEN_PLUGIN_KIND == KIND_WRONG_MAJOR
    d.sdk_major = CONNECTOR_SDK_VERSION_MAJOR + 1;
#elif BROKEN_PLUGIN_KIND == KIND_WRONG_MINOR
    d.sdk_minor = CONNECTOR_SDK_VERSION_MINOR + 1;
#elif BROKEN_PLUGIN_KIND == KIND_WRONG_STDLIB
    connector_sdk::detail::copy_text(d.stdlib_abi, sizeof d.stdlib_abi, "libc++/abi1");
#elif BROKEN_PLUGIN_KIND == KIND_WRONG_MAGIC
    d.magic = 0xDEADBEEF;
#endif
    return d;
}

constexpr connector_sdk::abi_descriptor descriptor = make_descriptor();

} // namespace broken

#if BROKEN_PLUGIN_KIND != KIND_NO_DESCRIPTOR
BOOST_DLL_ALIAS(broken::descriptor, connector_sdk_abi_descriptor)
#endif
#if BROKEN_PLUGIN_KIND != KIND_NO_FACTORY
BOOST_DLL_ALIAS(broken::create, connector_sdk_factory)
#endif
