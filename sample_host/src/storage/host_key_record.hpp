// Which host key the database's secrets are sealed with (its public id), so a host of a fleet given
// another key file is refused before it seals anything the others could not open.
#pragma once

#include <string_view>

namespace sample_host {

class database;
class host_key;

// Records `key`'s id when the database has none yet; throws host_error naming both ids, the key file
// and the remedy when the database's secrets are sealed with another key.
void require_host_key(database& database, const host_key& key);

} // namespace sample_host
