#include "sage_connector.hpp"

namespace sage {

std::unique_ptr<connector_sdk::connector> sage_connector::create(connector_sdk::host_services& services)
{
    return std::unique_ptr<connector_sdk::connector>(new sage_connector(services));
}

sage_connector::sage_connector(connector_sdk::host_services& services) noexcept : services_(services) {}

connector_sdk::connector_info sage_connector::info() const noexcept
{
    return {connector_id, connector_name, connector_version};
}

std::vector<connector_sdk::property_descriptor> sage_connector::describe_properties() const noexcept { return {}; }

connector_sdk::validation_result sage_connector::validate(const connector_sdk::form_values&) const noexcept { return {}; }

connector_sdk::test_result sage_connector::test(const connector_sdk::form_values&) noexcept { return {}; }

connector_sdk::create_result sage_connector::create(const connector_sdk::form_values&,
                                                    const connector_sdk::create_options&) noexcept
{
    return {};
}

connector_sdk::license_status sage_connector::check_license() noexcept { return {}; }

void* sage_connector::query_extension(std::string_view) noexcept { return nullptr; }

} // namespace sage
