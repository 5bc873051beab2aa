#include "oauth/token_manager.hpp"

#include <connector_support/phase_timer.hpp>

#include <algorithm>
#include <vector>

namespace sage {

using connector_sdk::error_category;
using connector_support::fail;
using connector_support::result;

token_manager::token_manager(token_store& store, oauth_client& oauth,
                             std::function<std::chrono::system_clock::time_point()> now,
                             std::function<void(std::string_view)> log, token_manager_options options)
    : store_(store), oauth_(oauth), now_(std::move(now)), log_(std::move(log)), options_(options)
{
}

connector_support::failure token_manager::nothing_stored() const
{
    return fail(error_category::auth,
                "no OAuth tokens are stored in " + store_.describe() +
                    " yet: sign in to Sage first (authorise the connection), or supply an Access Token and Refresh "
                    "Token with InitiateOAuth=REFRESH");
}

namespace {
// Room for the rotated set: Sage's new tokens are about as long as the old ones; allow twice that.
std::size_t reservation_for(const token_set& current)
{
    return std::max<std::size_t>(4096, 2 * to_json(current).size());
}
} // namespace

result<std::optional<token_set>> token_manager::fresh(const std::optional<token_set>& seed)
{
    // Fast path without the lock: most calls find a fresh token.
    auto snapshot = store_.read(oauth_.app().client_id);
    if (!snapshot)
        return snapshot.error();
    if (*snapshot && (*snapshot)->fresh_at(now_(), options_.skew))
        return snapshot;
    return under_lock(trigger::expiry, {}, seed);
}

result<token_set> token_manager::after_rejection(const std::string& rejected_access_token,
                                                 const std::optional<token_set>& seed)
{
    auto renewed = under_lock(trigger::rejection, rejected_access_token, seed);
    if (!renewed)
        return renewed.error();
    if (!*renewed)
        return nothing_stored();
    return std::move(**renewed);
}

result<void> token_manager::adopt(const token_set& set)
{
    auto lock = store_.lock(options_.lock_patience);
    if (!lock)
        return lock.error();
    return store_.write(set);
}

result<std::optional<token_set>> token_manager::under_lock(trigger why, const std::string& rejected,
                                                           const std::optional<token_set>& seed)
{
    auto lock = store_.lock(options_.lock_patience);
    if (!lock)
        return lock.error();

    // Decide on what the store holds NOW: another thread or process may have refreshed while we waited.
    auto current = store_.read(oauth_.app().client_id);
    if (!current)
        return current.error();
    if (!*current && seed) {
        if (auto written = store_.write(*seed); !written)
            return fail(error_category::config,
                        written.error().message +
                            ": fix the location, or set OAuthSettingsLocation to a writable file");
        *current = seed;
    }
    if (!*current)
        return std::optional<token_set>();
    const bool still_fresh = (*current)->fresh_at(now_(), options_.skew);
    const bool replaced = why == trigger::rejection && (*current)->access_token != rejected;
    if ((why == trigger::expiry && still_fresh) || (replaced && still_fresh))
        return current;
    auto refreshed = refresh_locked(std::move(**current), seed);
    if (!refreshed)
        return refreshed.error();
    return std::optional<token_set>(std::move(*refreshed));
}

result<token_set> token_manager::refresh_locked(token_set current, const std::optional<token_set>& seed)
{
    std::vector<std::string> tried;
    std::string refresh_token = current.refresh_token;
    for (;;) {
        tried.push_back(refresh_token);
        // Sage's rotation cannot be undone: make sure the new set can be saved before asking for it.
        if (auto reserved = store_.reserve(reservation_for(current)); !reserved)
            return reserved.error();
        if (log_)
            log_("refreshing the access token (" + store_.describe() + ")");
        auto answer = oauth_.refresh(refresh_token, now_());
        if (!answer)
            return answer.error();
        if (token_answer& renewed = *answer) {
            if (renewed->scope.empty())
                renewed->scope = current.scope;
            if (renewed->requested_by_id.empty())
                renewed->requested_by_id = current.requested_by_id;
            // Persist before use: the old refresh token is dead now, this set is the only way back in.
            const connector_support::phase_timer persisting("token_persistence");
            auto written = store_.write(*renewed);
            if (!written)
                written = store_.write(*renewed); // one more try (a transient error)
            if (connector_support::phase_timings_enabled() && log_)
                log_(persisting.finish(store_.describe()));
            if (!written) {
                if (log_)
                    log_("the rotated token set could not be saved: " + written.error().message);
                // The previous refresh token is dead: the new set must survive somewhere.
                if (auto kept = store_.keep_for_recovery(*renewed))
                    return fail(error_category::config,
                                "Sage issued new tokens but " + written.error().message + "; they were kept in " +
                                    kept->string() + ": fix the location, then move that file to " + store_.describe() +
                                    " (or set OAuthSettingsLocation to it)");
                return fail(error_category::config, "Sage issued new tokens but " + written.error().message +
                                                        ": fix the location and authorise again (the previous "
                                                        "refresh token is no longer valid)");
            }
            return std::move(*renewed);
        }
        // Sage refused the refresh token (invalid_grant).
        auto was_tried = [&](const std::string& token) {
            return std::find(tried.begin(), tried.end(), token) != tried.end();
        };
        // A newer refresh token may have been stored by a process that does not share our lock
        // (or the form may carry a newly issued one): try each once before giving up.
        auto again = store_.read(oauth_.app().client_id);
        if (again && *again && !was_tried((*again)->refresh_token)) {
            if ((*again)->fresh_at(now_(), options_.skew))
                return std::move(**again);
            current = **again;
            refresh_token = current.refresh_token;
            continue;
        }
        if (seed && !seed->refresh_token.empty() && !was_tried(seed->refresh_token)) {
            refresh_token = seed->refresh_token;
            continue;
        }
        return refresh_token_refused("refreshing the access token");
    }
}

} // namespace sage
