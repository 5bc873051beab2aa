// A well-formed plugin as SDK 1.0 built it: its ABI descriptor says 1.0 and it uses nothing SDK 1.1
// added. The loader test proves a host of a newer minor still loads it (plugin minor <= host minor).
#include <connector_sdk/abi.hpp>
#include <connector_sdk/connector.hpp>

#include <boost/dll/alias.hpp>

namespace sdk_1_0 {

class connector_1_0 final : public connector_sdk::connector {
public:
    connector_sdk::connector_info info() const noexcept override { return {"sdk-1-0-plugin", "SDK 1.0", "1.0.0"}; }
    std::vector<connector_sdk::property_descriptor> describe_properties() const noexcept override { return {}; }
    connector_sdk::validation_result validate(const connector_sdk::form_values&) const noexcept override { return {}; }
    connector_sdk::test_result test(const connector_sdk::form_values&) noexcept override { return {}; }
    connector_sdk::create_result create(const connector_sdk::form_values&,
                                        const connector_sdk::create_options&) noexcept override
    {
        return {};
    }
    connector_sdk::license_status check_license() noexcept override
    {
        connector_sdk::license_status status; // what a 1.0 free connector had to say: a live subscription
        status.state = connector_sdk::license_state::subscription_active;
        return status;
    }
    void* query_extension(std::string_view) noexcept override { return nullptr; }
};

std::unique_ptr<connector_sdk::connector> create(connector_sdk::host_services&)
{
    return std::make_unique<connector_1_0>();
}

constexpr connector_sdk::abi_descriptor make_descriptor()
{
    auto d = connector_sdk::make_abi_descriptor("sdk-1-0-plugin");
    d.sdk_major = 1;
    d.sdk_minor = 0;
    d.sdk_patch = 0;
    return d;
}

constexpr connector_sdk::abi_descriptor descriptor = make_descriptor();

} // namespace sdk_1_0

BOOST_DLL_ALIAS(sdk_1_0::descriptor, connector_sdk_abi_descriptor)
BOOST_DLL_ALIAS(sdk_1_0::create, connector_sdk_factory)
