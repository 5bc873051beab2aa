// Describes one field of a connector's connection form, so any host can render, prefill and check it
// without knowing the connector.
#pragma once

#include <connector_sdk/version.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CONNECTOR_SDK_BEGIN_NAMESPACE

// Since SDK 1.1: the key of the one property every connector's form has — the name a host lists the
// connection under (connection_record::name carries its trimmed value). Hosts rely on it to name a
// connection before the connector has seen the form.
inline constexpr std::string_view connection_name_key = "ConnectionName";

enum class property_type : std::uint8_t {
    string,         // free text (secret when property_descriptor::secret is set)
    boolean,        // true / false
    integer,        // a whole number, within minimum..maximum when given
    enumeration,    // one of property_descriptor::allowed_values
    file,           // an uploaded file: name + bytes
    key_value_list, // ordered key=value pairs
};

// The stable wire name of a type: "string", "boolean", "integer", "enum", "file", "key_value_list".
constexpr std::string_view to_string(property_type type) noexcept
{
    switch (type) {
    case property_type::string: return "string";
    case property_type::boolean: return "boolean";
    case property_type::integer: return "integer";
    case property_type::enumeration: return "enum";
    case property_type::file: return "file";
    case property_type::key_value_list: return "key_value_list";
    }
    return "string";
}

// The property is shown only while another property has a value: any non-empty value when `values`
// is empty, otherwise one of `values` (compared case-insensitively by hosts).
struct visibility_condition {
    std::string key;
    std::vector<std::string> values;
};

struct property_descriptor {
    std::string key;         // stable identifier, e.g. "ClientId"
    std::string label;       // what a user reads, e.g. "Client ID"
    std::string description; // help text: what the value is and where to find it
    property_type type = property_type::string;
    bool secret = false;                      // never echo, log or show unmasked
    bool required = false;                    // the form is invalid without it
    bool advanced = false;                    // hidden behind "advanced" by default
    std::optional<std::string> default_value; // textual form of the default, if any
    std::vector<std::string> allowed_values;  // enumeration choices, in display order
    std::optional<std::int64_t> minimum;      // integer bounds, inclusive
    std::optional<std::int64_t> maximum;
    std::vector<std::string> file_extensions; // accepted upload types, e.g. ".pem", ".p12"
    std::string group;                        // section heading, e.g. "Authentication"
    int order = 0;                            // ascending display order within the form
    std::optional<visibility_condition> visible_when;
};

CONNECTOR_SDK_END_NAMESPACE
