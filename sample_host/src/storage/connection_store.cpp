#include "storage/connection_store.hpp"

#include "storage/database.hpp"

#include <boost/json.hpp>
#include <connector_sdk/property.hpp>

#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace sample_host {
namespace {

namespace json = boost::json;
using connector_sdk::form_value;

std::optional<field_kind> parse_kind(std::string_view text)
{
    if (text == "text")
        return field_kind::text;
    if (text == "bool")
        return field_kind::boolean;
    if (text == "int")
        return field_kind::integer;
    if (text == "file")
        return field_kind::file;
    if (text == "kv")
        return field_kind::key_value_list;
    return std::nullopt;
}

// The kind column of the field `where` names; host_error when the database holds another word.
field_kind stored_kind(std::string_view text, const std::string& where)
{
    const auto kind = parse_kind(text);
    if (!kind)
        throw host_error(where + " has an unknown kind: delete the connection and create it again");
    return *kind;
}

std::vector<std::uint8_t> bytes_of(std::string_view text)
{
    return {text.begin(), text.end()};
}

// A value as bytes for the `value` column (before sealing when secret).
std::vector<std::uint8_t> encode(const form_value& value)
{
    struct visitor {
        std::vector<std::uint8_t> operator()(const std::string& text) const { return bytes_of(text); }
        std::vector<std::uint8_t> operator()(bool flag) const { return bytes_of(flag ? "true" : "false"); }
        std::vector<std::uint8_t> operator()(std::int64_t number) const { return bytes_of(std::to_string(number)); }
        std::vector<std::uint8_t> operator()(const connector_sdk::file_value& file) const { return file.content; }
        std::vector<std::uint8_t> operator()(const connector_sdk::key_value_pairs& pairs) const
        {
            json::array array;
            for (const auto& pair : pairs)
                array.push_back(json::object{{"key", pair.key}, {"value", pair.value}});
            return bytes_of(json::serialize(array));
        }
    };
    return std::visit(visitor{}, value);
}

form_value decode(field_kind kind, const std::vector<std::uint8_t>& bytes, const std::string& file_name,
                  std::string_view where)
{
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const auto damaged = [&](std::string_view why) {
        return host_error(std::string(where) + " is damaged in the database (" + std::string(why) +
                          "): delete the connection and create it again");
    };
    switch (kind) {
    case field_kind::text: return std::string(text);
    case field_kind::boolean:
        if (text != "true" && text != "false")
            throw damaged("not a boolean");
        return text == "true";
    case field_kind::integer: {
        std::int64_t number = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (ec != std::errc() || end != text.data() + text.size())
            throw damaged("not an integer");
        return number;
    }
    case field_kind::file: return connector_sdk::file_value{file_name, bytes};
    case field_kind::key_value_list: {
        boost::system::error_code ec;
        json::value doc = json::parse(text, ec);
        if (ec || !doc.is_array())
            throw damaged("not a key-value list");
        connector_sdk::key_value_pairs pairs;
        for (const auto& item : doc.get_array()) {
            const auto* object = item.if_object();
            const json::value* key = object != nullptr ? object->if_contains("key") : nullptr;
            const json::value* value = object != nullptr ? object->if_contains("value") : nullptr;
            if (key == nullptr || value == nullptr || !key->is_string() || !value->is_string())
                throw damaged("not a key-value list");
            pairs.push_back({std::string(key->get_string()), std::string(value->get_string())});
        }
        return pairs;
    }
    }
    throw damaged("unknown kind");
}

[[noreturn]] void refuse_missing(std::string_view tenant, std::string_view name)
{
    throw host_error("no connection named '" + std::string(name) + "' in tenant '" + std::string(tenant) +
                     "': see `sample_host connections list`");
}

// Refuses a record the connector should never have returned: no connector id, a field without a
// key, a key twice.
void check_record(const connector_sdk::connection_record& record, const std::string& name)
{
    if (record.connector_id.empty())
        throw host_error("the connector returned a connection record without a connector id: report this to the "
                         "connector's vendor");
    std::set<std::string, std::less<>> seen;
    for (const auto& field : record.fields) {
        if (field.key.empty())
            throw host_error("the connector returned a field without a key for connection '" + name +
                             "': report this to the connector's vendor");
        if (!seen.insert(field.key).second)
            throw host_error("the connector returned the field '" + field.key + "' twice for connection '" + name +
                             "': report this to the connector's vendor");
    }
}

std::string describe_field(std::string_view key, std::string_view connection)
{
    return "the secret '" + std::string(key) + "' of connection '" + std::string(connection) + "'";
}

constexpr std::string_view summary_columns =
    "c.tenant, c.name, c.connector_id, c.created_by, c.created_at, c.updated_at, "
    "(SELECT COUNT(*) FROM connection_fields f WHERE f.connection = c.id), "
    "(SELECT COUNT(*) FROM connection_fields f WHERE f.connection = c.id AND f.secret = 1)";

connection_summary read_summary(const statement& row)
{
    connection_summary s;
    s.tenant = row.text(0);
    s.name = row.text(1);
    s.connector_id = row.text(2);
    s.created_by = row.text(3);
    s.created_at = row.instant(4);
    s.updated_at = row.instant(5);
    s.field_count = static_cast<std::size_t>(row.integer(6));
    s.secret_count = static_cast<std::size_t>(row.integer(7));
    return s;
}

} // namespace

