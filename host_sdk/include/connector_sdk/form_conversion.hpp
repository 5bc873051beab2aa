// Since SDK 1.1: checks and normalises the values a host sent against a connector's property
// descriptors alone — text trimmed and refused unless it is UTF-8, "yes"/"1" to a bool, "60" to an integer within the
// bounds, "getandrefresh" to "GETANDREFRESH", required fields present, unknown keys reported. Knows nothing about
// particular keys. Header-only, standard library only.
#pragma once

#include <connector_sdk/ascii_text.hpp>
#include <connector_sdk/form.hpp>
#include <connector_sdk/property.hpp>
#include <connector_sdk/results.hpp>
#include <connector_sdk/utf8_text.hpp>
#include <connector_sdk/version.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

CONNECTOR_SDK_BEGIN_NAMESPACE

struct conversion {
    std::optional<form_value> value; // std::string, bool, std::int64_t, file_value or key_value_pairs
    // When value is empty: what is wrong and what is expected, phrased to follow the field's label
    // ("must be a whole number between 1 and 3600; got 'abc'"). Quotes the value only when the
    // property is not secret.
    std::string problem;
};

// How one property's value is converted, beyond what its descriptor says.
struct conversion_options {
    bool keep_spaces = false;            // text kept exactly as given (a password may begin with a space)
    std::string_view file_noun = "file"; // what an upload is called: "upload the <noun> itself"
    std::string_view file_kind;          // what an upload must be, e.g. "a PEM bundle or a PKCS#12 file"
};

namespace form_detail {

inline std::string kind_of(const form_value& value)
{
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>)
                return "text";
            else if constexpr (std::is_same_v<T, bool>)
                return "a true/false value";
            else if constexpr (std::is_same_v<T, std::int64_t>)
                return "a number";
            else if constexpr (std::is_same_v<T, file_value>)
                return "an uploaded file";
            else
                return "a list of key-value pairs";
        },
        value);
}

inline conversion fail(std::string problem)
{
    return {std::nullopt, std::move(problem)};
}

// "; got 'abc'" for a value that is not secret; nothing for a secret one.
inline std::string got(const property_descriptor& property, std::string_view text)
{
    if (property.secret)
        return {};
    return "; got " + ascii::quote_for_message(text);
}

inline std::string joined(const std::vector<std::string>& items)
{
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

inline std::optional<std::int64_t> parse_integer(std::string_view text)
{
    text = ascii::trim(text);
    if (text.size() > 1 && text.front() == '+' && text[1] != '-')
        text.remove_prefix(1);
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return n;
}

// "must be a whole number between 1 and 3600"
inline std::string whole_number(const property_descriptor& property)
{
    std::string text = "must be a whole number";
    if (property.minimum && property.maximum)
        text += " between " + std::to_string(*property.minimum) + " and " + std::to_string(*property.maximum);
    else if (property.minimum)
        text += " of at least " + std::to_string(*property.minimum);
    else if (property.maximum)
        text += " of at most " + std::to_string(*property.maximum);
    return text;
}

inline conversion to_integer(const property_descriptor& property, const form_value& value)
{
    std::int64_t n = 0;
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
        n = *i;
    } else if (const auto* s = std::get_if<std::string>(&value)) {
        const auto parsed = parse_integer(*s);
        if (!parsed)
            return fail(whole_number(property) + got(property, ascii::trim(*s)));
        n = *parsed;
    } else {
        return fail(whole_number(property) + ", not " + kind_of(value));
    }
    if ((property.minimum && n < *property.minimum) || (property.maximum && n > *property.maximum))
        return fail(whole_number(property) + got(property, std::to_string(n)));
    return {form_value(n), {}};
}

inline conversion to_boolean(const property_descriptor& property, const form_value& value)
{
    constexpr std::string_view expected = "must be true or false (yes/no and 1/0 are also accepted)";
    if (const auto* b = std::get_if<bool>(&value))
        return {form_value(*b), {}};
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
        if (*i == 0 || *i == 1)
            return {form_value(*i == 1), {}};
        return fail(std::string(expected) + got(property, std::to_string(*i)));
    }
    if (const auto* s = std::get_if<std::string>(&value)) {
        const std::string_view t = ascii::trim(*s);
        for (std::string_view yes : {"true", "yes", "1"})
            if (ascii::iequals(t, yes))
                return {form_value(true), {}};
        for (std::string_view no : {"false", "no", "0"})
            if (ascii::iequals(t, no))
                return {form_value(false), {}};
        return fail(std::string(expected) + got(property, t));
    }
    return fail(std::string(expected) + ", not " + kind_of(value));
}

