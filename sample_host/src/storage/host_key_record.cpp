// Checking (and recording, once) the id of the host key a database's secrets are sealed with.
#include "storage/host_key_record.hpp"

#include "runtime/host_error.hpp"
#include "security/host_key.hpp"
#include "storage/database.hpp"

#include <chrono>

namespace sample_host {

void require_host_key(database& database, const host_key& key)
{
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    database
        .prepare("INSERT INTO host_key_in_use (id, key_id, recorded_at) VALUES (1, ?1, ?2) ON CONFLICT (id) DO "
                 "NOTHING")
        .bind(1, key.id())
        .bind(2, static_cast<std::int64_t>(now))
        .run();
    auto query = database.prepare("SELECT key_id FROM host_key_in_use WHERE id = 1");
    query.step();
    const std::string recorded = query.text(0);
    if (recorded != key.id())
        throw host_error("the database " + database.location() + " holds secrets sealed with host key " + recorded +
                         ", but " + key.file().string() + " is another host key (" + key.id() + ")" +
                         ": give every host of the fleet the same key file (--host-key FILE or SAMPLE_HOST_KEY), "
                         "or restore the key this database was sealed with");
}

} // namespace sample_host
