// The local copy of a connector's data that `sample_host sync` keeps: one SQLite database, a table
// per entity (business, id, updated_at and the record's JSON as the service sent it), and the read
// state of each entity in the same transaction as the rows it covers — so a sync killed at any
// moment and run again ends with exactly the service's data, nothing lost and nothing twice.
#pragma once

#include "storage/sqlite_database.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

class sync_mirror {
public:
    // Opens (creating when missing) the database `file`.
    explicit sync_mirror(const std::filesystem::path& file);

    // The state saved with `entity`'s rows, if it was ever synced.
    [[nodiscard]] std::optional<std::string> state(std::string_view entity);

    // Starts writing `entity`, whose records are identified by `key_field` (the catalogue's primary
    // key: "id", or "$path" for records Sage keys otherwise): creates its table, opens a transaction.
    void begin(std::string_view entity, std::string_view key_field = "id");
    void upsert(std::string_view business_id, std::string_view record_json);
    void remove(std::string_view business_id, std::string_view id);
    // Saves `state` and commits the rows written since the last checkpoint, then opens the next
    // transaction.
    void checkpoint(std::string_view state);
    // Rolls back what came after the last checkpoint.
    void abandon() noexcept;

    [[nodiscard]] std::int64_t rows(std::string_view entity);

private:
    sqlite_database database_;
    std::string entity_;
    std::string key_field_ = "id";
    std::unique_ptr<transaction> transaction_;
    std::unique_ptr<statement> upsert_;
    std::unique_ptr<statement> remove_;
};

// The table name of an entity: its name when it is a plain identifier ([a-z0-9_]), quoted.
[[nodiscard]] std::string mirror_table(std::string_view entity);

} // namespace sample_host
