// Saved connections, per tenant, in the host database: names trimmed, non-empty and unique per tenant
// (case-insensitively); secret fields sealed with secret_cipher and never decrypted except to hand the
// values back to a connector (load_form).
#pragma once

#include "security/secret_cipher.hpp"

#include <connector_sdk/form.hpp>
#include <connector_sdk/results.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

class database;

// How a value is stored: text | bool | int | file | kv (key-value pairs as JSON).
enum class field_kind : std::uint8_t { text, boolean, integer, file, key_value_list };

[[nodiscard]] std::string_view to_string(field_kind kind) noexcept;
[[nodiscard]] field_kind kind_of(const connector_sdk::form_value& value) noexcept;

struct stored_field {
    std::string key;
    field_kind kind = field_kind::text;
    bool secret = false;
    std::optional<connector_sdk::form_value> value; // nullopt for secret fields: they stay sealed
    std::string file_name;                          // for files
    std::size_t size = 0;                           // bytes of the stored (plain) value
};

struct connection_summary {
    std::string tenant;
    std::string name;
    std::string connector_id;
    std::string created_by;
    std::chrono::sys_seconds created_at{};
    std::chrono::sys_seconds updated_at{};
    std::size_t field_count = 0;
    std::size_t secret_count = 0;
};

struct connection_details {
    connection_summary summary;
    std::vector<stored_field> fields; // in the order the connector returned them
};

// The trimmed name. Throws host_error when it is empty, longer than 200 characters or holds control
// characters.
[[nodiscard]] std::string normalise_connection_name(std::string_view raw);

// Gives the cipher on first need only, so listing connections never creates or reads the host key.
using cipher_source = std::function<const secret_cipher&()>;

class connection_store final {
public:
    enum class on_duplicate : std::uint8_t { refuse, replace };

    connection_store(database& database, cipher_source cipher);

    // Saves `record` (its name normalised) for `tenant`. A second save under the same name is refused
    // with a host_error unless `duplicate` is replace, which keeps created_at and swaps every field.
    connection_summary save(std::string_view tenant, const connector_sdk::connection_record& record,
                            std::string_view created_by, std::chrono::sys_seconds now,
                            on_duplicate duplicate = on_duplicate::refuse);

    [[nodiscard]] bool exists(std::string_view tenant, std::string_view name) const;

    // The tenant's connections, ordered by name (case-insensitively).
    [[nodiscard]] std::vector<connection_summary> list(std::string_view tenant) const;

    // One connection with its fields; secret values are not decrypted.
    [[nodiscard]] std::optional<connection_details> show(std::string_view tenant, std::string_view name) const;
    // The same, or a host_error naming `sample_host connections list` when the tenant has no such connection.
    [[nodiscard]] connection_details require(std::string_view tenant, std::string_view name) const;

    // Whether a connection was deleted (its fields go with it).
    bool remove(std::string_view tenant, std::string_view name);

    // The saved values, secrets decrypted, ready to pass to the connector. Throws host_error when the
    // connection does not exist and secret_error when a secret cannot be opened.
    [[nodiscard]] connector_sdk::form_values load_form(std::string_view tenant, std::string_view name) const;

    // Whether any value in the database is sealed (then losing the host key loses those secrets).
    [[nodiscard]] bool has_sealed_values() const;

private:
    [[nodiscard]] std::optional<connection_summary> find_summary(std::string_view tenant, std::string_view name) const;
    // The steps of save().
    [[nodiscard]] std::int64_t upsert_connection(std::string_view tenant, const std::string& name,
                                                 const connector_sdk::connection_record& record,
                                                 std::string_view created_by, std::chrono::sys_seconds now,
                                                 on_duplicate duplicate);
    void insert_fields(std::int64_t connection, std::string_view tenant, const std::string& name,
                       const connector_sdk::connection_record& record, const secret_cipher* cipher);

    database& database_;
    cipher_source cipher_;
};

} // namespace sample_host
