#include "sage/collection_page.hpp"

#include <connector_support/iso8601.hpp>

#include <boost/json.hpp>

namespace sage {
namespace {

using connector_sdk::error_category;
using connector_support::fail;

// Finds the text of every element of the top-level "$items" array. The body has already been
// parsed as JSON, so the scan only tracks strings and nesting.
class raw_items_scanner {
public:
    explicit raw_items_scanner(std::string_view text) noexcept : text_(text) {}

    // Spans of the elements, or nothing when "$items" is not found spelt plainly.
    std::optional<std::vector<std::pair<std::size_t, std::size_t>>> scan()
    {
        skip_space();
        if (!eat('{'))
            return std::nullopt;
        while (true) {
            const auto key = next_key();
            if (!key)
                return std::nullopt;
            if (*key == "\"$items\"")
                return elements();
            skip_value();
            skip_space();
            eat(',');
        }
    }

    // Where the top-level member `quoted_key` ("\"name\"", spelt plainly) of an object lies, with one
    // comma next to it: the span to cut to remove it.
    std::optional<std::pair<std::size_t, std::size_t>> member_cut(std::string_view quoted_key)
    {
        skip_space();
        if (!eat('{'))
            return std::nullopt;
        std::optional<std::size_t> previous_value_end;
        while (true) {
            const std::size_t key_start = skip_space_then(pos_);
            const auto key = next_key();
            if (!key)
                return std::nullopt;
            skip_value();
            const std::size_t value_end = pos_;
            skip_space();
            const bool comma = eat(',');
            if (*key == quoted_key) {
                if (comma) {
                    skip_space();
                    return std::pair{key_start, pos_ - key_start}; // the member, its comma, the space after
                }
                if (previous_value_end) // the last member: the comma before it goes
                    return std::pair{*previous_value_end, value_end - *previous_value_end};
                return std::pair{key_start, value_end - key_start};
            }
            if (!comma)
                return std::nullopt;
            previous_value_end = value_end;
        }
    }

private:
    // The next member's key, quoted as written ("\"name\""), with the reader placed at its value;
    // nothing at the object's end.
    std::optional<std::string_view> next_key()
    {
        skip_space();
        if (pos_ >= text_.size() || eat('}'))
            return std::nullopt;
        const std::size_t key_start = pos_;
        skip_string();
        const std::string_view key = text_.substr(key_start, pos_ - key_start);
        skip_space();
        eat(':');
        skip_space();
        return key;
    }

    // Where the next non-space character is, from `from` (the reader does not move).
    [[nodiscard]] std::size_t skip_space_then(std::size_t from) const noexcept
    {
        while (from < text_.size() && is_space(text_[from]))
            ++from;
        return from;
    }

    std::vector<std::pair<std::size_t, std::size_t>> elements()
    {
        std::vector<std::pair<std::size_t, std::size_t>> spans;
        if (!eat('['))
            return spans;
        while (true) {
            skip_space();
            if (eat(']') || pos_ >= text_.size())
                return spans;
            const std::size_t start = pos_;
            skip_value();
            spans.emplace_back(start, pos_ - start);
            skip_space();
            eat(',');
        }
    }

    void skip_value()
    {
        if (pos_ >= text_.size())
            return;
        const char c = text_[pos_];
        if (c == '"') {
            skip_string();
        } else if (c == '{' || c == '[') {
            int depth = 0;
            while (pos_ < text_.size()) {
                const char d = text_[pos_];
                if (d == '"') {
                    skip_string();
                    continue;
                }
                ++pos_;
                if (d == '{' || d == '[')
                    ++depth;
                else if ((d == '}' || d == ']') && --depth == 0)
                    return;
            }
        } else {
            while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' && text_[pos_] != ']' &&
                   !is_space(text_[pos_]))
                ++pos_;
        }
    }

