// Hello Connector: the smallest complete connector, and the one to start a new connector from. A free
// connector on connector_sdk::connector_base — the base validates the form against these descriptors,
// creates the record, reports "no licence required" and offers no extension — so only the form and
// TEST are written here.
#include <connector_sdk/export.hpp>
#include <connector_sdk/sdk.hpp>

namespace hello {

using namespace connector_sdk;

class hello_connector final : public connector_base {
public:
    explicit hello_connector(host_services& services) : services_(services) {}

    connector_info info() const noexcept override { return {"hello-connector", "Hello Connector", "0.1.0"}; }

    std::vector<property_descriptor> describe_properties() const noexcept override
    {
        return {property_builder(connection_name_key, "Connection Name")
                    .required()
                    .help("The name the connection is listed under."),
                property_builder("Greeting", "Greeting", property_type::enumeration)
                    .allowed({"hello", "bonjour", "hallo"})
                    .default_value("hello")
                    .help("The word TEST answers with. Default: hello.")};
    }

    // TEST: a real connector proves its connection here; this one answers with the chosen greeting.
    test_result test(const form_values& form) noexcept override
    {
        test_result result;
        const checked_form checked = check_form(describe_properties(), form);
        result.available = checked.ok();
        result.category = checked.ok() ? error_category::none : error_category::config;
        result.field_errors = checked.errors;
        const form_value* greeting = checked.find("Greeting");
        result.message = checked.ok()
                             ? (greeting ? std::get<std::string>(*greeting) : "hello") + " from the hello connector"
                             : checked.errors.front().message;
        services_.log(log_level::info, "hello connector tested");
        return result;
    }

private:
    host_services& services_;
};

std::unique_ptr<connector> make(host_services& services)
{
    return std::make_unique<hello_connector>(services);
}

} // namespace hello

CONNECTOR_SDK_EXPORT_CONNECTOR(hello::make, "hello-connector")
