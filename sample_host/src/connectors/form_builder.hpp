// Builds the form_values a connector receives from the command line's FORM sources: a JSON form
// file, --set, --config, --file and --secret-env, later sources overriding earlier ones in that order.
// Messages never repeat a value: a value may be a secret typed in the wrong place.
#pragma once

#include "runtime/host_locations.hpp"

#include <connector_sdk/form.hpp>

#include <boost/json/object.hpp>
#include <connector_sdk/property.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

// The key-value list that "--config KEY=VALUE" adds to (the form's "Add Configuration").
inline constexpr std::string_view additional_configuration_key = "AdditionalConfiguration";
// The largest file a form accepts (--file, {"path": ...}).
inline constexpr std::uintmax_t max_form_file_bytes = std::uintmax_t{10} * 1024 * 1024;
// The largest --form JSON document.
inline constexpr std::uintmax_t max_form_document_bytes = std::uintmax_t{1024} * 1024;

struct form_sources {
    std::optional<std::filesystem::path> form_file; // --form FILE.json
    std::vector<std::string> sets;                  // --set KEY=VALUE
    std::vector<std::string> configs;               // --config KEY=VALUE
    std::vector<std::string> files;                 // --file KEY=PATH
    std::vector<std::string> secret_envs;           // --secret-env KEY=ENVVAR
    std::optional<std::string> connection;          // --connection NAME: a saved connection underneath

    [[nodiscard]] bool empty() const noexcept
    {
        return !form_file && sets.empty() && configs.empty() && files.empty() && secret_envs.empty() && !connection;
    }
};

struct built_form {
    connector_sdk::form_values values;
    std::vector<std::string> env_secrets; // values read through --secret-env: never to be shown
    std::vector<std::string> argv_keys;   // keys whose value was typed on the command line (--set, --config)
};

// Throws usage_error naming the option, the argument's position or key, and the remedy.
[[nodiscard]] built_form build_form(const form_sources& sources, const environment_lookup& env);

// How a JSON form is read: which keys hold key-value lists (an object of KEY: VALUE, an array of
// {"key", "value"} or of ["KEY", "VALUE"] pairs), and how a file is given ({"path": ...} in a --form
// file, {"name", "content_base64"} from the web console).
struct json_form_rules {
    std::function<bool(std::string_view key)> is_key_value_list;
    std::function<connector_sdk::file_value(const boost::json::object& file, const std::string& where)> read_file;
    std::string file_shape; // for messages, e.g. {"path": "FILE"}
};

// A JSON object of property key -> value as form values: strings, booleans, whole numbers, files (an
// object, read by `rules`) and key-value lists. Throws usage_error naming `origin`, the member and the
// remedy; never repeats a value.
[[nodiscard]] connector_sdk::form_values form_from_json(const boost::json::object& form, std::string_view origin,
                                                        const json_form_rules& rules);

// Reads a file for the form: file_value{name without folder, bytes}. Refuses a missing file, a folder
// and files larger than max_form_file_bytes with a usage_error that starts with `origin`.
[[nodiscard]] connector_sdk::file_value read_form_file(const std::filesystem::path& path, std::string_view origin);

// Lays `overrides` (the command line's FORM) over `base` (a saved connection's values), for one run: a
// key given in both (compared ignoring case) takes the override's value under the saved spelling (the
// connector's own); Add Configuration lists are merged entry by entry the same way.
void overlay_form(connector_sdk::form_values& base, const connector_sdk::form_values& overrides);

// Converts text values of boolean and integer properties to bool / int64 when they read as such
// ("true", "no", "1", "60"...); anything else is left as text for the connector to judge.
void apply_property_types(connector_sdk::form_values& form,
                          const std::vector<connector_sdk::property_descriptor>& properties);

// Every secret text in `form`: values of secret properties, at the top level or inside Add
// Configuration. For secret_redactor.
[[nodiscard]] std::vector<std::string> secret_texts(const connector_sdk::form_values& form,
                                                    const std::vector<connector_sdk::property_descriptor>& properties);

} // namespace sample_host
