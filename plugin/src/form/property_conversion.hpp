// Converts one value a host sent into the normalised value its property's type calls for: text
// trimmed, "yes"/"1" to a bool, "60" to an integer within the catalogue's bounds, "getandrefresh" to
// "GETANDREFRESH". Driven by the property descriptor alone; knows nothing about particular keys.
#pragma once

#include <connector_sdk/form.hpp>
#include <connector_sdk/property.hpp>

#include <optional>
#include <string>

namespace sage {

struct conversion {
    std::optional<connector_sdk::form_value> value; // std::string, bool, std::int64_t or file_value
    // When value is empty: what is wrong and what is expected, phrased to follow the field's label
    // ("must be a whole number between 1 and 3600; got 'abc'"). Quotes the value only when the
    // property is not secret.
    std::string problem;
};

// Whether a value counts as not given: empty or blank text (passwords: only empty text), an empty
// list, a file with neither name nor content.
[[nodiscard]] bool is_empty_value(const connector_sdk::property_descriptor& property,
                                  const connector_sdk::form_value& value);

// Whether the property keeps surrounding spaces (passwords may begin or end with one).
[[nodiscard]] bool keeps_spaces(const connector_sdk::property_descriptor& property) noexcept;

[[nodiscard]] conversion convert_value(const connector_sdk::property_descriptor& property,
                                       const connector_sdk::form_value& value);

// Whether two normalised values are the same.
[[nodiscard]] bool same_value(const connector_sdk::form_value& a, const connector_sdk::form_value& b);

} // namespace sage
