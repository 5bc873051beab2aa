// The sample host as the marketplace: an administrator starts a tenant's trial of a premium connector
// (once per tenant per connector, ever), subscribes (monthly or annual, lengths from the manifest),
// renews or cancels; each issues a licence signed with the marketplace key and stores it where the
// host hands it to the connector. Everyone else gets the marketplace sentence.
//
// Rules, all on the host clock:
//   start-trial  premium connectors with trial_days > 0; refused when the tenant has used its trial
//                or has (had) a subscription. The trial runs trial_days from now, then grace_days.
//   subscribe    refused while a subscription runs (renew it, or wait until a cancelled one ends);
//                runs one plan period from now, superseding a trial.
//   renew        one more period from the current expiry, or from now when it has ended; refused
//                after a cancellation.
//   cancel       takes effect at expiry: the licence is re-issued with the same expiry and no grace
//                period, so it works until then and not after; no renewal afterwards.
#pragma once

#include "marketplace/marketplace_records.hpp"
#include "marketplace/marketplace_signing_key.hpp"

#include <connector_sdk/license.hpp>
#include <connector_sdk/manifest.hpp>
#include <connector_sdk/results.hpp>
#include <connector_support/result.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

class license_repository;
class database;
struct user_account;

// `t` plus `months` calendar months, keeping the time of day; the day is clamped to the month's
// last (31 January + 1 month = 28 or 29 February).
[[nodiscard]] std::chrono::sys_seconds add_months(std::chrono::sys_seconds t, int months);

// Throws host_error carrying exactly connector_sdk::unlicensed_sentence(connector_display) unless
// `actor` is an administrator.
void require_marketplace_admin(const user_account& actor, std::string_view connector_display);

// A new licence id: "lic-" + 32 random hex digits.
[[nodiscard]] std::string new_license_id();

struct issued_license {
    connector_sdk::license_claims claims;
    std::string token;
};

// What the marketplace knows about one connector for one tenant.
struct marketplace_account {
    std::optional<trial_record> trial;
    std::optional<subscription_record> subscription;
    std::optional<issued_license_record> current_license; // the last one issued
    std::optional<std::chrono::sys_seconds> token_stored_at;
};

class marketplace final {
public:
    // `signing_key` is called only once a request has passed every check, so a refused request
    // never touches the key.
    using key_source = std::function<marketplace_signing_key()>;

    // Asked, before anything is committed, whether the connector accepts the licence it would now be
    // handed (the token is already visible in `licenses` inside the transaction). A failure (its
    // message: the connector's reason) rolls everything back: a trial is never used up on a licence
    // the connector cannot use.
    using acceptance_check = std::function<connector_support::result<void>(const issued_license&)>;

    marketplace(database& database, license_repository& licenses, key_source signing_key,
                acceptance_check accepts = {});

    issued_license start_trial(const user_account& actor, const connector_sdk::manifest& connector,
                               std::chrono::sys_seconds now);
    issued_license subscribe(const user_account& actor, const connector_sdk::manifest& connector, std::string_view plan,
                             std::chrono::sys_seconds now);
    issued_license renew(const user_account& actor, const connector_sdk::manifest& connector,
                         std::chrono::sys_seconds now);
    issued_license cancel(const user_account& actor, const connector_sdk::manifest& connector,
                          std::chrono::sys_seconds now);

    [[nodiscard]] marketplace_account account(const user_account& actor, std::string_view connector_id) const;

private:
    // Runs `decide` (the claims, or a host_error refusing) and issue() in one write transaction.
    issued_license decide_and_issue(const user_account& actor, const connector_sdk::manifest& connector,
                                    const std::function<connector_sdk::license_claims()>& decide,
                                    std::string_view reason, const std::function<void(const issued_license&)>& write);
    // Signs, checks the token against the key's public half, runs `write`, records the issued
    // licence, stores the token and asks `accepts_`; the caller's transaction commits it all.
    issued_license issue(const user_account& actor, const connector_sdk::manifest& connector,
                         connector_sdk::license_claims claims, std::string_view reason,
                         const std::function<void(const issued_license&)>& write);
    // The steps of issue().
    [[nodiscard]] issued_license sign_and_verify(const user_account& actor, const connector_sdk::manifest& connector,
                                                 connector_sdk::license_claims claims) const;
    void record(const user_account& actor, const connector_sdk::manifest& connector, const issued_license& issued,
                std::string_view reason);
    void require_acceptance(const connector_sdk::manifest& connector, const issued_license& issued) const;

    database& database_;
    license_repository& licenses_;
    marketplace_records records_;
    key_source signing_key_;
    acceptance_check accepts_;
};

// One line for a person: "trial, 23 days left (until 2027-03-02)", "annual subscription until
// 2028-01-31 (365 days left)", "grace: ended 2027-03-02, works 5 more days", "expired 2027-03-02",
// "none", "invalid: <reason>".
[[nodiscard]] std::string license_summary(const connector_sdk::license_status& status);

} // namespace sample_host
