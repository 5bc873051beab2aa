#include "oauth/token_manager.hpp"

#include <connector_support/phase_timer.hpp>

#include <algorithm>
#include <vector>

namespace sage {

token_manager::token_manager(token_store& store, oauth_client& oauth,
                             std::function<std::chrono::system_clock::time_point()> now,
                             std::function<void(std::string_view)> log, token_manager_options options)
    : store_(store), oauth_(oauth), now_(std::move(now)), log_(std::move(log)), options_(options)
{
}

access_grant token_manager::config_failure(std::string message) const
{
    access_grant g;
    g.failure = {connector_sdk::error_category::config, std::move(message)};
    return g;
}

access_grant token_manager::fresh(const std::optional<token_set>& seed)
{
    // Fast path without the lock: most calls find a fresh token.
    store_read snapshot = store_.read(oauth_.app().client_id);
    if (!snapshot.ok())
        return config_failure(snapshot.error);
    if (snapshot.set && snapshot.set->fresh_at(now_(), options_.skew)) {
        access_grant g;
        g.set = std::move(snapshot.set);
        return g;
    }
    return under_lock(trigger::expiry, {}, seed);
}

access_grant token_manager::after_rejection(const std::string& rejected_access_token,
                                            const std::optional<token_set>& seed)
{
    return under_lock(trigger::rejection, rejected_access_token, seed);
}

std::string token_manager::adopt(const token_set& set)
{
    std::string error;
    store_lock lock = store_.lock(options_.lock_patience, error);
    if (!lock.owns())
        return error;
    return store_.write(set);
}

access_grant token_manager::under_lock(trigger why, const std::string& rejected, const std::optional<token_set>& seed)
{
    std::string error;
    store_lock lock = store_.lock(options_.lock_patience, error);
    if (!lock.owns())
        return config_failure(error);

    // Decide on what the store holds NOW: another thread or process may have refreshed while we waited.
    store_read current = store_.read(oauth_.app().client_id);
    if (!current.ok())
        return config_failure(current.error);
    if (!current.set && seed) {
        if (std::string write_error = store_.write(*seed); !write_error.empty())
            return config_failure(write_error + ": fix the location, or set OAuthSettingsLocation to a writable file");
        current.set = seed;
    }
    if (!current.set) {
        access_grant g;
        g.nothing_stored = true;
        g.failure = {
            connector_sdk::error_category::auth,
            "no OAuth tokens are stored in " + store_.describe() +
                " yet: sign in to Sage first (authorise the connection), or supply an Access Token and Refresh "
                "Token with InitiateOAuth=REFRESH"};
        return g;
    }
    const bool still_fresh = current.set->fresh_at(now_(), options_.skew);
    const bool replaced = why == trigger::rejection && current.set->access_token != rejected;
    if ((why == trigger::expiry && still_fresh) || (replaced && still_fresh)) {
        access_grant g;
        g.set = std::move(current.set);
        return g;
    }
    return refresh_locked(std::move(*current.set), seed);
}

access_grant token_manager::refresh_locked(token_set current, const std::optional<token_set>& seed)
{
    std::vector<std::string> tried;
    std::string refresh_token = current.refresh_token;
    for (;;) {
        tried.push_back(refresh_token);
        if (log_)
            log_("refreshing the access token (" + store_.describe() + ")");
        token_outcome outcome = oauth_.refresh(refresh_token, now_());
        if (auto* renewed = std::get_if<token_set>(&outcome)) {
            if (renewed->scope.empty())
                renewed->scope = current.scope;
            if (renewed->requested_by_id.empty())
                renewed->requested_by_id = current.requested_by_id;
            // Persist before use: the old refresh token is dead now, this set is the only way back in.
            const connector_support::phase_timer persisting("token_persistence");
            std::string write_error = store_.write(*renewed);
            if (!write_error.empty())
                write_error = store_.write(*renewed); // one more try (a transient error)
            if (connector_support::phase_timings_enabled() && log_)
                log_(persisting.finish(store_.describe()));
            if (!write_error.empty()) {
                if (log_)
                    log_("the rotated token set could not be saved: " + write_error);
                return config_failure("Sage issued new tokens but " + write_error +
                                      ": fix the location and authorise again (the previous refresh token is no longer "
                                      "valid)");
            }
            access_grant g;
            g.set = std::move(*renewed);
            g.refreshed = true;
            return g;
        }
        const oauth_failure& failure = std::get<oauth_failure>(outcome);
        if (failure.what == oauth_failure::kind::invalid_grant) {
            auto was_tried = [&](const std::string& token) {
                return std::find(tried.begin(), tried.end(), token) != tried.end();
            };
            // A newer refresh token may have been stored by a process that does not share our lock
            // (or the form may carry a newly issued one): try each once before giving up.
            store_read again = store_.read(oauth_.app().client_id);
            if (again.ok() && again.set && !was_tried(again.set->refresh_token)) {
                if (again.set->fresh_at(now_(), options_.skew)) {
                    access_grant g;
                    g.set = std::move(again.set);
                    return g;
                }
                current = *again.set;
                refresh_token = current.refresh_token;
                continue;
            }
            if (seed && !seed->refresh_token.empty() && !was_tried(seed->refresh_token)) {
                refresh_token = seed->refresh_token;
                continue;
            }
        }
        access_grant g;
        g.failure = describe_oauth(failure, "refreshing the access token");
        return g;
    }
}

} // namespace sage
