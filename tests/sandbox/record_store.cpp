#include "record_store.hpp"

#include "sandbox_clock.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace sage_sandbox {
namespace {

constexpr std::size_t cached_views = 8;
constexpr std::int64_t ms_per_day = 86400000;

std::size_t entity_index(const entity_kind& entity)
{
    return static_cast<std::size_t>(&entity - entities().data());
}

std::string stamp_text(std::int64_t unix_seconds)
{
    return iso8601(sandbox_clock::time_point(std::chrono::seconds(unix_seconds)));
}

std::optional<std::int64_t> seconds_field(const boost::json::object& record, std::string_view name)
{
    auto it = record.find(name);
    if (it == record.end() || !it->value().is_string())
        return std::nullopt;
    auto ms = parse_iso8601_ms(it->value().as_string());
    if (!ms)
        return std::nullopt;
    return *ms / 1000;
}

std::optional<std::int64_t> day_field(const boost::json::object& record, std::string_view name)
{
    auto it = record.find(name);
    if (it == record.end() || !it->value().is_string())
        return std::nullopt;
    auto ms = parse_iso8601_ms(it->value().as_string());
    if (!ms)
        return std::nullopt;
    return *ms >= 0 ? *ms / ms_per_day : (*ms - ms_per_day + 1) / ms_per_day;
}

std::string lower(std::string_view text)
{
    std::string out(text);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The fields `search` looks in (Sage: name, reference, invoice number, contact name, item code, description).
bool matches_search(const boost::json::object& record, const std::string& needle)
{
    for (const char* field : {"displayed_as", "name", "reference", "contact_name", "invoice_number",
                              "credit_note_number", "vendor_reference", "item_code", "description", "nominal_code"}) {
        auto it = record.find(field);
        if (it == record.end())
            continue;
        std::string text;
        if (it->value().is_string())
            text = lower(it->value().as_string());
        else if (it->value().is_int64())
            text = std::to_string(it->value().as_int64());
        else
            continue;
        if (text.find(needle) != std::string::npos)
            return true;
    }
    return false;
}

// Every (field, id) names the id of the record's link `field` ({"contact": {"id": ...}}).
bool links_match(const boost::json::object& record, const std::vector<std::pair<std::string, std::string>>& links)
{
    for (const auto& [field, id] : links) {
        auto it = record.find(field);
        if (it == record.end() || !it->value().is_object())
            return false;
        const auto& link = it->value().as_object();
        auto link_id = link.find("id");
        if (link_id == link.end() || !link_id->value().is_string() || link_id->value().as_string() != id)
            return false;
    }
    return true;
}

} // namespace

std::string record_query::signature() const
{
    std::string out;
    auto add = [&](const char* name, const std::optional<std::int64_t>& v) {
        out += name;
        out += v ? std::to_string(*v) : "-";
        out += '|';
    };
    add("u", updated_or_created_since_ms);
    add("f", from_day);
    add("t", to_day);
    out += "s" + search + "|o" + sort_field + (descending ? ":d" : ":a");
    for (const auto& [field, id] : links)
        out += "|l" + field + "=" + id;
    return out;
}

boost::json::object deleted_record::to_json() const
{
    return {{"id", id}, {"deleted_at", stamp_text(deleted_at)}};
}

record_store::record_store(record_generator generator) : generator_(std::move(generator))
{
    reset();
}

void record_store::reset()
{
    std::unique_lock lock(mutex_);
    std::uint64_t next_version = 0;
    for (const auto& business : tables_)
        for (const auto& t : business)
            next_version = std::max(next_version, t.version + 1);
    tables_.assign(generator_.business_count(), std::vector<table>(entities().size()));
    for (std::size_t b = 0; b < tables_.size(); ++b)
        for (const auto& entity : entities()) {
            table& t = tables_[b][entity_index(entity)];
            t.generated = generator_.count(b, entity);
            t.version = next_version; // views cached before the reset never match again
        }
}

std::optional<std::size_t> record_store::business_index(std::string_view business_id) const
{
    for (std::size_t b = 0; b < generator_.business_count(); ++b)
        if (generator_.business_id(b) == business_id)
            return b;
    return std::nullopt;
}

const record_store::table& record_store::table_of(std::size_t business, const entity_kind& entity) const
{
    return tables_.at(business).at(entity_index(entity));
}

record_store::table& record_store::table_of(std::size_t business, const entity_kind& entity)
{
    return tables_.at(business).at(entity_index(entity));
}

record_store::slot_keys record_store::keys(std::size_t business, const entity_kind& entity, const table& t,
                                           std::size_t slot) const
{
    const stored* s = nullptr;
    if (slot >= t.generated) {
        s = &t.created[slot - t.generated];
    } else if (auto it = t.edited.find(slot); it != t.edited.end()) {
        s = &it->second;
    }
    if (s != nullptr)
        return {s->stamps, s->day, s->due_day};
    slot_keys k;
    k.stamps = generator_.stamps(business, entity, slot);
    k.day = generator_.date_day(business, entity, slot);
    k.due_day = k.day + 30;
    return k;
}

boost::json::object record_store::record_at(std::size_t business, const entity_kind& entity, const table& t,
                                            std::size_t slot) const
{
    if (slot >= t.generated)
        return t.created[slot - t.generated].record;
    if (auto it = t.edited.find(slot); it != t.edited.end())
        return it->second.record;
    return generator_.record(business, entity, slot);
}

std::string record_store::id_at(std::size_t business, const entity_kind& entity, const table& t, std::size_t slot) const
{
    if (slot >= t.generated)
        return std::string(t.created[slot - t.generated].record.at("id").as_string());
    return generator_.id(business, entity, slot);
}

std::optional<std::size_t> record_store::slot_of(std::size_t business, const entity_kind& entity, const table& t,
                                                 std::string_view id) const
{
    if (auto it = t.created_ids.find(std::string(id)); it != t.created_ids.end())
        return it->second;
    return generator_.index_of(business, entity, id);
}

std::shared_ptr<const record_store::view> record_store::matching(std::size_t business, const entity_kind& entity,
                                                                 const table& t, const record_query& query) const
{
    const std::string key = std::to_string(business) + "/" + std::string(entity.name) + "/" +
                            std::to_string(t.version) + "/" + query.signature();
    {
        std::lock_guard lock(cache_mutex_);
        for (auto it = cache_.begin(); it != cache_.end(); ++it)
            if (it->first == key) {
                cache_.splice(cache_.begin(), cache_, it); // most recently used first
                return cache_.front().second;
            }
    }
    struct candidate {
        std::int64_t key;
        std::uint32_t slot;
    };
    std::vector<candidate> found;
    const std::string needle = lower(query.search);
    const std::size_t n = slots(t);
    auto deleted = t.deleted.begin();
    for (std::size_t slot = 0; slot < n; ++slot) {
        while (deleted != t.deleted.end() && deleted->first < slot)
            ++deleted;
        if (deleted != t.deleted.end() && deleted->first == slot)
            continue;
        const slot_keys k = keys(business, entity, t, slot);
        if (query.updated_or_created_since_ms && k.stamps.updated_at * 1000 < *query.updated_or_created_since_ms)
            continue;
        if (query.from_day && k.day < *query.from_day)
            continue;
        if (query.to_day && k.day > *query.to_day)
            continue;
        if (!needle.empty() || !query.links.empty()) {
            const boost::json::object record = record_at(business, entity, t, slot);
            if (!needle.empty() && !matches_search(record, needle))
                continue;
            if (!links_match(record, query.links))
                continue;
        }
        std::int64_t sort_key = 0;
        if (query.sort_field == "created_at")
            sort_key = k.stamps.created_at;
        else if (query.sort_field == "updated_at")
            sort_key = k.stamps.updated_at;
        else if (query.sort_field == "date")
            sort_key = k.day;
        else if (query.sort_field == "due_date")
            sort_key = k.due_day;
        found.push_back({query.descending ? -sort_key : sort_key, static_cast<std::uint32_t>(slot)});
    }
    if (!query.sort_field.empty())
        std::stable_sort(found.begin(), found.end(),
                         [](const candidate& a, const candidate& b) { return a.key < b.key; });
    auto result = std::make_shared<view>();
    result->reserve(found.size());
    for (const auto& c : found)
        result->push_back(c.slot);

    std::lock_guard lock(cache_mutex_);
    cache_.emplace_front(key, result);
    if (cache_.size() > cached_views)
        cache_.pop_back();
    return result;
}

list_result record_store::list(std::size_t business, const entity_kind& entity, const record_query& query,
                               std::size_t page, std::size_t per_page) const
{
    std::shared_lock lock(mutex_);
    const table& t = table_of(business, entity);
    list_result out;
    auto clamp_page = [&](std::size_t total) {
        const std::size_t last = total == 0 ? 1 : (total + per_page - 1) / per_page;
        out.total = total;
        out.page = std::min(page, last); // Sage: a page past the end is the last page again
        return (out.page - 1) * per_page;
    };

    if (query.deleted_since_ms) {
        std::vector<std::pair<std::int64_t, std::size_t>> gone;
        for (const auto& [slot, at] : t.deleted)
            if (at * 1000 > *query.deleted_since_ms)
                gone.emplace_back(at, slot);
        std::stable_sort(gone.begin(), gone.end());
        const std::size_t first = clamp_page(gone.size());
        for (std::size_t i = first; i < gone.size() && i < first + per_page; ++i)
            out.items.push_back(deleted_record{id_at(business, entity, t, gone[i].second), gone[i].first}.to_json());
        return out;
    }

    const bool plain = !query.updated_or_created_since_ms && !query.from_day && !query.to_day && query.search.empty() &&
                       query.sort_field.empty() && query.links.empty();
    if (plain) {
        // Creation order: live slots are every slot but the deleted ones, no scan needed.
        const std::size_t first = clamp_page(slots(t) - t.deleted.size());
        std::size_t slot = first;
        for (const auto& [d, at] : t.deleted) {
            if (d <= slot)
                ++slot;
            else
                break;
        }
        while (out.items.size() < per_page && slot < slots(t)) {
            if (!t.deleted.contains(slot))
                out.items.push_back(record_at(business, entity, t, slot));
            ++slot;
        }
        return out;
    }

    const std::shared_ptr<const view> found = matching(business, entity, t, query);
    const std::size_t first = clamp_page(found->size());
    for (std::size_t i = first; i < found->size() && i < first + per_page; ++i)
        out.items.push_back(record_at(business, entity, t, (*found)[i]));
    return out;
}

std::optional<boost::json::object> record_store::find(std::size_t business, const entity_kind& entity,
                                                      std::string_view id) const
{
    std::shared_lock lock(mutex_);
    const table& t = table_of(business, entity);
    auto slot = slot_of(business, entity, t, id);
    if (!slot || t.deleted.contains(*slot))
        return std::nullopt;
    return record_at(business, entity, t, *slot);
}

record_store::stored record_store::make_stored(boost::json::object record, std::int64_t created_fallback) const
{
    stored s;
    s.stamps.created_at = seconds_field(record, "created_at").value_or(created_fallback);
    s.stamps.updated_at = seconds_field(record, "updated_at").value_or(s.stamps.created_at);
    const std::int64_t created_day = s.stamps.created_at / 86400;
    s.day = day_field(record, "date").value_or(created_day);
    s.due_day = day_field(record, "due_date").value_or(s.day);
    s.record = std::move(record);
    return s;
}

boost::json::object record_store::create(std::size_t business, const entity_kind& entity,
                                         const boost::json::object& fields, std::int64_t now)
{
    std::unique_lock lock(mutex_);
    table& t = table_of(business, entity);
    const std::size_t slot = slots(t);
    // Built like a generated record (a template of the same shape), then the caller's fields on top.
    boost::json::object record =
        t.generated > 0 ? generator_.record(business, entity, slot % t.generated) : boost::json::object{};
    const std::uint64_t salt = mix64(0xc7ea7edULL ^ (static_cast<std::uint64_t>(business) << 40) ^
                                     (static_cast<std::uint64_t>(entity_index(entity)) << 32) ^ slot);
    static constexpr char digits[] = "0123456789abcdef";
    std::string id(32, '0');
    std::uint64_t a = mix64(salt), b = mix64(salt ^ 0xffff);
    for (std::size_t i = 0; i < 32; ++i) {
        std::uint64_t& src = i < 16 ? a : b;
        id[i] = digits[src & 0x0f];
        src >>= 4;
    }
    const std::string when = stamp_text(now);
    record["id"] = id;
    record["displayed_as"] = "New " + std::string(entity.record_endpoint) + " " + std::to_string(slot + 1);
    record["$path"] = "/" + std::string(entity.name) + "/" + id;
    record["created_at"] = when;
    record["updated_at"] = when;
    if (!entity.date_field.empty())
        record[entity.date_field] = when.substr(0, 10);
    for (const auto& [key, value] : fields)
        if (key != "id" && key != "$path" && key != "created_at" && key != "updated_at")
            record[key] = value;
    t.created.push_back(make_stored(record, now));
    t.created_ids.emplace(id, slot);
    ++t.version;
    return record;
}

std::optional<boost::json::object> record_store::update(std::size_t business, const entity_kind& entity,
                                                        std::string_view id, const boost::json::object& fields,
                                                        std::int64_t now)
{
    std::unique_lock lock(mutex_);
    table& t = table_of(business, entity);
    auto slot = slot_of(business, entity, t, id);
    if (!slot || t.deleted.contains(*slot))
        return std::nullopt;
    boost::json::object record = record_at(business, entity, t, *slot);
    for (const auto& [key, value] : fields)
        if (key != "id" && key != "$path" && key != "created_at" && key != "updated_at")
            record[key] = value;
    record["updated_at"] = stamp_text(now);
    stored s = make_stored(record, now);
    if (*slot >= t.generated)
        t.created[*slot - t.generated] = std::move(s);
    else
        t.edited[*slot] = std::move(s);
    ++t.version;
    return record;
}

std::optional<deleted_record> record_store::remove(std::size_t business, const entity_kind& entity, std::string_view id,
                                                   std::int64_t now)
{
    std::unique_lock lock(mutex_);
    table& t = table_of(business, entity);
    auto slot = slot_of(business, entity, t, id);
    if (!slot || t.deleted.contains(*slot))
        return std::nullopt;
    t.deleted.emplace(*slot, now);
    t.edited.erase(*slot);
    ++t.version;
    return deleted_record{std::string(id), now};
}

void record_store::for_each_live(std::size_t business, const entity_kind& entity,
                                 const std::function<void(const boost::json::object&)>& visit, bool summary) const
{
    std::shared_lock lock(mutex_);
    const table& t = table_of(business, entity);
    for (std::size_t slot = 0; slot < slots(t); ++slot) {
        if (t.deleted.contains(slot))
            continue;
        const bool generated = slot < t.generated && !t.edited.contains(slot);
        if (!summary || !generated) {
            boost::json::object record = record_at(business, entity, t, slot);
            if (summary) {
                boost::json::object brief;
                for (const char* field : {"id", "displayed_as", "$path", "created_at", "updated_at"})
                    if (auto it = record.find(field); it != record.end())
                        brief[field] = it->value();
                record = std::move(brief);
            }
            visit(record);
            continue;
        }
        const std::string id = generator_.id(business, entity, slot);
        const record_stamps at = generator_.stamps(business, entity, slot);
        visit(boost::json::object{{"id", id},
                                  {"displayed_as", generator_.displayed_as(business, entity, slot)},
                                  {"$path", "/" + std::string(entity.name) + "/" + id},
                                  {"created_at", stamp_text(at.created_at)},
                                  {"updated_at", stamp_text(at.updated_at)}});
    }
}

std::size_t record_store::live_count(std::size_t business, const entity_kind& entity) const
{
    std::shared_lock lock(mutex_);
    const table& t = table_of(business, entity);
    return slots(t) - t.deleted.size();
}

std::vector<deleted_record> record_store::deletions(std::size_t business, const entity_kind& entity) const
{
    std::shared_lock lock(mutex_);
    const table& t = table_of(business, entity);
    std::vector<deleted_record> out;
    for (const auto& [slot, at] : t.deleted)
        out.push_back(deleted_record{id_at(business, entity, t, slot), at});
    std::stable_sort(out.begin(), out.end(),
                     [](const deleted_record& a, const deleted_record& b) { return a.deleted_at < b.deleted_at; });
    return out;
}

} // namespace sage_sandbox