inline conversion to_enumeration(const property_descriptor& property, const form_value& value)
{
    const std::string choices = joined(property.allowed_values);
    const auto* s = std::get_if<std::string>(&value);
    if (s == nullptr)
        return fail("must be one of " + choices + ", not " + kind_of(value));
    if (const auto bad = utf8::first_invalid_byte(*s))
        return fail(utf8::invalid_text_problem(*bad));
    const std::string_view t = ascii::trim(*s);
    for (const auto& allowed : property.allowed_values)
        if (ascii::iequals(t, allowed))
            return {form_value(allowed), {}};
    return fail("must be one of " + choices + got(property, t));
}

inline conversion to_text(const form_value& value, const conversion_options& options)
{
    if (const auto* s = std::get_if<std::string>(&value)) {
        if (const auto bad = utf8::first_invalid_byte(*s))
            return fail(utf8::invalid_text_problem(*bad));
        return {form_value(options.keep_spaces ? *s : std::string(ascii::trim(*s))), {}};
    }
    if (const auto* i = std::get_if<std::int64_t>(&value))
        return {form_value(std::to_string(*i)), {}};
    return fail("must be text, not " + kind_of(value));
}

inline conversion to_file(const property_descriptor& property, const form_value& value,
                          const conversion_options& options)
{
    if (const auto* f = std::get_if<file_value>(&value)) {
        if (const auto bad = utf8::first_invalid_byte(f->file_name))
            return fail(utf8::invalid_text_problem(*bad, "file name") + " (rename the file)");
        if (f->content.empty())
            return fail("is an empty file" +
                        (f->file_name.empty() ? std::string() : " (" + ascii::quote_for_message(f->file_name) + ")") +
                        ": upload the " + std::string(options.file_noun) + " itself" +
                        (options.file_kind.empty() ? std::string() : ", " + std::string(options.file_kind)));
        return {value, {}};
    }
    std::string kind;
    if (!options.file_kind.empty())
        kind = " (" + std::string(options.file_kind) + ")";
    else if (!property.file_extensions.empty())
        kind = " (" + joined(property.file_extensions) + ")";
    return fail("must be an uploaded file" + kind + ", not " + kind_of(value) + ": upload the file itself");
}

inline conversion to_pairs(const form_value& value)
{
    if (const auto* pairs = std::get_if<key_value_pairs>(&value)) {
        // Entries are named by their position only: a value (or a key holding a pasted secret) is
        // never quoted.
        for (std::size_t i = 0; i < pairs->size(); ++i) {
            const auto& pair = (*pairs)[i];
            const auto bad_key = utf8::first_invalid_byte(pair.key);
            const auto bad_value = bad_key ? bad_key : utf8::first_invalid_byte(pair.value);
            if (bad_value)
                return fail("has an entry (number " + std::to_string(i + 1) + ") whose " + (bad_key ? "key" : "value") +
                            " " + utf8::invalid_text_problem(*bad_value));
        }
        return {value, {}};
    }
    return fail("must be a list of key-value pairs, not " + kind_of(value));
}

// "enter a value", "choose one of A, B"...: how to fill in a required property.
inline std::string remedy_for(const property_descriptor& property)
{
    switch (property.type) {
    case property_type::boolean: return "choose true or false";
    case property_type::enumeration: return "choose one of " + joined(property.allowed_values);
    case property_type::file: return "upload a file";
    case property_type::key_value_list: return "add at least one key-value pair";
    case property_type::string:
    case property_type::integer: break;
    }
    return "enter a value";
}

} // namespace form_detail

