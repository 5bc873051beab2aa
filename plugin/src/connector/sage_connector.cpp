#include "connector/sage_connector.hpp"

#include "connector/entry_point.hpp"
#include "connector/test_operation.hpp"
#include "form/form_validation.hpp"
#include "form/property_catalog.hpp"

#include <set>
#include <string>

namespace sage {

namespace {

using connector_sdk::error_category;

connector_sdk::test_result refused_by_license(const connector_sdk::license_status& license)
{
    connector_sdk::test_result result;
    result.available = false;
    result.category = error_category::license;
    result.message = license.user_message;
    result.detail = "licence: " + std::string(to_string(license.state)) + " (" + license.reason + ")";
    return result;
}

// "2 fields need attention: Client ID is required ... (and 1 more problem)"
std::string summarise(const std::vector<connector_sdk::field_error>& errors)
{
    std::set<std::string> fields;
    for (const auto& e : errors)
        fields.insert(e.key);
    std::string text = fields.size() == 1 ? std::string("1 field needs attention: ")
                                          : std::to_string(fields.size()) + " fields need attention: ";
    text += errors.front().message;
    if (errors.size() > 1)
        text +=
            " (and " + std::to_string(errors.size() - 1) + (errors.size() == 2 ? " more problem)" : " more problems)");
    return text;
}

std::string join_lines(const std::vector<std::string>& lines)
{
    std::string text;
    for (const auto& line : lines)
        text += (text.empty() ? "" : "\n") + line;
    return text;
}

connector_sdk::connection_record make_record(const validated_form& form)
{
    connector_sdk::connection_record record;
    record.name = form.settings().connection_name;
    record.connector_id = connector_id;
    record.fields = form.resolution.normalised;
    return record;
}

} // namespace

std::unique_ptr<connector_sdk::connector>
sage_connector::make(connector_sdk::host_services& services,
                     std::span<const connector_sdk::trusted_license_key> trusted_keys)
{
    return std::unique_ptr<connector_sdk::connector>(new sage_connector(services, trusted_keys));
}

sage_connector::sage_connector(connector_sdk::host_services& services,
                               std::span<const connector_sdk::trusted_license_key> trusted_keys) noexcept
    : services_(services), license_(services, trusted_keys, connector_id, connector_name),
      clients_([&services](std::string_view line) { services.log(connector_sdk::log_level::debug, line); }),
      credentials_(connector_sdk::find_service<connector_sdk::credential_store>(services)),
      oauth_(services, license_, clients_, credentials_), data_(services, license_, clients_, credentials_),
      web_(services, license_, clients_, credentials_)
{
}

connector_sdk::connector_info sage_connector::info() const noexcept
{
    return run_entry_point(services_, "info", [] {
        return connector_sdk::connector_info{connector_id, connector_name, connector_version};
    });
}

std::vector<connector_sdk::property_descriptor> sage_connector::describe_properties() const noexcept
{
    return run_entry_point(services_, "describe_properties", [] { return property_catalog(); });
}

validated_form sage_connector::check(const connector_sdk::form_values& form) const
{
    return sage::validate(form, environment_of(services_, connector_id));
}

connector_sdk::validation_result sage_connector::validate(const connector_sdk::form_values& form) const noexcept
{
    return run_entry_point(services_, "validate", [&] { return connector_sdk::validation_result{check(form).errors}; });
}

connector_sdk::test_result sage_connector::test(const connector_sdk::form_values& form) noexcept
{
    return run_entry_point(services_, "test", [&] {
        validated_form checked = check(form);
        if (!checked.ok()) {
            connector_sdk::test_result result;
            result.category = error_category::config;
            result.message = summarise(checked.errors);
            result.field_errors = checked.errors;
            result.detail = join_lines(checked.notes);
            return result;
        }
        connector_sdk::test_result result = licensed_test(checked);
        if (!checked.notes.empty())
            result.detail += (result.detail.empty() ? "" : "\n") + join_lines(checked.notes);
        return result;
    });
}

connector_sdk::create_result sage_connector::create(const connector_sdk::form_values& form,
                                                    const connector_sdk::create_options& options) noexcept
{
    return run_entry_point(services_, "create", [&] {
        validated_form checked = check(form);
        connector_sdk::create_result result;
        if (!checked.ok()) {
            result.category = error_category::config;
            result.message = summarise(checked.errors);
            result.field_errors = checked.errors;
            return result;
        }
        if (const auto license = license_.check(); !license.permits_use()) {
            result.category = error_category::license;
            result.message = license.user_message;
            return result;
        }
        if (options.run_test) {
            result.test = licensed_test(checked);
            if (!result.test->available) {
                result.category = result.test->category;
                result.message = "not created: " + result.test->message;
                result.field_errors = result.test->field_errors;
                return result;
            }
        }
        result.created = true;
        result.category = error_category::none;
        result.record = make_record(checked);
        result.message = "the connection '" + result.record.name + "' is ready to be saved" +
                         (options.run_test ? std::string() : std::string(" (not tested)"));
        return result;
    });
}

connector_sdk::test_result sage_connector::licensed_test(const validated_form& checked)
{
    const connector_sdk::license_status license = license_.check();
    if (!license.permits_use())
        return refused_by_license(license);
    connector_sdk::test_result result =
        run_connection_test(checked.settings(), services_, clients_, credentials_, checked.loaded_keystore);
    if (license.state == connector_sdk::license_state::grace)
        result.detail += (result.detail.empty() ? "" : "\n") + license.user_message;
    return result;
}

connector_sdk::license_status sage_connector::check_license() noexcept
{
    return license_.check();
}

void* sage_connector::query_extension(std::string_view interface_id) noexcept
{
    if (interface_id == connector_sdk::data_access::id)
        return static_cast<connector_sdk::data_access*>(&data_);
    if (interface_id == connector_sdk::oauth_management_id)
        return static_cast<connector_sdk::oauth_management*>(&oauth_);
    if (interface_id == connector_sdk::web_sign_in_id)
        return static_cast<connector_sdk::web_sign_in*>(&web_);
    return nullptr;
}

} // namespace sage
