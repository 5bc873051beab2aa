#include "sage/collection_page.hpp"

#include <connector_support/iso8601.hpp>

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <cstring>
#include <variant>

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

    // Past the closing quote: memchr finds each quote, an odd run of backslashes before it escapes it.
    void skip_string()
    {
        if (!eat('"'))
            return;
        while (pos_ < text_.size()) {
            const void* found = std::memchr(text_.data() + pos_, '"', text_.size() - pos_);
            if (found == nullptr) {
                pos_ = text_.size();
                return;
            }
            const auto quote = static_cast<std::size_t>(static_cast<const char*>(found) - text_.data());
            std::size_t backslashes = 0;
            while (quote - backslashes > pos_ && text_[quote - backslashes - 1] == '\\')
                ++backslashes;
            pos_ = quote + 1;
            if (backslashes % 2 == 0)
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

// What a page says, gathered while Boost.JSON's parser checks every byte of it (a SAX pass: no
// tree is built, nothing is allocated but the few values kept). Depth 1 is the envelope, depth 2 the
// "$items" list, depth 3 the members of one item.
class page_handler {
    using error_code = boost::system::error_code;
    using string_view = boost::json::string_view;

public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    // Why the answer is not a Sage page, once the parse stopped or ended.
    enum class flaw { none, not_a_list, item_not_object, too_many_items, item_without_key };

    page_handler(collection_page& page, std::string_view key_field) : page_(page), key_field_(key_field) {}

    [[nodiscard]] flaw found() const noexcept { return flaw_; }
    [[nodiscard]] bool has_items() const noexcept { return items_seen_; }
    // "$items_per_page", as /businesses spells "$itemsPerPage".
    [[nodiscard]] std::optional<std::uint64_t> per_page_spelt_by_businesses() const noexcept
    {
        return per_page_spelt_by_businesses_;
    }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code& ec) { return open(true, ec); }
    bool on_object_end(std::size_t, error_code& ec) { return close(ec); }
    bool on_array_begin(error_code& ec) { return open(false, ec); }
    bool on_array_end(std::size_t, error_code& ec) { return close(ec); }
    bool on_key_part(string_view s, std::size_t, error_code&)
    {
        collect(key_, s, key_wanted());
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code&)
    {
        collect(key_, s, key_wanted());
        member_ = key_wanted() ? member_named(key_) : member::other;
        key_.clear();
        return true;
    }
    bool on_string_part(string_view s, std::size_t, error_code&)
    {
        collect(text_, s, value_wanted());
        return true;
    }
    bool on_string(string_view s, std::size_t, error_code& ec)
    {
        collect(text_, s, value_wanted());
        const bool kept = scalar(value_kind::text, ec);
        text_.clear();
        return kept;
    }
    bool on_number_part(string_view, error_code&) { return true; }
    bool on_int64(std::int64_t i, string_view, error_code& ec)
    {
        number_ = i;
        return scalar(i >= 0 ? value_kind::count : value_kind::integer, ec);
    }
    bool on_uint64(std::uint64_t u, string_view, error_code& ec)
    {
        number_ = u;
        return scalar(value_kind::count, ec);
    }
    bool on_double(double, string_view, error_code& ec) { return scalar(value_kind::other, ec); }
    bool on_bool(bool, error_code& ec) { return scalar(value_kind::other, ec); }
    bool on_null(error_code& ec) { return scalar(value_kind::null, ec); }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

private:
    enum class value_kind { text, count, integer, null, other, container };
    // The members a page is read for: of the envelope (depth 1) and of an item (depth 3).
    enum class member {
        other,
        items,
        next,
        total,
        page,
        items_per_page,
        items_per_page_spelt_by_businesses,
        key,
        updated_at,
        deleted_at
    };

    [[nodiscard]] member member_named(std::string_view name) const noexcept
    {
        if (depth_ == 1) {
            static constexpr std::pair<std::string_view, member> envelope[] = {
                {"$items", member::items},
                {"$next", member::next},
                {"$total", member::total},
                {"$page", member::page},
                {"$itemsPerPage", member::items_per_page},
                {"$items_per_page", member::items_per_page_spelt_by_businesses}};
            for (const auto& [spelling, which] : envelope)
                if (name == spelling)
                    return which;
            return member::other;
        }
        if (name == key_field_)
            return member::key;
        if (name == "updated_at")
            return member::updated_at;
        if (name == "deleted_at")
            return member::deleted_at;
        return member::other;
    }

    // Keys and values longer than this are never one the page is read for.
    static constexpr std::size_t max_kept = 256;

    [[nodiscard]] bool in_item() const noexcept { return in_items_ && depth_ == 3; }
    [[nodiscard]] bool key_wanted() const noexcept { return depth_ == 1 || in_item(); }
    [[nodiscard]] bool value_wanted() const noexcept
    {
        return in_item() && (member_ == member::key || member_ == member::updated_at || member_ == member::deleted_at);
    }
    void collect(std::string& into, string_view part, bool wanted)
    {
        if (wanted && into.size() <= max_kept)
            into.append(part.data(), std::min(part.size(), max_kept + 1 - into.size()));
    }

    bool refuse(flaw why, error_code& ec)
    {
        flaw_ = why;
        ec = boost::json::error::exception; // stops the parser; found() says why
        return false;
    }

    bool open(bool object, error_code& ec)
    {
        if (depth_ == 0) {
            root_is_object_ = object;
        } else if (depth_ == 1 && root_is_object_) {
            if (!envelope_value(value_kind::container, !object, ec))
                return false;
        } else if (depth_ == 2 && in_items_) {
            if (!object)
                return refuse(flaw::item_not_object, ec);
            if (page_.items.size() >= max_page_items)
                return refuse(flaw::too_many_items, ec);
            page_.items.emplace_back();
        } else if (in_item() && !item_value(value_kind::container, ec)) {
            return false;
        }
        ++depth_;
        return true;
    }

    bool close(error_code& ec)
    {
        --depth_;
        if (depth_ == 2 && in_items_ && page_.items.back().id.empty())
            return refuse(flaw::item_without_key, ec);
        if (depth_ == 1)
            in_items_ = false;
        return true;
    }

    bool scalar(value_kind kind, error_code& ec)
    {
        if (depth_ == 0)
            root_is_object_ = false;
        else if (depth_ == 1 && root_is_object_)
            return envelope_value(kind, false, ec);
        else if (depth_ == 2 && in_items_)
            return refuse(flaw::item_not_object, ec);
        else if (in_item())
            return item_value(kind, ec);
        return true;
    }

    // A member of the envelope: "$items" (`list` when it is an array), the counts, "$next".
    bool envelope_value(value_kind kind, bool list, error_code& ec)
    {
        if (member_ == member::items) {
            if (!list || items_seen_)
                return refuse(flaw::not_a_list, ec); // not a list, or a second one
            items_seen_ = true;
            in_items_ = true;
        } else if (member_ == member::next) {
            page_.has_next = kind != value_kind::null;
        } else if (member_ == member::total) {
            page_.total = count(kind);
        } else if (member_ == member::page) {
            page_.page = count(kind);
        } else if (member_ == member::items_per_page) {
            page_.items_per_page = count(kind);
        } else if (member_ == member::items_per_page_spelt_by_businesses) {
            per_page_spelt_by_businesses_ = count(kind);
        }
        return true;
    }

    [[nodiscard]] std::optional<std::uint64_t> count(value_kind kind) const
    {
        if (kind != value_kind::count)
            return std::nullopt;
        if (const auto* u = std::get_if<std::uint64_t>(&number_))
            return *u;
        return static_cast<std::uint64_t>(std::get<std::int64_t>(number_));
    }

    // A member of an item: its key (Sage's ids are strings, 32 hex digits or "GB"; an integer is
    // taken as its decimal text), updated_at, deleted_at.
    bool item_value(value_kind kind, error_code&)
    {
        page_item& item = page_.items.back();
        if (member_ == member::key) {
            item.id.clear();
            if (kind == value_kind::text && !text_.empty() && text_.size() <= max_kept)
                item.id = text_;
            else if (kind == value_kind::count || kind == value_kind::integer)
                item.id = std::visit([](auto n) { return std::to_string(n); }, number_);
        } else if (member_ == member::updated_at) {
            item.updated_at = instant(kind);
        } else if (member_ == member::deleted_at) {
            item.deleted_at = instant(kind);
        }
        return true;
    }

    [[nodiscard]] std::optional<std::chrono::sys_seconds> instant(value_kind kind) const
    {
        if (kind != value_kind::text || text_.size() > max_kept)
            return std::nullopt;
        return connector_support::parse_iso8601(text_);
    }

    collection_page& page_;
    std::string_view key_field_;
    int depth_ = 0; // containers open
    bool root_is_object_ = false;
    bool items_seen_ = false;
    bool in_items_ = false;         // inside the "$items" list (depth 2) or one of its items
    std::string key_;               // the key being read, when wanted
    member member_ = member::other; // what the value coming next is
    std::string text_;              // the string being read, when wanted
    std::variant<std::int64_t, std::uint64_t> number_;
    std::optional<std::uint64_t> per_page_spelt_by_businesses_;
    flaw flaw_ = flaw::none;
};

// The items of a page whose "$items" key was spelt with escapes, where the raw scan cannot find
// them: each as Boost.JSON writes it, appended to the body.
void rewrite_items(collection_page& page)
{
    boost::json::monotonic_resource arena(page.body.size() * 2);
    const boost::json::value document = boost::json::parse(page.body, &arena);
    const auto& items = document.as_object().at("$items").as_array();
    std::string rewritten;
    for (std::size_t i = 0; i < items.size() && i < page.items.size(); ++i) {
        const std::string text = boost::json::serialize(items[i]);
        page.items[i].offset = page.body.size() + rewritten.size();
        page.items[i].length = text.size();
        rewritten += text;
    }
    page.body += rewritten;
}

} // namespace

