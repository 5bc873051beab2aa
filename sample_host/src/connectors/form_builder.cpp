#include "connectors/form_builder.hpp"

#include "runtime/host_error.hpp"

#include <connector_support/ascii_text.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <limits>
#include <system_error>

namespace sample_host {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using connector_sdk::form_value;
using connector_sdk::key_value_pairs;
using connector_support::iequals;
using connector_support::trim;

struct key_and_value {
    std::string key;
    std::string value;
};

// "KEY=VALUE" from the `index`-th (1-based) use of `option`. Never quotes the argument: it may be a
// secret that lost its key.
key_and_value split_assignment(std::string_view argument, std::string_view option, std::size_t index,
                               std::string_view shape)
{
    const std::string where = std::string(option) + " (use #" + std::to_string(index) + ")";
    const auto eq = argument.find('=');
    if (eq == std::string_view::npos)
        throw usage_error(where + " has no '=': write " + std::string(option) + " " + std::string(shape));
    const std::string_view key = trim(argument.substr(0, eq));
    if (key.empty())
        throw usage_error(where + " has nothing before '=': write " + std::string(option) + " " + std::string(shape));
    if (std::any_of(key.begin(), key.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == ' '; }))
        throw usage_error(where + " has a key with spaces or control characters: keys are names such as ClientId");
    return {std::string(key), std::string(argument.substr(eq + 1))};
}

// Sets `key` in a key-value list: an entry with the same key (ignoring case) takes the value and keeps
// its spelling; otherwise the pair is appended.
void put_pair(key_value_pairs& pairs, std::string key, std::string value)
{
    auto same = std::find_if(pairs.begin(), pairs.end(), [&](const auto& pair) { return iequals(pair.key, key); });
    if (same != pairs.end())
        same->value = std::move(value);
    else
        pairs.push_back({std::move(key), std::move(value)});
}

// Adds or replaces `key` in the Add Configuration list of `form`.
void put_configuration(connector_sdk::form_values& form, const std::string& key, std::string value,
                       std::string_view origin)
{
    key_value_pairs pairs;
    if (const form_value* existing = form.find(additional_configuration_key)) {
        const auto* list = std::get_if<key_value_pairs>(existing);
        if (list == nullptr)
            throw usage_error(std::string(origin) + ": " + std::string(additional_configuration_key) +
                              " was already given as a single value; give its entries with --config KEY=VALUE only");
        pairs = *list;
    }
    put_pair(pairs, key, std::move(value));
    form.set(std::string(additional_configuration_key), std::move(pairs));
}

// A JSON scalar as Add Configuration text.
std::string configuration_text(const json::value& value, const std::string& where)
{
    if (value.is_string())
        return std::string(value.get_string());
    if (value.is_bool())
        return value.get_bool() ? "true" : "false";
    if (value.is_int64())
        return std::to_string(value.get_int64());
    if (value.is_uint64())
        return std::to_string(value.get_uint64());
    throw usage_error(where + " must be a string, a boolean or a whole number");
}

key_value_pairs configuration_from_json(const json::value& value, const std::string& where)
{
    key_value_pairs pairs;
    if (const auto* object = value.if_object()) {
        for (const auto& member : *object)
            put_pair(pairs, std::string(member.key()),
                     configuration_text(member.value(), where + "." + std::string(member.key())));
        return pairs;
    }
    if (const auto* array = value.if_array()) {
        for (std::size_t i = 0; i < array->size(); ++i) {
            const std::string item_where = where + "[" + std::to_string(i) + "]";
            if (const auto* row = (*array)[i].if_array()) { // [KEY, VALUE], as the web console sends rows
                if (row->size() != 2 || !(*row)[0].is_string() || (*row)[0].get_string().empty())
                    throw usage_error(item_where + " must be a pair [\"KEY\", \"VALUE\"] with a non-empty key");
                put_pair(pairs, std::string((*row)[0].get_string()), configuration_text((*row)[1], item_where + "[1]"));
                continue;
            }
            const auto* item = (*array)[i].if_object();
            const json::value* key = item != nullptr ? item->if_contains("key") : nullptr;
            const json::value* text = item != nullptr ? item->if_contains("value") : nullptr;
            if (key == nullptr || text == nullptr || !key->is_string() || key->get_string().empty() ||
                item->size() != 2)
                throw usage_error(item_where + " must be an object {\"key\": \"...\", \"value\": \"...\"} or a pair "
                                               "[\"KEY\", \"VALUE\"]");
            put_pair(pairs, std::string(key->get_string()), configuration_text(*text, item_where + ".value"));
        }
        return pairs;
    }
    throw usage_error(where + " must be an object of KEY: VALUE, or an array of {\"key\", \"value\"}");
}