// Whether a value counts as not given: empty or blank text (with keep_spaces: only empty text), an
// empty list, a file with neither name nor content.
[[nodiscard]] inline bool is_empty_value(const form_value& value, const conversion_options& options = {})
{
    if (const auto* s = std::get_if<std::string>(&value))
        return options.keep_spaces ? s->empty() : ascii::trim(*s).empty();
    if (const auto* f = std::get_if<file_value>(&value))
        return f->file_name.empty() && f->content.empty();
    if (const auto* pairs = std::get_if<key_value_pairs>(&value))
        return pairs->empty();
    return false;
}

// The normalised value `property`'s type calls for, or the problem (see conversion::problem).
[[nodiscard]] inline conversion convert_value(const property_descriptor& property, const form_value& value,
                                              const conversion_options& options = {})
{
    switch (property.type) {
    case property_type::string: return form_detail::to_text(value, options);
    case property_type::boolean: return form_detail::to_boolean(property, value);
    case property_type::integer: return form_detail::to_integer(property, value);
    case property_type::enumeration: return form_detail::to_enumeration(property, value);
    case property_type::file: return form_detail::to_file(property, value, options);
    case property_type::key_value_list: return form_detail::to_pairs(value);
    }
    return form_detail::fail("has a property type this SDK does not know");
}

// Whether two normalised values are the same.
[[nodiscard]] inline bool same_value(const form_value& a, const form_value& b)
{
    if (a.index() != b.index())
        return false;
    return std::visit(
        [&b](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            const T& y = std::get<T>(b);
            if constexpr (std::is_same_v<T, file_value>) {
                return x.file_name == y.file_name && x.content == y.content;
            } else if constexpr (std::is_same_v<T, key_value_pairs>) {
                if (x.size() != y.size())
                    return false;
                for (std::size_t i = 0; i < x.size(); ++i)
                    if (x[i].key != y[i].key || x[i].value != y[i].value)
                        return false;
                return true;
            } else {
                return x == y;
            }
        },
        a);
}

// A form checked against its descriptors: the problems, and the normalised value of every property
// given, in the form's display order, ready for a connection_record.
struct checked_form {
    std::vector<field_error> errors;
    std::vector<record_field> values;

    [[nodiscard]] bool ok() const noexcept { return errors.empty(); }

    // The normalised value given for `key`, or nullptr.
    [[nodiscard]] const form_value* find(std::string_view key) const noexcept
    {
        for (const auto& field : values)
            if (field.key == key)
                return &field.value;
        return nullptr;
    }
};

// Checks `form` against `descriptors` alone: every key must be a property (keys are case-sensitive;
// a key that differs only in case is pointed at its spelling), required properties must be given,
// and every value must convert (convert_value with default options). Messages begin with the
// property's label and end with the remedy; a secret value is never quoted.
[[nodiscard]] inline checked_form check_form(const std::vector<property_descriptor>& descriptors,
                                             const form_values& form)
{
    checked_form out;
    for (const auto& [key, value] : form) {
        bool known = false;
        const property_descriptor* other_case = nullptr;
        for (const auto& d : descriptors) {
            known = known || d.key == key;
            if (other_case == nullptr && ascii::iequals(d.key, key))
                other_case = &d;
        }
        if (known)
            continue;
        std::string message = ascii::quote_for_message(key) + " is not a property of this connector: ";
        if (other_case != nullptr) {
            message += "did you mean " + ascii::quote_for_message(other_case->key) + "? Keys are case-sensitive";
        } else {
            std::string names;
            for (const auto& d : descriptors)
                names += (names.empty() ? "" : ", ") + d.key;
            message += "remove it, or use one of " + names;
        }
        out.errors.push_back({key, std::move(message)});
    }
    for (const auto& d : descriptors) {
        const form_value* value = form.find(d.key);
        if (value == nullptr || is_empty_value(*value)) {
            if (d.required)
                out.errors.push_back({d.key, d.label + " is required: " + form_detail::remedy_for(d)});
            continue;
        }
        conversion converted = convert_value(d, *value);
        if (!converted.value) {
            out.errors.push_back({d.key, d.label + " " + converted.problem});
            continue;
        }
        out.values.push_back({d.key, std::move(*converted.value), d.secret});
    }
    return out;
}

CONNECTOR_SDK_END_NAMESPACE
