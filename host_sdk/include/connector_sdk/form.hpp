// The values a host collected from a connection form and passes to a connector. Values arrive as the
// host has them (text from a command line, booleans from a checkbox...); the connector converts and
// checks them against its property descriptors.
#pragma once

#include <connector_sdk/version.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

CONNECTOR_SDK_BEGIN_NAMESPACE

struct file_value {
    std::string file_name;             // as uploaded, without a folder; for messages and type sniffing
    std::vector<std::uint8_t> content; // the bytes of the file
};

struct key_value {
    std::string key;
    std::string value;
};

using key_value_pairs = std::vector<key_value>;

using form_value = std::variant<std::string, bool, std::int64_t, file_value, key_value_pairs>;

// An ordered map from property key to value. Keys are case-sensitive here; connectors may accept
// other spellings and say so in their validation messages.
class form_values {
public:
    using map_type = std::map<std::string, form_value, std::less<>>;
    using const_iterator = map_type::const_iterator;

    form_values() = default;

    void set(std::string key, form_value value) { values_.insert_or_assign(std::move(key), std::move(value)); }
    void erase(std::string_view key)
    {
        if (auto it = values_.find(key); it != values_.end())
            values_.erase(it);
    }

    [[nodiscard]] bool contains(std::string_view key) const { return values_.find(key) != values_.end(); }

    // nullptr when the key is absent.
    [[nodiscard]] const form_value* find(std::string_view key) const
    {
        auto it = values_.find(key);
        return it == values_.end() ? nullptr : &it->second;
    }

    // The value when the key is present and holds a T, otherwise nullptr.
    template <typename T>
    [[nodiscard]] const T* get_if(std::string_view key) const
    {
        const form_value* value = find(key);
        return value == nullptr ? nullptr : std::get_if<T>(value);
    }

    [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
    [[nodiscard]] bool empty() const noexcept { return values_.empty(); }
    [[nodiscard]] const_iterator begin() const noexcept { return values_.begin(); }
    [[nodiscard]] const_iterator end() const noexcept { return values_.end(); }

private:
    map_type values_;
};

CONNECTOR_SDK_END_NAMESPACE
