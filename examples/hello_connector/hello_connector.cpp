// The smallest complete connector: one required field, TEST always available once it is filled.
#include <connector_sdk/export.hpp>
#include <connector_sdk/sdk.hpp>

namespace hello {

class hello_connector final : public connector_sdk::connector {
public:
    explicit hello_connector(connector_sdk::host_services& services) : services_(services) {}

    connector_sdk::connector_info info() const noexcept override
    {
        return {"hello-connector", "Hello Connector", "0.1.0"};
    }

    std::vector<connector_sdk::property_descriptor> describe_properties() const noexcept override
    {
        connector_sdk::property_descriptor name;
        name.key = "ConnectionName";
        name.label = "Connection Name";
        name.description = "The name the connection is listed under.";
        name.required = true;
        return {name};
    }

    connector_sdk::validation_result validate(const connector_sdk::form_values& form) const noexcept override
    {
        connector_sdk::validation_result result;
        const auto* name = form.get_if<std::string>("ConnectionName");
        if (name == nullptr || name->empty())
            result.errors.push_back({"ConnectionName", "Connection Name is required: enter a name"});
        return result;
    }

    connector_sdk::test_result test(const connector_sdk::form_values& form) noexcept override
    {
        connector_sdk::test_result result;
        const auto validation = validate(form);
        result.available = validation.ok();
        result.category = validation.ok() ? connector_sdk::error_category::none : connector_sdk::error_category::config;
        result.field_errors = validation.errors;
        result.message = validation.ok() ? "hello from the consumer connector" : "the form needs attention";
        services_.log(connector_sdk::log_level::info, "hello connector tested");
        return result;
    }

    connector_sdk::create_result create(const connector_sdk::form_values& form,
                                        const connector_sdk::create_options&) noexcept override
    {
        connector_sdk::create_result result;
        result.test = test(form);
        result.created = result.test->available;
        result.category = result.test->category;
        if (result.created) {
            result.record.name = *form.get_if<std::string>("ConnectionName");
            result.record.connector_id = "hello-connector";
        }
        return result;
    }

    connector_sdk::license_status check_license() noexcept override
    {
        connector_sdk::license_status status;
        status.state = connector_sdk::license_state::subscription_active;
        status.reason = "free connector";
        return status;
    }

    void* query_extension(std::string_view) noexcept override { return nullptr; }

private:
    connector_sdk::host_services& services_;
};

std::unique_ptr<connector_sdk::connector> create(connector_sdk::host_services& services)
{
    return std::make_unique<hello_connector>(services);
}

} // namespace hello

CONNECTOR_SDK_EXPORT_CONNECTOR(hello::create, "hello-connector")
