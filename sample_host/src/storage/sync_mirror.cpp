// The sync mirror on the host's database interface: the same SQL on SQLite and PostgreSQL, what differs
// in sql_dialect; changes queued between checkpoints and written with the state in one transaction.
#include "storage/sync_mirror.hpp"

#include "runtime/host_error.hpp"

#include <connector_support/time_text.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace sample_host {
namespace {

// Changes queued before they are written without waiting for their checkpoint (the state is never
// written before the rows it covers, so writing rows early is safe): bounds memory whatever the
// connector's checkpoints (the Sage connector sends one per page).
constexpr std::size_t queued_changes_limit = 5000;
constexpr std::size_t queued_bytes_limit = std::size_t{32} << 20;

// PostgreSQL truncates identifiers at 63 bytes; one rule for both engines.
constexpr std::size_t identifier_limit = 63;

bool plain_identifier(std::string_view name)
{
    return !name.empty() && name.size() <= identifier_limit && !(name.front() >= '0' && name.front() <= '9') &&
           std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::string quoted_name(std::string_view identifier)
{
    return "\"" + std::string(identifier) + "\"";
}

std::string now_text()
{
    return connector_support::utc_text(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()), "%Y-%m-%dT%H:%M:%SZ");
}

// An SQLite file's folder must exist: SQLite's own message would send the user to --data.
void check_sqlite_folder(const database_url& url)
{
    const std::filesystem::path folder = url.file.parent_path().empty() ? "." : url.file.parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec))
        throw host_error("--into " + url.display + ": the folder " + folder.string() +
                         " does not exist: create it, or name a file in an existing folder");
}

// The database's own failure, with the remedy pointing at --into rather than at the host's --database.
database_error for_into(const database_error& e)
{
    std::string message = e.what();
    constexpr std::string_view host_options = "--database / SAMPLE_HOST_DATABASE";
    if (const auto at = message.find(host_options); at != std::string::npos)
        message.replace(at, host_options.size(), "--into");
    return {message, e.kind()};
}

} // namespace

void sync_mirror::check_schema(const database_url& url, std::string_view schema)
{
    if (schema.empty())
        return;
    if (!has_schemas(url.engine))
        throw usage_error("--schema applies to a PostgreSQL --into only: an SQLite mirror is a file of its own "
                          "(name another file to keep mirrors apart)");
    if (!plain_identifier(schema))
        throw usage_error("--schema '" + std::string(schema) +
                          "' is not a plain schema name: use lower-case letters, digits and _ (at most 63, not "
                          "starting with a digit), so that it means the same quoted or not");
    if (schema.starts_with("pg_") || schema == "information_schema")
        throw usage_error("--schema " + std::string(schema) + " is PostgreSQL's own: choose another name");
}

sync_mirror::sync_mirror(const database_url& url, std::string_view schema)
{
    check_schema(url, schema);
    const bool schemas = has_schemas(url.engine);
    if (schemas)
        schema_ = schema.empty() ? std::string(default_schema) : std::string(schema);
    location_ = schemas ? url.display + " (schema " + schema_ + ")" : url.display;
    if (url.engine == database_engine::sqlite)
        check_sqlite_folder(url);
    try {
        database_ = open_database(url);
    } catch (const database_error& e) {
        throw for_into(e);
    }

    // The schema the tables go in: SQLite's file is its "main". One write transaction, so that two
    // syncs starting at once check and create in turn.
    const std::string_view where = schemas ? std::string_view(schema_) : std::string_view("main");
    transaction tx(*database_);
    refuse_other_tables(url, where);
    create_tables(where);
    tx.commit();
}

void sync_mirror::refuse_other_tables(const database_url& url, std::string_view where)
{
    auto listed = database_->prepare(tables_in_schema_sql(url.engine));
    listed.bind(1, where);
    std::vector<std::string> tables;
    while (listed.step())
        tables.push_back(listed.text(0));
    if (tables.empty() || std::find(tables.begin(), tables.end(), "_sync_state") != tables.end())
        return;
    std::string names;
    for (std::size_t i = 0; i < tables.size() && i < 5; ++i)
        names += (i == 0 ? "" : ", ") + tables[i];
    if (tables.size() > 5)
        names += ", ...";
    if (!schema_.empty())
        throw host_error("the schema " + schema_ + " of " + url.display +
                         " holds tables that are not a sync mirror's (" + names +
                         "): a mirror keeps to a schema of its own; choose another with --schema (default " +
                         std::string(default_schema) + "), it is created when missing");
    throw host_error(url.display + " holds tables that are not a sync mirror's (" + names +
                     "; the host's own database?): a mirror keeps to a file of its own; name another file");
}

