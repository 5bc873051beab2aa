// The licence tokens the marketplace has issued, one per tenant and connector, as stored in the host
// database's `licenses` table. The host hands a token to a connector through
// host_services::license_token; the connector verifies it. This unit stores text and judges nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

class database;

struct stored_license {
    std::string tenant;
    std::string connector_id;
    std::string token; // the signed token, exactly as issued
    std::chrono::sys_seconds updated_at{};
};

class license_repository final {
public:
    explicit license_repository(database& database) noexcept : database_(database) {}

    // The token for (tenant, connector), if one was stored.
    [[nodiscard]] std::optional<std::string> token(std::string_view tenant, std::string_view connector_id) const;
    [[nodiscard]] std::optional<stored_license> find(std::string_view tenant, std::string_view connector_id) const;

    // Stores `token`, replacing the tenant's previous token for the connector (a renewal or a new
    // subscription supersedes the old licence). The tenant must exist.
    void store(std::string_view tenant, std::string_view connector_id, std::string_view token,
               std::chrono::sys_seconds now);

    // Whether a token was removed.
    bool remove(std::string_view tenant, std::string_view connector_id);

    // The newest time a licence was stored, over every tenant; nullopt when none is held.
    [[nodiscard]] std::optional<std::chrono::sys_seconds> latest_update() const;

    // Every stored licence of `tenant`, by connector id.
    [[nodiscard]] std::vector<stored_license> list(std::string_view tenant) const;

private:
    database& database_;
};

} // namespace sample_host
