#include "output/json_output.hpp"

#include "storage/connection_store.hpp"

#include <connector_support/time_text.hpp>

#include <boost/json.hpp>

#include <algorithm>

namespace sample_host {
namespace json = boost::json;

namespace {
// Instants in JSON: the one ISO-8601 formatter (connector_support::utc_iso_text).
std::string iso_time(std::chrono::system_clock::time_point instant)
{
    return connector_support::utc_iso_text(instant);
}
} // namespace

property_labels::property_labels(const std::vector<connector_sdk::property_descriptor>& properties)
    : properties_(properties)
{
}

std::string property_labels::label(std::string_view key) const
{
    if (key.empty())
        return "(form)";
    auto it = std::find_if(properties_.begin(), properties_.end(), [&](const auto& p) { return p.key == key; });
    if (it == properties_.end() || it->label.empty())
        return std::string(key);
    return it->label;
}

json::object connector_json(const connector_sdk::manifest& m)
{
    return {{"id", m.id},
            {"name", m.name},
            {"version", m.version},
            {"vendor", m.vendor},
            {"tier", m.tier},
            {"trial_days", m.trial_days},
            {"description", m.description}};
}

json::object property_json(const connector_sdk::property_descriptor& p)
{
    json::object o;
    o["key"] = p.key;
    o["label"] = p.label;
    o["description"] = p.description;
    o["type"] = connector_sdk::to_string(p.type);
    o["secret"] = p.secret;
    o["required"] = p.required;
    o["advanced"] = p.advanced;
    o["default"] = p.default_value ? json::value(*p.default_value) : json::value(nullptr);
    json::array allowed;
    for (const auto& v : p.allowed_values)
        allowed.emplace_back(v);
    o["allowed_values"] = std::move(allowed);
    o["group"] = p.group;
    o["order"] = p.order;
    o["minimum"] = p.minimum ? json::value(*p.minimum) : json::value(nullptr);
    o["maximum"] = p.maximum ? json::value(*p.maximum) : json::value(nullptr);
    json::array extensions;
    for (const auto& e : p.file_extensions)
        extensions.emplace_back(e);
    o["file_extensions"] = std::move(extensions);
    if (p.visible_when) {
        json::array values;
        for (const auto& v : p.visible_when->values)
            values.emplace_back(v);
        o["visible_when"] = json::object{{"key", p.visible_when->key}, {"values", std::move(values)}};
    } else {
        o["visible_when"] = nullptr;
    }
    return o;
}

json::object license_json(const connector_sdk::license_status& s)
{
    json::object o;
    o["state"] = connector_sdk::to_string(s.state);
    o["permits_use"] = s.permits_use();
    o["reason"] = s.reason;
    o["user_message"] = s.user_message;
    o["kind"] = s.kind;
    o["plan"] = s.plan;
    o["expires_at"] = s.expires_at ? json::value(iso_time(*s.expires_at)) : json::value(nullptr);
    o["days_left"] = s.days_left ? json::value(*s.days_left) : json::value(nullptr);
    return o;
}

json::array field_errors_json(const std::vector<connector_sdk::field_error>& errors, const property_labels& labels)
{
    json::array out;
    for (const auto& e : errors)
        out.push_back(json::object{{"key", e.key}, {"label", labels.label(e.key)}, {"message", e.message}});
    return out;
}

json::object test_result_json(const connector_sdk::test_result& r, const property_labels& labels)
{
    return {{"available", r.available},
            {"headline", r.headline()},
            {"category", connector_sdk::to_string(r.category)},
            {"message", r.message},
            {"field_errors", field_errors_json(r.field_errors, labels)},
            {"detail", r.detail}};
}

json::object connection_summary_json(const connection_summary& s)
{
    return {{"tenant", s.tenant},
            {"name", s.name},
            {"connector_id", s.connector_id},
            {"created_by", s.created_by},
            {"created_at", iso_time(s.created_at)},
            {"updated_at", iso_time(s.updated_at)},
            {"fields", s.field_count},
            {"secrets", s.secret_count}};
}

} // namespace sample_host
