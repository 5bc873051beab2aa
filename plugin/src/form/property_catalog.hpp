// The connection form this connector describes to hosts: every property with its label, type,
// default, help text, group and order. The single source of truth for what a key means.
#pragma once

#include <connector_sdk/property.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sage {

// The whole form in display order. Built once; safe to read from any thread.
[[nodiscard]] const std::vector<connector_sdk::property_descriptor>& property_catalog();

// The property with exactly this canonical key, or nullptr.
[[nodiscard]] const connector_sdk::property_descriptor* find_property(std::string_view key);

// The property with this canonical key; throws std::out_of_range for a key the catalogue lacks
// (a defect: callers pass the constants of property_keys.hpp).
[[nodiscard]] const connector_sdk::property_descriptor& property(std::string_view key);

// What a user reads for `key` ("Client ID"); the key itself when the catalogue lacks it.
[[nodiscard]] std::string label_of(std::string_view key);

} // namespace sage