void sync_mirror::create_tables(std::string_view where)
{
    const database_engine engine = database_->engine();
    try {
        bool missing = false;
        {
            auto exists = database_->prepare(schema_exists_sql(engine));
            exists.bind(1, where);
            missing = exists.step() && exists.integer(0) == 0;
        }
        if (missing)
            database_->execute(create_schema_sql(engine, schema_));
        database_->execute("CREATE TABLE IF NOT EXISTS " + table("_sync_state") +
                           " (entity TEXT PRIMARY KEY, state TEXT NOT NULL, saved_at TEXT NOT NULL)");
    } catch (const database_error& e) {
        if (!has_schemas(engine) || e.kind() != database_failure::other)
            throw;
        // PostgreSQL's text names the right missing ("permission denied for database ..."); say which
        // rights the mirror needs.
        throw database_error(std::string(e.what()) +
                                 ": the user of --into needs the right to create tables in the schema " + schema_ +
                                 ", and to create it when it does not exist (CREATE on the database); or choose a "
                                 "schema prepared for it with --schema",
                             e.kind());
    }
}

std::string sync_mirror::table(std::string_view entity) const
{
    const std::string name = quoted_name(entity);
    return schema_.empty() ? name : quoted_name(schema_) + "." + name;
}

std::optional<std::string> sync_mirror::state(std::string_view entity)
{
    auto select = database_->prepare("SELECT state FROM " + table("_sync_state") + " WHERE entity = ?1");
    select.bind(1, entity);
    if (!select.step())
        return std::nullopt;
    return select.text(0);
}

void sync_mirror::begin(std::string_view entity, std::string_view key_field)
{
    if (!plain_identifier(entity) || entity.front() == '_')
        throw host_error("'" + std::string(entity) +
                         "' cannot name a table: entity names are lower-case words (not starting with _)");
    abandon();
    entity_ = entity;
    key_field_ = key_field;
    transaction tx(*database_);
    database_->execute("CREATE TABLE IF NOT EXISTS " + table(entity) +
                       " (business_id TEXT NOT NULL, id TEXT NOT NULL, updated_at TEXT, record TEXT NOT NULL,"
                       " PRIMARY KEY (business_id, id))" +
                       std::string(keyed_table_options_sql(database_->engine())));
    tx.commit();
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
    change queued{std::string(business_id), std::string(id->get_string()), std::nullopt, std::string(record_json)};
    if (const auto* updated = fields->if_contains("updated_at"); updated && updated->is_string())
        queued.updated_at = std::string(updated->get_string());
    queued_bytes_ += record_json.size();
    queued_.push_back(std::move(queued));
    if (queued_.size() >= queued_changes_limit || queued_bytes_ >= queued_bytes_limit)
        write(std::nullopt);
}

void sync_mirror::remove(std::string_view business_id, std::string_view id)
{
    queued_.push_back(change{std::string(business_id), std::string(id), std::nullopt, std::nullopt});
    if (queued_.size() >= queued_changes_limit)
        write(std::nullopt);
}

void sync_mirror::checkpoint(std::string_view state)
{
    write(state);
}

void sync_mirror::write(std::optional<std::string_view> state)
{
    transaction tx(*database_);
    auto upsert = database_->prepare("INSERT INTO " + table(entity_) +
                                     " (business_id, id, updated_at, record) VALUES (?1, ?2, ?3, ?4)"
                                     " ON CONFLICT (business_id, id) DO UPDATE SET updated_at = excluded.updated_at,"
                                     " record = excluded.record");
    auto remove = database_->prepare("DELETE FROM " + table(entity_) + " WHERE business_id = ?1 AND id = ?2");
    for (const change& c : queued_) {
        if (c.record) {
            upsert.reset();
            upsert.bind(1, c.business_id).bind(2, c.key).bind(4, *c.record);
            if (c.updated_at)
                upsert.bind(3, *c.updated_at);
            else
                upsert.bind_null(3);
            upsert.run();
        } else {
            remove.reset();
            remove.bind(1, c.business_id).bind(2, c.key).run();
        }
    }
    if (state) {
        auto save = database_->prepare("INSERT INTO " + table("_sync_state") +
                                       " (entity, state, saved_at) VALUES (?1, ?2, ?3) ON CONFLICT (entity)"
                                       " DO UPDATE SET state = excluded.state, saved_at = excluded.saved_at");
        save.bind(1, entity_).bind(2, *state).bind(3, now_text()).run();
    }
    tx.commit();
    queued_.clear();
    queued_bytes_ = 0;
}

void sync_mirror::abandon() noexcept
{
    queued_.clear();
    queued_bytes_ = 0;
}

std::int64_t sync_mirror::rows(std::string_view entity)
{
    auto count = database_->prepare("SELECT count(*) FROM " + table(entity));
    count.step();
    return count.integer(0);
}

} // namespace sample_host