std::string_view to_string(field_kind kind) noexcept
{
    switch (kind) {
    case field_kind::text: return "text";
    case field_kind::boolean: return "bool";
    case field_kind::integer: return "int";
    case field_kind::file: return "file";
    case field_kind::key_value_list: return "kv";
    }
    return "text";
}

field_kind kind_of(const form_value& value) noexcept
{
    switch (value.index()) {
    case 1: return field_kind::boolean;
    case 2: return field_kind::integer;
    case 3: return field_kind::file;
    case 4: return field_kind::key_value_list;
    default: return field_kind::text;
    }
}

std::string normalise_connection_name(std::string_view raw)
{
    const auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!raw.empty() && is_space(raw.front()))
        raw.remove_prefix(1);
    while (!raw.empty() && is_space(raw.back()))
        raw.remove_suffix(1);
    if (raw.empty())
        throw host_error("the Connection Name is empty: give the connection a name (--set " +
                         std::string(connector_sdk::connection_name_key) + "=NAME)");
    if (raw.size() > 200)
        throw host_error("the Connection Name is longer than 200 characters: choose a shorter name");
    if (std::any_of(raw.begin(), raw.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        throw host_error("the Connection Name contains control characters (tabs, line breaks...): choose a plain name");
    return std::string(raw);
}

connection_store::connection_store(database& database, cipher_source cipher)
    : database_(database), cipher_(std::move(cipher))
{
}

std::optional<connection_summary> connection_store::find_summary(std::string_view tenant, std::string_view name) const
{
    auto query = database_.prepare("SELECT " + std::string(summary_columns) +
                                   " FROM connections c WHERE c.tenant = ? AND c.name = ?");
    query.bind(1, tenant).bind(2, name);
    if (!query.step())
        return std::nullopt;
    return read_summary(query);
}

bool connection_store::exists(std::string_view tenant, std::string_view name) const
{
    return find_summary(tenant, normalise_connection_name(name)).has_value();
}

connection_summary connection_store::save(std::string_view tenant, const connector_sdk::connection_record& record,
                                          std::string_view created_by, std::chrono::sys_seconds now,
                                          on_duplicate duplicate)
{
    const std::string name = normalise_connection_name(record.name);
    check_record(record, name);
    const bool any_secret = std::any_of(record.fields.begin(), record.fields.end(),
                                        [](const connector_sdk::record_field& f) { return f.secret; });
    // Obtained before the transaction: creating the key file must not happen under the write lock.
    const secret_cipher* cipher = any_secret ? &cipher_() : nullptr;

    transaction write(database_);
    const std::int64_t id = upsert_connection(tenant, name, record, created_by, now, duplicate);
    insert_fields(id, tenant, name, record, cipher);
    write.commit();
    return find_summary(tenant, name).value();
}

// The connection's row (a new one, or with `replace` the existing one emptied of its fields); its id.
std::int64_t connection_store::upsert_connection(std::string_view tenant, const std::string& name,
                                                 const connector_sdk::connection_record& record,
                                                 std::string_view created_by, std::chrono::sys_seconds now,
                                                 on_duplicate duplicate)
{
    auto existing = database_.prepare("SELECT id, name, connector_id FROM connections WHERE tenant = ? AND name = ?");
    existing.bind(1, tenant).bind(2, name);
    if (!existing.step()) {
        auto insert = database_.prepare(
            "INSERT INTO connections (tenant, name, connector_id, created_by, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
        insert.bind(1, tenant).bind(2, name).bind(3, record.connector_id).bind(4, created_by).bind(5, now).bind(6, now);
        insert.step();
        return insert.integer(0);
    }
    if (duplicate == on_duplicate::refuse)
        throw host_error("a connection named '" + existing.text(1) + "' already exists in tenant '" +
                         std::string(tenant) +
                         "' (names are unique, ignoring case): choose another Connection "
                         "Name, delete it first (sample_host connections delete NAME), or pass --replace");
    const std::int64_t id = existing.integer(0);
    database_.prepare("UPDATE connections SET name = ?, connector_id = ?, created_by = ?, updated_at = ? WHERE id = ?")
        .bind(1, name)
        .bind(2, record.connector_id)
        .bind(3, created_by)
        .bind(4, now)
        .bind(5, id)
        .run();
    database_.prepare("DELETE FROM connection_fields WHERE connection = ?").bind(1, id).run();
    return id;
}

// Every field of `record`, in its order; secret ones sealed (bound to tenant, connection and key).
void connection_store::insert_fields(std::int64_t connection, std::string_view tenant, const std::string& name,
                                     const connector_sdk::connection_record& record, const secret_cipher* cipher)
{
    auto insert = database_.prepare("INSERT INTO connection_fields "
                                    "(connection, position, key, kind, value, file_name, secret, nonce, key_id) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    std::int64_t position = 0;
    for (const auto& field : record.fields) {
        std::vector<std::uint8_t> plain = encode(field.value);
        insert.reset();
        insert.bind(1, connection).bind(2, position++).bind(3, field.key).bind(4, to_string(kind_of(field.value)));
        if (const auto* file = std::get_if<connector_sdk::file_value>(&field.value))
            insert.bind(6, file->file_name);
        else
            insert.bind_null(6);
        if (field.secret) {
            const sealed_value sealed = cipher->seal(plain, secret_aad(tenant, name, field.key));
            OPENSSL_cleanse(plain.data(), plain.size());
            insert.bind_blob(5, sealed.ciphertext)
                .bind(7, std::int64_t{1})
                .bind_blob(8, sealed.nonce)
                .bind(9, sealed.key_id);
        } else {
            insert.bind_blob(5, plain).bind(7, std::int64_t{0}).bind_null(8).bind_null(9);
        }
        insert.run();
    }
}

std::vector<connection_summary> connection_store::list(std::string_view tenant) const
{
    auto query = database_.prepare("SELECT " + std::string(summary_columns) +
                                   " FROM connections c WHERE c.tenant = ? ORDER BY c.name COLLATE NOCASE, c.name");
    query.bind(1, tenant);
    std::vector<connection_summary> out;
    while (query.step())
        out.push_back(read_summary(query));
    return out;
}

std::optional<connection_details> connection_store::show(std::string_view tenant, std::string_view name) const
{
    auto summary = find_summary(tenant, normalise_connection_name(name));
    if (!summary)
        return std::nullopt;
    connection_details details{*summary, {}};
    auto query = database_.prepare(
        "SELECT f.key, f.kind, f.secret, f.value, f.file_name FROM connection_fields f JOIN connections c ON "
        "c.id = f.connection WHERE c.tenant = ? AND c.name = ? ORDER BY f.position");
    query.bind(1, tenant).bind(2, summary->name);
    while (query.step()) {
        stored_field field;
        field.key = query.text(0);
        const std::string where = "the field '" + field.key + "' of connection '" + summary->name + "'";
        field.kind = stored_kind(query.text(1), where);
        field.secret = query.integer(2) != 0;
        field.file_name = query.is_null(4) ? std::string() : query.text(4);
        std::vector<std::uint8_t> bytes = query.blob(3);
        if (field.secret) {
            field.size = bytes.size() >= secret_cipher::tag_size ? bytes.size() - secret_cipher::tag_size : 0;
        } else {
            field.size = bytes.size();
            field.value = decode(field.kind, bytes, field.file_name, where);
        }
        details.fields.push_back(std::move(field));
    }
    return details;
}

connection_details connection_store::require(std::string_view tenant, std::string_view name) const
{
    auto details = show(tenant, name);
    if (!details)
        refuse_missing(tenant, name);
    return std::move(*details);
}

bool connection_store::remove(std::string_view tenant, std::string_view name)
{
    const std::lock_guard counted(database_.in_use()); // no other thread's statement before changes()
    database_.prepare("DELETE FROM connections WHERE tenant = ? AND name = ?")
        .bind(1, tenant)
        .bind(2, normalise_connection_name(name))
        .run();
    return database_.changes() > 0;
}

connector_sdk::form_values connection_store::load_form(std::string_view tenant, std::string_view name) const
{
    auto summary = find_summary(tenant, normalise_connection_name(name));
    if (!summary)
        refuse_missing(tenant, name);
    auto query = database_.prepare(
        "SELECT f.key, f.kind, f.secret, f.value, f.file_name, f.nonce, f.key_id FROM connection_fields f "
        "JOIN connections c ON c.id = f.connection WHERE c.tenant = ? AND c.name = ? ORDER BY f.position");
    query.bind(1, tenant).bind(2, summary->name);
    // The rows first, then the cipher: its first use records the host key (a write), which must not
    // run inside this statement's read snapshot (SQLite: SQLITE_BUSY_SNAPSHOT).
    struct stored_row {
        std::string key;
        std::string kind;
        bool secret;
        std::vector<std::uint8_t> bytes;
        std::string file_name;
        sealed_value sealed;
    };
    std::vector<stored_row> rows;
    while (query.step())
        rows.push_back({query.text(0), query.text(1), query.integer(2) != 0, query.blob(3),
                        query.is_null(4) ? std::string() : query.text(4),
                        query.integer(2) != 0 ? sealed_value{query.blob(5), {}, query.text(6)} : sealed_value{}});
    query.reset();
    connector_sdk::form_values form;
    for (stored_row& row : rows) {
        const std::string where = "the field '" + row.key + "' of connection '" + summary->name + "'";
        const field_kind kind = stored_kind(row.kind, where);
        std::vector<std::uint8_t> bytes = std::move(row.bytes);
        if (row.secret) {
            row.sealed.ciphertext = std::move(bytes);
            bytes = cipher_().open(row.sealed, secret_aad(tenant, summary->name, row.key),
                                   describe_field(row.key, summary->name));
        }
        form.set(row.key, decode(kind, bytes, row.file_name, where));
        OPENSSL_cleanse(bytes.data(), bytes.size());
    }
    return form;
}

bool connection_store::has_sealed_values() const
{
    auto query = database_.prepare("SELECT CASE WHEN EXISTS (SELECT 1 FROM connection_fields WHERE secret = 1) "
                                   "OR EXISTS (SELECT 1 FROM credentials) THEN 1 ELSE 0 END");
    query.step();
    return query.integer(0) != 0;
}

} // namespace sample_host
