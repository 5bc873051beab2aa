#include "form/additional_configuration.hpp"

#include <connector_support/ascii_text.hpp>

namespace sage {

namespace {
constexpr bool is_separator(char c) noexcept
{
    return c == ';' || c == '\n' || c == '\r';
}
constexpr bool is_blank(char c) noexcept
{
    return c == ' ' || c == '\t';
}

std::string entry_problem(std::size_t position, std::string_view what)
{
    return "entry " + std::to_string(position) + " " + std::string(what);
}

std::string too_many_entries()
{
    return "has more than " + std::to_string(max_configuration_entries) +
           " entries; the rest were not read: give each key once";
}
} // namespace

configuration_entries parse_configuration_text(std::string_view text)
{
    configuration_entries out;
    std::size_t i = 0;
    std::size_t position = 0;
    const auto skip_blanks = [&] {
        while (i < text.size() && is_blank(text[i]))
            ++i;
    };
    const auto skip_to_separator = [&] {
        while (i < text.size() && !is_separator(text[i]))
            ++i;
    };
    while (i < text.size()) {
        while (i < text.size() && (is_separator(text[i]) || is_blank(text[i])))
            ++i;
        if (i == text.size())
            break;
        if (position == max_configuration_entries) {
            out.problems.push_back(too_many_entries());
            break;
        }
        ++position;
        const std::size_t key_start = i;
        while (i < text.size() && text[i] != '=' && !is_separator(text[i]))
            ++i;
        if (i == text.size() || text[i] != '=') {
            out.problems.push_back(entry_problem(position, "has no '=': write Key=Value pairs separated by ';'"));
            continue;
        }
        const std::string_view key = connector_support::trim(text.substr(key_start, i - key_start));
        ++i; // '='
        skip_blanks();
        std::string value;
        const bool quoted = i < text.size() && (text[i] == '"' || text[i] == '\'');
        if (quoted) {
            const char quote = text[i++];
            const std::size_t close = text.find(quote, i);
            if (close == std::string_view::npos) {
                out.problems.push_back(entry_problem(position, "opens a quote that is never closed"));
                break;
            }
            value = std::string(text.substr(i, close - i));
            i = close + 1;
            skip_blanks();
            if (i < text.size() && !is_separator(text[i])) {
                out.problems.push_back(entry_problem(position, "has text after its closing quote"));
                skip_to_separator();
                continue;
            }
        } else {
            const std::size_t value_start = i;
            skip_to_separator();
            value = std::string(connector_support::trim(text.substr(value_start, i - value_start)));
        }
        if (key.empty()) {
            out.problems.push_back(entry_problem(position, "has no key before '='"));
            continue;
        }
        out.entries.push_back({std::string(key), std::move(value), position, quoted});
    }
    return out;
}

configuration_entries read_configuration_pairs(const connector_sdk::key_value_pairs& pairs)
{
    configuration_entries out;
    std::size_t position = 0;
    for (const auto& pair : pairs) {
        if (position == max_configuration_entries) {
            out.problems.push_back(too_many_entries());
            break;
        }
        ++position;
        const std::string_view key = connector_support::trim(pair.key);
        if (key.empty()) {
            if (!connector_support::trim(pair.value).empty())
                out.problems.push_back(entry_problem(position, "has a value but no key"));
            continue;
        }
        out.entries.push_back({std::string(key), std::string(connector_support::trim(pair.value)), position, true});
    }
    return out;
}

} // namespace sage
