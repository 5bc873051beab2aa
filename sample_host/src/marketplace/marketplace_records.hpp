// What the marketplace remembers per tenant and connector, in the host database (schema version 2):
// the trial a tenant has used (once, ever: the row outlives the plugin's files), the current
// subscription, and every licence issued. The licence token itself lives in `licenses`
// (license_repository), from where the host hands it to the connector.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

class database;

struct trial_record {
    std::string tenant;
    std::string connector_id;
    std::chrono::sys_seconds started_at{};
    std::chrono::sys_seconds expires_at{};
    std::string license_id;
    std::string started_by; // the administrator
};

struct subscription_record {
    std::string tenant;
    std::string connector_id;
    std::string plan;                      // "monthly" | "annual"
    std::chrono::sys_seconds started_at{}; // start of the current unbroken subscription
    std::chrono::sys_seconds expires_at{}; // end of the paid period
    std::optional<std::chrono::sys_seconds> renewed_at;
    std::optional<std::chrono::sys_seconds> cancelled_at; // ends at expires_at, no renewal after
    std::string license_id;                               // the licence that carries this period
    std::string updated_by;
    std::chrono::sys_seconds updated_at{};

    [[nodiscard]] bool ended(std::chrono::sys_seconds now) const noexcept { return now >= expires_at; }
};

struct issued_license_record {
    std::string license_id;
    std::string tenant;
    std::string connector_id;
    std::string kind; // "trial" | "subscription"
    std::string plan; // "trial" | "monthly" | "annual"
    std::string key_id;
    std::chrono::sys_seconds issued_at{};
    std::chrono::sys_seconds starts_at{};
    std::chrono::sys_seconds expires_at{};
    int grace_days = 0;
    std::string issued_by;
    std::string reason; // "start-trial" | "subscribe" | "renew" | "cancel"
};

class marketplace_records final {
public:
    explicit marketplace_records(database& database) noexcept : database_(database) {}

    [[nodiscard]] std::optional<trial_record> trial(std::string_view tenant, std::string_view connector_id) const;
    // Records the tenant's trial. False, and nothing written, when the tenant has used it already.
    bool record_trial(const trial_record& trial);

    [[nodiscard]] std::optional<subscription_record> subscription(std::string_view tenant,
                                                                  std::string_view connector_id) const;
    // Inserts or replaces the tenant's subscription to the connector.
    void save_subscription(const subscription_record& subscription);

    void record_issued(const issued_license_record& issued);
    // The last licence issued to the tenant for the connector.
    [[nodiscard]] std::optional<issued_license_record> last_issued(std::string_view tenant,
                                                                   std::string_view connector_id) const;
    [[nodiscard]] std::vector<issued_license_record> issued(std::string_view tenant,
                                                            std::string_view connector_id) const;

    // Every connector id the tenant has a trial, subscription or licence for, sorted.
    [[nodiscard]] std::vector<std::string> connectors_with_records(std::string_view tenant) const;

private:
    database& database_;
};

} // namespace sample_host
