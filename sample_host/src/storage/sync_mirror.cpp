#include "storage/sync_mirror.hpp"

#include "runtime/host_error.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace sample_host {

std::string mirror_table(std::string_view entity)
{
    const bool plain = !entity.empty() && entity.size() <= 64 && std::all_of(entity.begin(), entity.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!plain)
        throw host_error("'" + std::string(entity) + "' cannot name a table: entity names are lower-case words");
    return "\"" + std::string(entity) + "\"";
}

sync_mirror::sync_mirror(const std::filesystem::path& file) : database_(file)
{
    database_.execute("CREATE TABLE IF NOT EXISTS _sync_state ("
                      " entity TEXT PRIMARY KEY,"
                      " state TEXT NOT NULL,"
                      " saved_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))");
}

std::optional<std::string> sync_mirror::state(std::string_view entity)
{
    auto select = database_.prepare("SELECT state FROM _sync_state WHERE entity = ?1");
    select.bind(1, entity);
    if (!select.step())
        return std::nullopt;
    return select.text(0);
}

void sync_mirror::begin(std::string_view entity, std::string_view key_field)
{
    key_field_ = key_field;
    const std::string table = mirror_table(entity);
    database_.execute("CREATE TABLE IF NOT EXISTS " + table +
                      " (business_id TEXT NOT NULL, id TEXT NOT NULL, updated_at TEXT, record TEXT NOT NULL,"
                      " PRIMARY KEY (business_id, id)) WITHOUT ROWID");
    entity_ = entity;
    upsert_.reset();
    remove_.reset();
    transaction_ = std::make_unique<transaction>(database_);
    upsert_ = std::make_unique<statement>(
        database_.prepare("INSERT INTO " + table +
                          " (business_id, id, updated_at, record) VALUES (?1, ?2, ?3, ?4)"
                          " ON CONFLICT (business_id, id) DO UPDATE SET updated_at = excluded.updated_at,"
                          " record = excluded.record"));
    remove_ =
        std::make_unique<statement>(database_.prepare("DELETE FROM " + table + " WHERE business_id = ?1 AND id = ?2"));
}

void sync_mirror::upsert(std::string_view business_id, std::string_view record_json)
{
    boost::system::error_code ec;
    const boost::json::value record = boost::json::parse(record_json, ec);
    const auto* fields = ec ? nullptr : record.if_object();
    const auto* id = fields ? fields->if_contains(key_field_) : nullptr;
    if (id == nullptr || !id->is_string())
        throw host_error("the connector handed over a " + entity_ + " record without its key (" + key_field_ +
                         "): not mirrored");
    const auto* updated = fields->if_contains("updated_at");
    upsert_->reset();
    upsert_->bind(1, business_id).bind(2, std::string_view(id->get_string()));
    if (updated && updated->is_string())
        upsert_->bind(3, std::string_view(updated->get_string()));
    else
        upsert_->bind_null(3);
    upsert_->bind(4, record_json).run();
}

void sync_mirror::remove(std::string_view business_id, std::string_view id)
{
    remove_->reset();
    remove_->bind(1, business_id).bind(2, id).run();
}

void sync_mirror::checkpoint(std::string_view state)
{
    auto save = database_.prepare("INSERT INTO _sync_state (entity, state) VALUES (?1, ?2) ON CONFLICT (entity)"
                                  " DO UPDATE SET state = excluded.state,"
                                  " saved_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')");
    save.bind(1, entity_).bind(2, state).run();
    upsert_->reset();
    remove_->reset();
    transaction_->commit();
    transaction_ = std::make_unique<transaction>(database_);
}

void sync_mirror::abandon() noexcept
{
    upsert_.reset();
    remove_.reset();
    transaction_.reset(); // rolls back
}

std::int64_t sync_mirror::rows(std::string_view entity)
{
    auto count = database_.prepare("SELECT count(*) FROM " + mirror_table(entity));
    count.step();
    return count.integer(0);
}

} // namespace sample_host