// The --form file's JSON object; usage_error naming the file and the remedy otherwise.
json::object read_form_json(const fs::path& file, const std::string& origin)
{
    std::error_code ec;
    if (!fs::exists(file, ec))
        throw usage_error(origin + ": the file does not exist: check the path");
    if (!fs::is_regular_file(file, ec))
        throw usage_error(origin + ": not a regular file: give the path of a JSON file");
    if (fs::file_size(file, ec) > max_form_document_bytes)
        throw usage_error(origin + ": larger than 1 MiB; a form is a small JSON object (files are referenced by "
                                   "{\"path\": ...}, not embedded)");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw usage_error(origin + ": cannot be read: check its permissions");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};

    boost::system::error_code parse_error;
    json::parse_options options;
    options.max_depth = 8;
    json::value doc = json::parse(text, parse_error, {}, options);
    if (parse_error)
        throw usage_error(origin + ": not valid JSON (" + parse_error.message() + "): fix the file");
    auto* object = doc.if_object();
    if (object == nullptr)
        throw usage_error(origin + ": must be a JSON object {\"Key\": value, ...}");
    return std::move(*object);
}

// One member of a JSON form as a form value.
void set_member(connector_sdk::form_values& form, const std::string& key, const json::value& value,
                const std::string& where, const json_form_rules& rules)
{
    if (rules.is_key_value_list(key)) {
        form.set(key, configuration_from_json(value, where));
    } else if (value.is_string()) {
        form.set(key, std::string(value.get_string()));
    } else if (value.is_bool()) {
        form.set(key, value.get_bool());
    } else if (value.is_int64()) {
        form.set(key, value.get_int64());
    } else if (value.is_uint64()) {
        throw usage_error(where + " is a number too large for a 64-bit integer");
    } else if (value.is_double()) {
        throw usage_error(where + " is not a whole number: form numbers are integers");
    } else if (const auto* file_ref = value.if_object()) {
        form.set(key, rules.read_file(*file_ref, where));
    } else if (value.is_null()) {
        throw usage_error(where + " is null: remove the member to leave the field empty");
    } else {
        throw usage_error(where + " must be a string, a boolean, an integer or " + rules.file_shape +
                          " for a file (arrays are only for " + std::string(additional_configuration_key) +
                          " and other key-value lists)");
    }
}

void read_form_document(const fs::path& file, connector_sdk::form_values& form)
{
    const std::string origin = "--form " + file.string();
    const json::object object = read_form_json(file, origin);
    const fs::path base = file.has_parent_path() ? file.parent_path() : fs::path(".");
    json_form_rules rules;
    rules.is_key_value_list = [](std::string_view key) { return key == additional_configuration_key; };
    rules.file_shape = "{\"path\": \"FILE\"}";
    rules.read_file = [&base](const json::object& file_ref, const std::string& where) {
        const json::value* path = file_ref.if_contains("path");
        if (path == nullptr || !path->is_string() || file_ref.size() != 1)
            throw usage_error(where + " must be a string, a boolean, an integer or {\"path\": \"FILE\"} for a file");
        const fs::path target = fs::path(std::string(path->get_string()));
        return read_form_file(target.is_absolute() ? target : base / target, where);
    };
    for (auto& [key, value] : form_from_json(object, origin, rules))
        form.set(key, value);
}

std::optional<bool> parse_boolean(std::string_view text)
{
    text = trim(text);
    for (std::string_view yes : {"true", "yes", "on", "1"})
        if (iequals(text, yes))
            return true;
    for (std::string_view no : {"false", "no", "off", "0"})
        if (iequals(text, no))
            return false;
    return std::nullopt;
}

std::optional<std::int64_t> parse_integer(std::string_view text)
{
    text = trim(text);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

} // namespace

connector_sdk::file_value read_form_file(const fs::path& path, std::string_view origin)
{
    const std::string where = std::string(origin) + ": " + path.string();
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        throw usage_error(where + " does not exist: check the path");
    if (!fs::is_regular_file(status))
        throw usage_error(where + " is not a regular file: give the path of the file to upload");
    const auto size = fs::file_size(path, ec);
    if (ec)
        throw usage_error(where + " cannot be read: " + ec.message());
    if (size > max_form_file_bytes)
        throw usage_error(where + " is " + std::to_string(size) +
                          " bytes, more than the 10 MiB a form accepts: upload the keystore itself, not an archive");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw usage_error(where + " cannot be read: check its permissions");
    connector_sdk::file_value file;
    file.file_name = path.filename().string();
    file.content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (file.content.size() > max_form_file_bytes) // grew while we read it
        throw usage_error(where + " is larger than the 10 MiB a form accepts");
    return file;
}

