// JSON renderings for `--json` output: manifests, property descriptors, licence status, field errors,
// TEST results and saved connections. Stable member names; they are the host's machine interface.
#pragma once

#include <connector_sdk/manifest.hpp>
#include <connector_sdk/property.hpp>
#include <connector_sdk/results.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

struct connection_summary;

// key -> label of a form, for messages that speak the user's language.
class property_labels final {
public:
    explicit property_labels(const std::vector<connector_sdk::property_descriptor>& properties);
    // The label of `key`, the key itself when unknown, "(form)" for the form as a whole ("").
    [[nodiscard]] std::string label(std::string_view key) const;

private:
    const std::vector<connector_sdk::property_descriptor>& properties_;
};

// {id, name, version, vendor, tier, trial_days, description}
[[nodiscard]] boost::json::object connector_json(const connector_sdk::manifest& m);
// {key, label, description, type, secret, required, advanced, default, allowed_values, group, order,
//  minimum, maximum, file_extensions, visible_when: {key, values} | null}
[[nodiscard]] boost::json::object property_json(const connector_sdk::property_descriptor& p);
// {state, reason, user_message, kind, plan, expires_at, days_left, permits_use}
[[nodiscard]] boost::json::object license_json(const connector_sdk::license_status& s);
// [{key, label, message}]
[[nodiscard]] boost::json::array field_errors_json(const std::vector<connector_sdk::field_error>& errors,
                                                   const property_labels& labels);
// {available, headline, category, message, field_errors, detail}
[[nodiscard]] boost::json::object test_result_json(const connector_sdk::test_result& r, const property_labels& labels);

// {tenant, name, connector_id, created_by, created_at, updated_at, fields, secrets}
[[nodiscard]] boost::json::object connection_summary_json(const connection_summary& s);

} // namespace sample_host
