// Reads the Add Configuration field: key-value pairs from a host's list, or the text form
// "Key=Value;Key2=Value2" a command line or a single text box produces.
#pragma once

#include <connector_sdk/form.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sage {

struct configuration_entry {
    std::string key;          // trimmed, as written (not yet matched against the catalogue)
    std::string value;        // trimmed; quotes removed
    std::size_t position = 0; // 1-based, for messages
    bool quoted = false;      // text form: the value was in quotes (so a ';' in it did not end it)
};

// More entries than this are refused: the catalogue has a few dozen keys, and a form of tens of
// thousands of entries would only cost time.
inline constexpr std::size_t max_configuration_entries = 256;

struct configuration_entries {
    std::vector<configuration_entry> entries;
    // Entries that could not be read, each a sentence naming the entry by position; they never quote
    // the entry, which may hold a secret.
    std::vector<std::string> problems;
};

// Both forms stop after max_configuration_entries entries, with a problem saying so. Text form:
// entries separated by ';' or new lines; empty entries are skipped; the key ends at the
// first '='; a value may be quoted with " or ' to contain ';' (the quotes are removed).
[[nodiscard]] configuration_entries parse_configuration_text(std::string_view text);

// List form: every pair must have a key; values are trimmed.
[[nodiscard]] configuration_entries read_configuration_pairs(const connector_sdk::key_value_pairs& pairs);

} // namespace sage
