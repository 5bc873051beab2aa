// The marketplace's licence actions as the command line and the web console both run them: the
// marketplace over the host's database and signing key, asking the connector before committing a
// licence, and the sentence that reports what was done.
#pragma once

#include "marketplace/marketplace.hpp"

#include <connector_sdk/manifest.hpp>
#include <connector_sdk/results.hpp>
#include <connector_support/result.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

class host_context;

enum class licence_action : std::uint8_t { start_trial, subscribe, renew, cancel };

// "start-trial", "subscribe", "renew", "cancel" (the command names).
[[nodiscard]] std::string_view to_string(licence_action action) noexcept;

// What the connector itself says about the tenant's licence, or why it could not be loaded to ask it.
using connector_view = connector_support::result<connector_sdk::license_status>;

// The marketplace signing key kept in the host database (a development build imports its throw-away
// key on first use, and a legacy key file is moved in; either says so).
[[nodiscard]] marketplace_signing_key load_signing_key(host_context& ctx);
// The connector's check_license for the acting user's tenant (the connector stays loaded in `ctx`).
[[nodiscard]] connector_view ask_connector(host_context& ctx, std::string_view connector_id);
// A marketplace that issues nothing (status, accounts).
[[nodiscard]] marketplace make_marketplace(host_context& ctx);

struct licence_outcome {
    issued_license issued;
    std::string headline; // "Trial of Sage Cloud Accounting started for tenant 'default': 30 days, until ..."
    std::optional<subscription_record> subscription; // after the action (none for a trial)
    connector_view view;                             // the connector's judgement of the licence issued
};

// Runs `action` for the acting user (who must be an administrator: the caller checks, with
// require_marketplace_admin). Throws host_error with the marketplace's reason when a rule refuses it.
[[nodiscard]] licence_outcome perform_licence_action(host_context& ctx, const connector_sdk::manifest& m,
                                                     licence_action action, std::string_view plan);

} // namespace sample_host