connector_sdk::form_values form_from_json(const json::object& object, std::string_view origin,
                                          const json_form_rules& rules)
{
    connector_sdk::form_values form;
    for (const auto& member : object) {
        const std::string key(member.key());
        if (key.empty())
            throw usage_error(std::string(origin) + ": a member has an empty name");
        set_member(form, key, member.value(), std::string(origin) + ": member \"" + key + "\"", rules);
    }
    return form;
}

built_form build_form(const form_sources& sources, const environment_lookup& env)
{
    built_form out;
    if (sources.form_file)
        read_form_document(*sources.form_file, out.values);
    for (std::size_t i = 0; i < sources.sets.size(); ++i) {
        auto [key, value] = split_assignment(sources.sets[i], "--set", i + 1, "KEY=VALUE");
        out.argv_keys.push_back(key);
        out.values.set(std::move(key), std::move(value));
    }
    for (std::size_t i = 0; i < sources.configs.size(); ++i) {
        auto [key, value] = split_assignment(sources.configs[i], "--config", i + 1, "KEY=VALUE");
        out.argv_keys.push_back(key);
        put_configuration(out.values, key, std::move(value), "--config " + key);
    }
    for (std::size_t i = 0; i < sources.files.size(); ++i) {
        auto [key, path] = split_assignment(sources.files[i], "--file", i + 1, "KEY=PATH");
        if (path.empty())
            throw usage_error(
                std::string("--file ").append(key).append("= has no path: write --file ").append(key).append("=PATH"));
        out.values.set(key, read_form_file(fs::path(path), "--file " + key));
    }
    for (std::size_t i = 0; i < sources.secret_envs.size(); ++i) {
        auto [key, variable] = split_assignment(sources.secret_envs[i], "--secret-env", i + 1, "KEY=ENVVAR");
        variable = std::string(trim(variable));
        if (variable.empty())
            throw usage_error(std::string("--secret-env ")
                                  .append(key)
                                  .append("= names no environment variable: write --secret-env ")
                                  .append(key)
                                  .append("=ENVVAR"));
        auto value = env(variable);
        if (!value)
            throw usage_error(std::string("--secret-env ")
                                  .append(key)
                                  .append("=")
                                  .append(variable)
                                  .append(": the environment variable ")
                                  .append(variable)
                                  .append(" is not set or is empty: export it before running sample_host"));
        out.env_secrets.push_back(*value);
        out.values.set(key, std::move(*value));
    }
    return out;
}

void overlay_form(connector_sdk::form_values& base, const connector_sdk::form_values& overrides)
{
    for (const auto& [key, value] : overrides) {
        // The saved spelling (the connector's own, from CREATE) wins over the one typed.
        std::string target = key;
        for (const auto& existing : base)
            if (iequals(existing.first, key)) {
                target = existing.first;
                break;
            }
        const auto* added = std::get_if<key_value_pairs>(&value);
        const auto* saved = base.get_if<key_value_pairs>(target);
        if (added == nullptr || saved == nullptr || !iequals(key, additional_configuration_key)) {
            base.set(target, value);
            continue;
        }
        key_value_pairs merged = *saved;
        for (const auto& pair : *added)
            put_pair(merged, pair.key, pair.value);
        base.set(target, std::move(merged));
    }
}

void apply_property_types(connector_sdk::form_values& form,
                          const std::vector<connector_sdk::property_descriptor>& properties)
{
    for (const auto& property : properties) {
        const auto* text = form.get_if<std::string>(property.key);
        if (text == nullptr)
            continue;
        if (property.type == connector_sdk::property_type::boolean) {
            if (auto flag = parse_boolean(*text))
                form.set(property.key, *flag);
        } else if (property.type == connector_sdk::property_type::integer) {
            if (auto number = parse_integer(*text))
                form.set(property.key, *number);
        }
    }
}

std::vector<std::string> secret_texts(const connector_sdk::form_values& form,
                                      const std::vector<connector_sdk::property_descriptor>& properties)
{
    std::vector<std::string> out;
    const auto is_secret = [&](std::string_view key) {
        return std::any_of(properties.begin(), properties.end(),
                           [&](const auto& p) { return p.secret && iequals(p.key, key); });
    };
    for (const auto& [key, value] : form) {
        if (const auto* text = std::get_if<std::string>(&value); text != nullptr && is_secret(key))
            out.push_back(*text);
        if (const auto* pairs = std::get_if<key_value_pairs>(&value))
            for (const auto& pair : *pairs)
                if (is_secret(pair.key))
                    out.push_back(pair.value);
    }
    return out;
}

} // namespace sample_host
