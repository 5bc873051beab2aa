#include "form/property_conversion.hpp"

#include "form/property_keys.hpp"

namespace sage {

namespace {

using connector_sdk::property_descriptor;

connector_sdk::conversion_options options_for(const property_descriptor& property) noexcept
{
    connector_sdk::conversion_options options;
    options.keep_spaces = keeps_spaces(property);
    if (property.type == connector_sdk::property_type::file) {
        options.file_noun = "keystore";
        options.file_kind = "a PEM bundle or a PKCS#12 file";
    }
    return options;
}

} // namespace

bool keeps_spaces(const property_descriptor& property) noexcept
{
    return property.key == keys::keystore_password || property.key == keys::proxy_password;
}

bool is_empty_value(const property_descriptor& property, const connector_sdk::form_value& value)
{
    return connector_sdk::is_empty_value(value, options_for(property));
}

conversion convert_value(const property_descriptor& property, const connector_sdk::form_value& value)
{
    if (property.type == connector_sdk::property_type::key_value_list)
        return {std::nullopt, "cannot be converted here (a list of key-value pairs is read as Add Configuration)"};
    return connector_sdk::convert_value(property, value, options_for(property));
}

} // namespace sage
