// Since SDK 1.1: builds a connection form's property descriptors one aspect at a time, so each entry
// of a connector's form reads like its spec, and finds a descriptor by key. Header-only, std only.
//
//   std::vector<property_descriptor> form = {
//       property_builder(connection_name_key, "Connection Name").required().help("The name ..."),
//       property_builder("Timeout", "Timeout", property_type::integer).advanced().range(1, 3600)
//           .default_value("60").help("Seconds to wait ..."),
//   };
#pragma once

#include <connector_sdk/property.hpp>
#include <connector_sdk/version.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CONNECTOR_SDK_BEGIN_NAMESPACE

class property_builder {
public:
    property_builder(std::string_view key, std::string label, property_type type = property_type::string)
    {
        d_.key = std::string(key);
        d_.label = std::move(label);
        d_.type = type;
    }

    // What the value is and where to find it.
    property_builder& help(std::string text)
    {
        d_.description = std::move(text);
        return *this;
    }
    // The section heading the property is shown under, and its place in the form (ascending).
    property_builder& group(std::string name)
    {
        d_.group = std::move(name);
        return *this;
    }
    property_builder& order(int position)
    {
        d_.order = position;
        return *this;
    }
    property_builder& secret()
    {
        d_.secret = true;
        return *this;
    }
    property_builder& required()
    {
        d_.required = true;
        return *this;
    }
    property_builder& advanced()
    {
        d_.advanced = true;
        return *this;
    }
    // The default in its textual form ("60", "true", "GETANDREFRESH").
    property_builder& default_value(std::string_view value)
    {
        d_.default_value = std::string(value);
        return *this;
    }
    // The choices of an enumeration, in display order.
    property_builder& allowed(std::vector<std::string> values)
    {
        d_.allowed_values = std::move(values);
        return *this;
    }
    // Inclusive integer bounds; nothing for an open end.
    property_builder& range(std::optional<std::int64_t> minimum, std::optional<std::int64_t> maximum)
    {
        d_.minimum = minimum;
        d_.maximum = maximum;
        return *this;
    }
    // Accepted upload types of a file property, e.g. ".pem", ".p12".
    property_builder& extensions(std::vector<std::string> list)
    {
        d_.file_extensions = std::move(list);
        return *this;
    }
    // Shown only while `key` has a value (any non-empty one, or one of `values` when given).
    property_builder& visible_when(std::string_view key, std::vector<std::string> values = {})
    {
        d_.visible_when = visibility_condition{std::string(key), std::move(values)};
        return *this;
    }

    [[nodiscard]] const property_descriptor& descriptor() const& noexcept { return d_; }
    [[nodiscard]] property_descriptor build() const& { return d_; }
    [[nodiscard]] property_descriptor build() && { return std::move(d_); }
    operator property_descriptor() const& { return d_; }        // NOLINT: a builder stands for its descriptor
    operator property_descriptor() && { return std::move(d_); } // NOLINT

private:
    property_descriptor d_;
};

// The descriptor with exactly this key, or nullptr.
[[nodiscard]] inline const property_descriptor* find_property(const std::vector<property_descriptor>& form,
                                                              std::string_view key) noexcept
{
    for (const auto& d : form)
        if (d.key == key)
            return &d;
    return nullptr;
}

// What a user reads for `key` ("Client ID"); the key itself when the form lacks it.
[[nodiscard]] inline std::string label_of(const std::vector<property_descriptor>& form, std::string_view key)
{
    const property_descriptor* d = find_property(form, key);
    return d != nullptr ? d->label : std::string(key);
}

CONNECTOR_SDK_END_NAMESPACE
