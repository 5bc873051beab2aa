// The sandbox's behaviour behind any listener: routes a request to the OAuth endpoints, the v3.1 API
// or the control API, applies armed faults, stamps a request id, and offers every control operation as
// a C++ method. Knows nothing about sockets; thread-safe.
#pragma once

#include "client_registry.hpp"
#include "counters.hpp"
#include "entity_catalog.hpp"
#include "fault_book.hpp"
#include "http_message.hpp"
#include "record_store.hpp"
#include "sandbox_clock.hpp"
#include "sandbox_modes.hpp"
#include "seed_data.hpp"
#include "token_authority.hpp"

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sage_sandbox {

struct service_options {
    std::size_t records = 50;               // generated records of every entity of the lead business
    std::size_t other_business_records = 3; // ... and of the other business
    std::optional<std::size_t> contacts;    // contacts of the lead business, when not `records`
    std::uint64_t seed = 20240501;          // same seed and counts: the same data
    std::chrono::milliseconds latency{0};   // added to every API (/v3.1) response
};

// The endpoint name of a request path ("authorize", "token", "revoke", "user", "businesses",
// "business", an entity's collection name "sales_invoices" or record name "sales_invoice"),
// "control" for /_sandbox/..., or "" when no route matches.
std::string_view endpoint_of(std::string_view path);

class sandbox_service {
public:
    explicit sandbox_service(const service_options& options = {});
    sandbox_service(const sandbox_service&) = delete;
    sandbox_service& operator=(const sandbox_service&) = delete;

    // Answers one request (any thread).
    reply handle(const http_request& request);

    // --- control operations (also reachable over HTTP under /_sandbox/) ---
    std::uint64_t arm_fault(const fault_spec& fault);
    void clear_faults(const std::optional<std::string>& endpoint = std::nullopt);
    bool disarm_fault(std::uint64_t id);
    [[nodiscard]] std::vector<armed_fault> faults() const;

    [[nodiscard]] sandbox_modes modes() const;
    void set_modes(const sandbox_modes& modes);
    void set_consent_mode(consent_mode mode);
    void set_subscription_ended(bool ended);
    void set_forbidden(std::vector<std::string> endpoints); // empty: nothing forbidden
    void set_invalid_client_status(unsigned status);        // 400 or 401

    void set_access_token_lifetime(std::chrono::seconds lifetime);
    void set_lifetimes(const token_lifetimes& lifetimes);
    [[nodiscard]] token_lifetimes lifetimes() const;
    void set_revoke_family_on_reuse(bool on);
    [[nodiscard]] bool revoke_family_on_reuse() const;

    std::chrono::seconds advance_clock(std::chrono::seconds by);
    [[nodiscard]] std::chrono::seconds clock_offset() const;
    [[nodiscard]] sandbox_clock::time_point now() const;

    void register_client(const oauth_client& client); // throws std::invalid_argument for a bad client
    [[nodiscard]] std::vector<oauth_client> clients() const;

    [[nodiscard]] counter_snapshot counters() const;
    void reset_counters();
    void count(counter c, std::uint64_t n = 1) noexcept;

    // A token set for `client_id` as if the user had consented and the code had been exchanged.
    token_set mint_tokens(std::string_view client_id, std::string_view scope = "full_access");
    [[nodiscard]] token_inspection inspect_token(std::string_view token) const;

    // --- data (the control API's /_sandbox/records and /_sandbox/latency) ---
    // `business` "" means the lead business. Each throws std::invalid_argument for an unknown entity
    // or business; update and remove give nullopt when no live record has `id`.
    boost::json::object create_record(std::string_view entity, std::string_view business,
                                      const boost::json::object& fields = {});
    std::optional<boost::json::object> update_record(std::string_view entity, std::string_view business,
                                                     std::string_view id, const boost::json::object& fields = {});
    std::optional<deleted_record> delete_record(std::string_view entity, std::string_view business,
                                                std::string_view id);
    [[nodiscard]] std::optional<boost::json::object> find_record(std::string_view entity, std::string_view business,
                                                                 std::string_view id) const;
    // The ground truth: {"entity","business","total","records":[...],"deleted":[{"id","deleted_at"}]},
    // records in creation order projected like a list with `attributes` ("all" by default).
    [[nodiscard]] boost::json::object ground_truth(std::string_view entity, std::string_view business,
                                                   std::string_view attributes = "all") const;
    [[nodiscard]] const record_store& records() const noexcept { return records_; }

    void set_latency(std::chrono::milliseconds latency);
    [[nodiscard]] std::chrono::milliseconds latency() const;

    // Back to a fresh start: no tokens or codes, no faults, default modes and lifetimes, clock offset 0,
    // counters zero, no latency, the generated records unchanged. Registered clients stay.
    void reset();

    // What GET /_sandbox/info returns (the start-up JSON line), set by whoever owns the listeners.
    void set_info(boost::json::object info);
    [[nodiscard]] boost::json::object info() const;

    [[nodiscard]] const seed_data& seed() const noexcept { return seed_; }

private:
    reply route(const http_request& request, std::string_view endpoint, std::string_view path);
    reply apply_fault(const fault_spec& fault, const http_request& request, std::string_view endpoint,
                      std::string_view path);

    [[nodiscard]] std::size_t business_of(std::string_view business) const; // throws std::invalid_argument

    sandbox_clock clock_;
    const seed_data seed_;
    record_store records_;
    std::atomic<std::int64_t> latency_ms_{0};
    client_registry clients_;
    token_authority tokens_;
    fault_book faults_;
    sage_sandbox::counters counters_;
    mutable std::mutex mutex_; // guards modes_ and info_
    sandbox_modes modes_;
    boost::json::object info_;
};

} // namespace sage_sandbox
