// The copy of a connector's data that `sample_host sync` keeps, in any database the host accepts (an
// SQLite file, or a schema of a PostgreSQL database): a table per entity (business, id, updated_at and
// the record's JSON as the service sent it), and the read state of each entity committed in the same
// transaction as the rows it covers — so a sync killed at any moment and run again ends with exactly
// the service's data, nothing lost and nothing twice.
#pragma once

#include "storage/database.hpp"
#include "storage/database_url.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

class sync_mirror {
public:
    // The PostgreSQL schema of a mirror when none is chosen.
    static constexpr std::string_view default_schema = "sync";

    // Throws usage_error unless `schema` can name the mirror's schema in `url`'s database: "" (the
    // default), or on PostgreSQL a plain lower-case identifier that is not PostgreSQL's own.
    static void check_schema(const database_url& url, std::string_view schema);

    // Connects to `url` (SQLite: creates the file when missing, mode 0600) and opens the mirror in it
    // (PostgreSQL: in `schema`, created when missing). Refuses (host_error) a place that holds tables
    // other than a mirror's — the host's own, another application's — rather than mixing with them;
    // an unreachable database is a database_error naming --into and the remedy.
    sync_mirror(const database_url& url, std::string_view schema);

    // Where the mirror is, for messages and output (never a password): the file, or the URL and schema.
    [[nodiscard]] const std::string& location() const noexcept { return location_; }
    // The schema the tables are in ("" on SQLite).
    [[nodiscard]] const std::string& schema() const noexcept { return schema_; }

    // The state saved with `entity`'s rows, if it was ever synced.
    [[nodiscard]] std::optional<std::string> state(std::string_view entity);

    // Starts writing `entity`, whose records are identified by `key_field` (the catalogue's primary
    // key: "id", or "$path" for records Sage keys otherwise): creates its table when missing.
    void begin(std::string_view entity, std::string_view key_field = "id");
    // Queued, in order, until the next checkpoint (written earlier, without a state, when much is queued).
    void upsert(std::string_view business_id, std::string_view record_json);
    void remove(std::string_view business_id, std::string_view id);
    // Writes what was queued and saves `state`, in one transaction.
    void checkpoint(std::string_view state);
    // Forgets what was queued since the last checkpoint.
    void abandon() noexcept;

    [[nodiscard]] std::int64_t rows(std::string_view entity);

private:
    struct change {
        std::string business_id;
        std::string key;
        std::optional<std::string> updated_at;
        std::optional<std::string> record; // none: a deletion
    };

    // Writes the queued changes, and `state` when given, in one short write transaction. Nothing is held
    // open while the connector reads: on PostgreSQL a write transaction holds the lock every host's
    // writes take (a token refresh during the read must not wait for the sync).
    void write(std::optional<std::string_view> state);
    // Opening steps, inside the opening transaction; `where` is the schema ("main" on SQLite).
    void refuse_other_tables(const database_url& url, std::string_view where);
    void create_tables(std::string_view where);
    [[nodiscard]] std::string table(std::string_view entity) const;

    std::unique_ptr<database> database_;
    std::string schema_;
    std::string location_;
    std::string entity_;
    std::string key_field_ = "id";
    std::vector<change> queued_;
    std::size_t queued_bytes_ = 0;
};

} // namespace sample_host