connector_support::result<collection_page> parse_collection_page(std::string body, std::string_view what,
                                                                 std::string_view key_field)
{
    const std::string subject = "Sage's answer for " + std::string(what);
    collection_page page;
    boost::json::basic_parser<page_handler> parser(boost::json::parse_options{}, page, key_field);
    boost::system::error_code ec;
    const std::size_t read = parser.write_some(false, body.data(), body.size(), ec);
    if (!ec && read < body.size())
        ec = boost::json::error::extra_data; // as boost::json::parse says of bytes after the document
    switch (parser.handler().found()) {
    case page_handler::flaw::none: break;
    case page_handler::flaw::not_a_list: return fail(error_category::remote, subject + " has no $items list");
    case page_handler::flaw::item_not_object:
        return fail(error_category::remote, subject + " lists an item that is not an object");
    case page_handler::flaw::too_many_items:
        return fail(error_category::remote, subject + " holds over " + std::to_string(max_page_items) +
                                                " items in one page, more than Sage ever sends");
    case page_handler::flaw::item_without_key:
        return fail(error_category::remote,
                    subject + " lists an item without its key (" + std::string(key_field) + ")");
    }
    if (ec)
        return fail(error_category::remote, subject + " is not valid JSON (" + ec.message() + ")");
    if (!parser.handler().has_items())
        return fail(error_category::remote, subject + " has no $items list");
    if (!page.items_per_page)
        page.items_per_page = parser.handler().per_page_spelt_by_businesses();

    const auto spans = raw_items_scanner(body).scan();
    page.body = std::move(body);
    if (spans && spans->size() == page.items.size()) {
        for (std::size_t i = 0; i < spans->size(); ++i) {
            page.items[i].offset = (*spans)[i].first;
            page.items[i].length = (*spans)[i].second;
        }
    } else {
        rewrite_items(page);
    }
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
