#include "form/property_conversion.hpp"

#include "form/property_keys.hpp"
#include <connector_support/ascii_text.hpp>

#include <charconv>
#include <type_traits>

namespace sage {

namespace {

using connector_sdk::file_value;
using connector_sdk::form_value;
using connector_sdk::key_value_pairs;
using connector_sdk::property_descriptor;
using connector_sdk::property_type;

conversion fail(std::string problem)
{
    return {std::nullopt, std::move(problem)};
}

std::string kind_of(const form_value& value)
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

// "; got 'abc'" for a value that is not secret; nothing for a secret one.
std::string got(const property_descriptor& property, std::string_view text)
{
    if (property.secret)
        return {};
    return "; got " + connector_support::quote_for_message(text);
}

std::optional<std::int64_t> parse_integer(std::string_view text)
{
    text = connector_support::trim(text);
    if (text.size() > 1 && text.front() == '+' && text[1] != '-')
        text.remove_prefix(1);
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return n;
}

// "must be a whole number between 1 and 3600"
std::string whole_number(const property_descriptor& property)
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

conversion to_integer(const property_descriptor& property, const form_value& value)
{
    std::int64_t n = 0;
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
        n = *i;
    } else if (const auto* s = std::get_if<std::string>(&value)) {
        const auto parsed = parse_integer(*s);
        if (!parsed)
            return fail(whole_number(property) + got(property, connector_support::trim(*s)));
        n = *parsed;
    } else {
        return fail(whole_number(property) + ", not " + kind_of(value));
    }
    if ((property.minimum && n < *property.minimum) || (property.maximum && n > *property.maximum))
        return fail(whole_number(property) + got(property, std::to_string(n)));
    return {form_value(n), {}};
}

conversion to_boolean(const property_descriptor& property, const form_value& value)
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
        const std::string_view t = connector_support::trim(*s);
        for (std::string_view yes : {"true", "yes", "1"})
            if (connector_support::iequals(t, yes))
                return {form_value(true), {}};
        for (std::string_view no : {"false", "no", "0"})
            if (connector_support::iequals(t, no))
                return {form_value(false), {}};
        return fail(std::string(expected) + got(property, t));
    }
    return fail(std::string(expected) + ", not " + kind_of(value));
}

conversion to_enumeration(const property_descriptor& property, const form_value& value)
{
    std::string choices;
    for (const auto& allowed : property.allowed_values)
        choices += (choices.empty() ? "" : ", ") + allowed;
    const auto* s = std::get_if<std::string>(&value);
    if (s == nullptr)
        return fail("must be one of " + choices + ", not " + kind_of(value));
    const std::string_view t = connector_support::trim(*s);
    for (const auto& allowed : property.allowed_values)
        if (connector_support::iequals(t, allowed))
            return {form_value(allowed), {}};
    return fail("must be one of " + choices + got(property, t));
}

conversion to_text(const property_descriptor& property, const form_value& value)
{
    if (const auto* s = std::get_if<std::string>(&value))
        return {form_value(keeps_spaces(property) ? *s : std::string(connector_support::trim(*s))), {}};
    if (const auto* i = std::get_if<std::int64_t>(&value))
        return {form_value(std::to_string(*i)), {}};
    return fail("must be text, not " + kind_of(value));
}

conversion to_file(const property_descriptor&, const form_value& value)
{
    if (const auto* f = std::get_if<file_value>(&value)) {
        if (f->content.empty())
            return fail("is an empty file" +
                        (f->file_name.empty() ? std::string()
                                              : " (" + connector_support::quote_for_message(f->file_name) + ")") +
                        ": upload the keystore itself, a PEM bundle or a PKCS#12 file");
        return {value, {}};
    }
    return fail("must be an uploaded file (a PEM bundle or a PKCS#12 file), not " + kind_of(value) +
                ": upload the file itself");
}

} // namespace

bool keeps_spaces(const property_descriptor& property) noexcept
{
    return property.key == keys::keystore_password || property.key == keys::proxy_password;
}

bool is_empty_value(const property_descriptor& property, const form_value& value)
{
    if (const auto* s = std::get_if<std::string>(&value))
        return keeps_spaces(property) ? s->empty() : connector_support::trim(*s).empty();
    if (const auto* f = std::get_if<file_value>(&value))
        return f->file_name.empty() && f->content.empty();
    if (const auto* pairs = std::get_if<key_value_pairs>(&value))
        return pairs->empty();
    return false;
}

conversion convert_value(const property_descriptor& property, const form_value& value)
{
    switch (property.type) {
    case property_type::string: return to_text(property, value);
    case property_type::boolean: return to_boolean(property, value);
    case property_type::integer: return to_integer(property, value);
    case property_type::enumeration: return to_enumeration(property, value);
    case property_type::file: return to_file(property, value);
    case property_type::key_value_list: break;
    }
    return fail("cannot be converted here (a list of key-value pairs is read as Add Configuration)");
}

bool same_value(const form_value& a, const form_value& b)
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

} // namespace sage