    void skip_string()
    {
        if (!eat('"'))
            return;
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == '\\')
                ++pos_;
            else if (c == '"')
                return;
        }
    }

    static bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
    void skip_space() noexcept
    {
        while (pos_ < text_.size() && is_space(text_[pos_]))
            ++pos_;
    }
    bool eat(char c) noexcept
    {
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

std::optional<std::uint64_t> count_of(const boost::json::object& envelope, std::string_view key)
{
    const auto* value = envelope.if_contains(key);
    if (value == nullptr)
        return std::nullopt;
    if (const auto* n = value->if_int64(); n != nullptr && *n >= 0)
        return static_cast<std::uint64_t>(*n);
    if (const auto* n = value->if_uint64())
        return *n;
    return std::nullopt;
}

std::optional<std::chrono::sys_seconds> instant_of(const boost::json::object& item, std::string_view key)
{
    const auto* value = item.if_contains(key);
    if (value == nullptr || !value->is_string())
        return std::nullopt;
    return connector_support::parse_iso8601(value->get_string());
}

// The id of an item as text: Sage's ids are strings (32 hex digits; "GB" for a country).
std::optional<std::string> id_of(const boost::json::object& item, std::string_view key_field)
{
    const auto* value = item.if_contains(key_field);
    if (value == nullptr)
        return std::nullopt;
    if (value->is_string() && !value->get_string().empty() && value->get_string().size() <= 256)
        return std::string(value->get_string());
    if (value->is_int64() || value->is_uint64())
        return boost::json::serialize(*value);
    return std::nullopt;
}

} // namespace

connector_support::result<collection_page> parse_collection_page(std::string body, std::string_view what,
                                                                 std::string_view key_field)
{
    const std::string subject = "Sage's answer for " + std::string(what);
    boost::system::error_code ec;
    // The page's tree lives in one arena, freed at once: no allocation per value (a 300 KB page
    // holds some 10,000 of them).
    boost::json::monotonic_resource arena(body.size() * 2);
    boost::json::value document = boost::json::parse(body, ec, &arena);
    if (ec)
        return fail(error_category::remote, subject + " is not valid JSON (" + ec.message() + ")");
    auto* envelope = document.if_object();
    const auto* items_value = envelope ? envelope->if_contains("$items") : nullptr;
    if (items_value == nullptr || !items_value->is_array())
        return fail(error_category::remote, subject + " has no $items list");
    const auto& items = items_value->get_array();
    if (items.size() > max_page_items)
        return fail(error_category::remote, subject + " holds " + std::to_string(items.size()) +
                                                " items in one page, more than Sage ever sends");

    collection_page page;
    page.total = count_of(*envelope, "$total");
    page.page = count_of(*envelope, "$page");
    page.items_per_page = count_of(*envelope, "$itemsPerPage");
    if (!page.items_per_page)
        page.items_per_page = count_of(*envelope, "$items_per_page");
    const auto* next = envelope->if_contains("$next");
    page.has_next = next != nullptr && !next->is_null();

    const auto spans = raw_items_scanner(body).scan();
    page.items.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto* item = items[i].if_object();
        if (item == nullptr)
            return fail(error_category::remote, subject + " lists an item that is not an object");
        auto id = id_of(*item, key_field);
        if (!id)
            return fail(error_category::remote,
                        subject + " lists an item without its key (" + std::string(key_field) + ")");
        page_item entry;
        entry.id = std::move(*id);
        entry.updated_at = instant_of(*item, "updated_at");
        entry.deleted_at = instant_of(*item, "deleted_at");
        if (spans && spans->size() == items.size()) {
            entry.offset = (*spans)[i].first;
            entry.length = (*spans)[i].second;
        }
        page.items.push_back(std::move(entry));
    }
    if (!spans || spans->size() != items.size()) {
        // "$items" was spelt with escapes: keep each item as Boost.JSON writes it, after the body.
        std::string rewritten;
        for (std::size_t i = 0; i < items.size(); ++i) {
            const std::string text = boost::json::serialize(items[i]);
            page.items[i].offset = body.size() + rewritten.size();
            page.items[i].length = text.size();
            rewritten += text;
        }
        body += rewritten;
    }
    page.body = std::move(body);
    return page;
}

std::string without_member(std::string_view object, std::string_view key)
{
    const std::string quoted = "\"" + std::string(key) + "\"";
    const auto cut = raw_items_scanner(object).member_cut(quoted);
    std::string text(object);
    if (cut)
        text.erase(cut->first, cut->second);
    return text;
}

} // namespace sage
