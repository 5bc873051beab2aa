// The live records of every business and entity: the generated ones (never stored, see
// record_generator) plus what tests changed through the control API (created, updated and deleted
// records, kept as an overlay), and the queries Sage's collections answer over them: filters,
// sorting, paging, deletions since a time. Memory grows with the changes and with a few cached
// filtered views (4 bytes a matching record), never with the number of generated records.
// Thread-safe: reads run concurrently, changes exclusively.
#pragma once

#include "entity_catalog.hpp"
#include "record_generator.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sage_sandbox {

// What a collection request asks for, already checked against what the entity declares.
struct record_query {
    std::optional<std::int64_t> updated_or_created_since_ms; // inclusive
    std::optional<std::int64_t> deleted_since_ms;            // exclusive; lists deletions instead of records
    std::optional<std::int64_t> from_day, to_day;            // days since the epoch, inclusive
    std::string search;                                      // case-insensitive substring; "" = none
    std::vector<std::pair<std::string, std::string>> links;  // ("contact", id): record.contact.id == id
    std::string sort_field;                                  // "" = creation order
    bool descending = false;

    [[nodiscard]] std::string signature() const; // the cache key of the matching records
};

struct deleted_record {
    std::string id;
    std::int64_t deleted_at = 0; // Unix seconds

    [[nodiscard]] boost::json::object to_json() const; // {"id","deleted_at"}
};

struct list_result {
    std::size_t total = 0;
    std::size_t page = 1; // the page actually served (past the end: the last one)
    std::vector<boost::json::object> items;
};

class record_store {
public:
    explicit record_store(record_generator generator);

    [[nodiscard]] const record_generator& generator() const noexcept { return generator_; }
    // The index of a business id; nullopt when unknown.
    [[nodiscard]] std::optional<std::size_t> business_index(std::string_view business_id) const;

    // One page of the records (or, with deleted_since, the deletions) matching `query`. Items are whole
    // records (deletions: {"id","deleted_at"}); the caller projects them.
    [[nodiscard]] list_result list(std::size_t business, const entity_kind& entity, const record_query& query,
                                   std::size_t page, std::size_t per_page) const;
    // The live record with `id`, if any.
    [[nodiscard]] std::optional<boost::json::object> find(std::size_t business, const entity_kind& entity,
                                                          std::string_view id) const;

    // Changes at time `now` (Unix seconds). create: a new record (built like a generated one, then
    // `fields` on top); update: `fields` replace the record's, updated_at becomes `now` (id, $path and
    // created_at cannot change); remove: the record leaves every list and joins the deletions.
    boost::json::object create(std::size_t business, const entity_kind& entity, const boost::json::object& fields,
                               std::int64_t now);
    std::optional<boost::json::object> update(std::size_t business, const entity_kind& entity, std::string_view id,
                                              const boost::json::object& fields, std::int64_t now);
    std::optional<deleted_record> remove(std::size_t business, const entity_kind& entity, std::string_view id,
                                         std::int64_t now);
    // Forgets every change: back to the generated records.
    void reset();

    // The ground truth: every live record in creation order, and every deletion. With `summary`, each
    // record is only {id, displayed_as, $path, created_at, updated_at}: a million of them cost seconds
    // less than whole records.
    void for_each_live(std::size_t business, const entity_kind& entity,
                       const std::function<void(const boost::json::object&)>& visit, bool summary = false) const;
    [[nodiscard]] std::size_t live_count(std::size_t business, const entity_kind& entity) const;
    [[nodiscard]] std::vector<deleted_record> deletions(std::size_t business, const entity_kind& entity) const;

private:
    struct stored {
        boost::json::object record;
        record_stamps stamps;
        std::int64_t day = 0;     // the "date" field (days since the epoch)
        std::int64_t due_day = 0; // the "due_date" field
    };
    struct table {
        std::size_t generated = 0;
        std::map<std::size_t, stored> edited; // generated slots changed by update()
        std::vector<stored> created;          // slot generated + k
        std::unordered_map<std::string, std::size_t> created_ids;
        std::map<std::size_t, std::int64_t> deleted; // slot -> deleted_at
        std::uint64_t version = 0;                   // bumped by every change (invalidates views)
    };
    struct slot_keys {
        record_stamps stamps;
        std::int64_t day = 0;
        std::int64_t due_day = 0;
    };
    using view = std::vector<std::uint32_t>;

    [[nodiscard]] const table& table_of(std::size_t business, const entity_kind& entity) const;
    table& table_of(std::size_t business, const entity_kind& entity);
    [[nodiscard]] std::size_t slots(const table& t) const { return t.generated + t.created.size(); }
    [[nodiscard]] slot_keys keys(std::size_t business, const entity_kind& entity, const table& t,
                                 std::size_t slot) const;
    [[nodiscard]] boost::json::object record_at(std::size_t business, const entity_kind& entity, const table& t,
                                                std::size_t slot) const;
    [[nodiscard]] std::string id_at(std::size_t business, const entity_kind& entity, const table& t,
                                    std::size_t slot) const;
    [[nodiscard]] std::optional<std::size_t> slot_of(std::size_t business, const entity_kind& entity, const table& t,
                                                     std::string_view id) const;
    [[nodiscard]] std::shared_ptr<const view> matching(std::size_t business, const entity_kind& entity, const table& t,
                                                       const record_query& query) const;
    stored make_stored(boost::json::object record, std::int64_t created_fallback) const;

    record_generator generator_;
    mutable std::shared_mutex mutex_;
    std::vector<std::vector<table>> tables_; // [business][entity]

    // The last few filtered or sorted views, so paging through them costs one scan, not one a page.
    mutable std::mutex cache_mutex_;
    mutable std::list<std::pair<std::string, std::shared_ptr<const view>>> cache_;
};

} // namespace sage_sandbox
