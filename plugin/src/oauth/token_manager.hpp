// Keeps a connection's access token usable: refreshes when it is about to expire or after Sage
// rejected it, one refresh at a time per store across threads and processes, never from a stale
// snapshot, persisting each rotated set BEFORE its access token is used, and re-reading the store
// before giving up on invalid_grant (another process may have rotated the token meanwhile).
// A file or memory store is locked; the host's credential store is followed by its protocol
// (read → lease → read → refresh → compare-and-set → release, credential_store.hpp).
#pragma once

#include "oauth/host_token_store.hpp"
#include "oauth/oauth_client.hpp"
#include "oauth/token_store.hpp"

#include <connector_support/result.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace sage {

struct token_manager_options {
    // Refresh when the access token has less than this left (Sage's live 300 s), or less than a fifth
    // of its life for tokens that live under five times this.
    std::chrono::seconds skew{45};
    // How long to wait for another refresh (thread or process) before giving up.
    std::chrono::milliseconds lock_patience{std::chrono::seconds(90)};
    // The host's credential store: how long a refresh lease lasts (lease_ttl_for: the connection's
    // Timeout and a margin). A waiter gives up when the lease has been held this long and a little more.
    std::chrono::milliseconds lease_ttl{std::chrono::seconds(65)};
};

// The lease for a connection whose requests time out after `timeout`: the whole refresh fits in it.
[[nodiscard]] std::chrono::milliseconds lease_ttl_for(std::chrono::seconds timeout);

class token_manager {
public:
    token_manager(token_store& store, oauth_client& oauth, std::function<std::chrono::system_clock::time_point()> now,
                  std::function<void(std::string_view)> log, token_manager_options options = {});

    // A set whose access token is fresh, or none when the store holds no set yet (sign in first: see
    // nothing_stored). `seed` is what the form supplied (InitiateOAuth=REFRESH): it fills an empty
    // store, and its refresh token is a second chance after invalid_grant.
    [[nodiscard]] connector_support::result<std::optional<token_set>>
    fresh(const std::optional<token_set>& seed = std::nullopt);

    // Sage answered 401 (not the subscription error) to `rejected_access_token`: refresh once, unless
    // another caller already replaced that token.
    [[nodiscard]] connector_support::result<token_set>
    after_rejection(const std::string& rejected_access_token, const std::optional<token_set>& seed = std::nullopt);

    // Stores a set obtained by the authorization-code flow.
    [[nodiscard]] connector_support::result<void> adopt(const token_set& set);

    // Why there is no access token when the store holds no set: sign in first.
    [[nodiscard]] connector_support::failure nothing_stored() const;

private:
    enum class trigger : std::uint8_t { expiry, rejection };

    [[nodiscard]] bool fresh_enough(const token_set& set) const;

    // Asks Sage for a new set with `refresh_token` (logged): the set, with `base`'s scope and requester
    // where Sage's answer leaves them out; nothing when Sage refused the token (invalid_grant).
    [[nodiscard]] connector_support::result<token_answer> refresh_with(const std::string& refresh_token,
                                                                       const token_set& base);

    [[nodiscard]] connector_support::result<std::optional<token_set>>
    under_lock(trigger why, const std::string& rejected, const std::optional<token_set>& seed);
    [[nodiscard]] connector_support::result<token_set> refresh_locked(token_set current,
                                                                      const std::optional<token_set>& seed);

    // The same decisions over the host's credential store, with its lease and versions.
    [[nodiscard]] connector_support::result<std::optional<token_set>>
    under_lease(trigger why, const std::string& rejected, const std::optional<token_set>& seed);
    [[nodiscard]] connector_support::result<void> wait_for_holder(std::uint64_t version,
                                                                  const connector_sdk::lease_result& lease,
                                                                  std::chrono::steady_clock::time_point deadline);
    [[nodiscard]] connector_support::result<token_set> refresh_leased(versioned_token_set current,
                                                                      const std::optional<token_set>& seed);
    [[nodiscard]] connector_support::result<token_set>
    store_rotated(std::uint64_t expected_version, const std::string& spent_refresh_token, token_set renewed);

    token_store& store_;
    host_token_store* host_; // the store, when it is the host's credential store
    oauth_client& oauth_;
    std::function<std::chrono::system_clock::time_point()> now_;
    std::function<void(std::string_view)> log_;
    token_manager_options options_;
};

} // namespace sage
