// Converts one value a host sent into the normalised value its property's type calls for: text
// trimmed, "yes"/"1" to a bool, "60" to an integer within the catalogue's bounds, "getandrefresh" to
// "GETANDREFRESH". The SDK's descriptor-driven conversion (connector_sdk/form_conversion.hpp) with
// this connector's two choices: which passwords keep their spaces, and how an upload is described.
#pragma once

#include <connector_sdk/form.hpp>
#include <connector_sdk/form_conversion.hpp>
#include <connector_sdk/property.hpp>

namespace sage {

using connector_sdk::conversion;
using connector_sdk::same_value;

// Whether a value counts as not given: empty or blank text (passwords: only empty text), an empty
// list, a file with neither name nor content.
[[nodiscard]] bool is_empty_value(const connector_sdk::property_descriptor& property,
                                  const connector_sdk::form_value& value);

// Whether the property keeps surrounding spaces (passwords may begin or end with one).
[[nodiscard]] bool keeps_spaces(const connector_sdk::property_descriptor& property) noexcept;

// The SDK's convert_value with this connector's options. A list of key-value pairs is not converted
// here: Add Configuration reads it (additional_configuration.hpp).
[[nodiscard]] conversion convert_value(const connector_sdk::property_descriptor& property,
                                       const connector_sdk::form_value& value);

} // namespace sage
