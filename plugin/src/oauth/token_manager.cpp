#include "oauth/token_manager.hpp"

#include <connector_support/phase_timer.hpp>

#include <algorithm>
#include <thread>
#include <vector>

namespace sage {

using connector_sdk::error_category;
using connector_support::fail;
using connector_support::result;

token_manager::token_manager(token_store& store, oauth_client& oauth,
                             std::function<std::chrono::system_clock::time_point()> now,
                             std::function<void(std::string_view)> log, token_manager_options options)
    : store_(store), host_(dynamic_cast<host_token_store*>(&store)), oauth_(oauth), now_(std::move(now)),
      log_(std::move(log)), options_(options)
{
}

bool token_manager::fresh_enough(const token_set& set) const
{
    // A token living less than five times the skew (a test's, or an authorization server's short
    // tokens) is refreshed when a fifth of its life is left, not as soon as it is issued.
    std::chrono::seconds skew = options_.skew;
    if (set.obtained_at.time_since_epoch().count() > 0 && set.expires_at > set.obtained_at)
        skew = std::min(skew, (set.expires_at - set.obtained_at) / 5);
    return set.fresh_at(now_(), skew);
}

std::chrono::milliseconds lease_ttl_for(std::chrono::seconds timeout)
{
    // The lease must outlive what its holder does under it. The refresh request is bounded by the
    // Timeout as a whole (the HTTP client gives an operation one deadline across connecting, TLS,
    // writing and reading; a token POST is never retried). Around it the holder makes two store calls,
    // a read before and the compare-and-set after: single-row statements that take milliseconds
    // (fleet_bench: under a millisecond for the lease, both calls and the release), and 5 s leaves room
    // for a loaded database or a stalled process. A holder slower than that still loses no token set:
    // compare-and-set keeps the newer one (store_rotated), and a waiter that took the lease meanwhile
    // and meets invalid_grant reads the store again before asking anyone to sign in (refresh_leased).
    // A dead holder keeps the others waiting no longer than this.
    return timeout + std::chrono::seconds(5);
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

result<token_answer> token_manager::refresh_with(const std::string& refresh_token, const token_set& base)
{
    if (log_)
        log_("refreshing the access token (" + store_.describe() + ")");
    auto answer = oauth_.refresh(refresh_token, now_());
    if (answer && *answer) {
        token_set& renewed = **answer;
        if (renewed.scope.empty())
            renewed.scope = base.scope;
        if (renewed.requested_by_id.empty())
            renewed.requested_by_id = base.requested_by_id;
    }
    return answer;
}

result<std::optional<token_set>> token_manager::fresh(const std::optional<token_set>& seed)
{
    // Fast path without the lock: most calls find a fresh token.
    auto snapshot = store_.read(oauth_.app().client_id);
    if (!snapshot)
        return snapshot.error();
    if (*snapshot && fresh_enough(**snapshot))
        return snapshot;
    if (host_)
        return under_lease(trigger::expiry, {}, seed);
    return under_lock(trigger::expiry, {}, seed);
}

result<token_set> token_manager::after_rejection(const std::string& rejected_access_token,
                                                 const std::optional<token_set>& seed)
{
    auto renewed = host_ ? under_lease(trigger::rejection, rejected_access_token, seed)
                         : under_lock(trigger::rejection, rejected_access_token, seed);
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
    const bool still_fresh = fresh_enough(**current);
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
        auto answer = refresh_with(refresh_token, current);
        if (!answer)
            return answer.error();
        if (token_answer& renewed = *answer) {
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
            if (fresh_enough(**again))
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

// The host's credential store, by its protocol (credential_store.hpp). This instance's threads
// queue on its own mutex first (one refresher per process, as with a file store); the lease then
// arbitrates between instances and processes; every decision is taken on a fresh read.
result<std::optional<token_set>> token_manager::under_lease(trigger why, const std::string& rejected,
                                                            const std::optional<token_set>& seed)
{
    host_token_store& host = *host_;
    const std::string& client = oauth_.app().client_id;
    auto in_instance = lock_within(host.instance_mutex(), options_.lock_patience);
    if (!in_instance.owns_lock())
        return fail(error_category::config, "another request of this connector kept the connection '" +
                                                host.connection() + "' busy for too long; try again");
    auto usable = [&](const token_set& set) {
        const bool fresh = fresh_enough(set);
        return why == trigger::expiry ? fresh : fresh && set.access_token != rejected;
    };
    const auto deadline = std::chrono::steady_clock::now() + options_.lease_ttl + std::chrono::seconds(5);
    for (;;) {
        auto current = host.read_versioned(client);
        if (!current)
            return current.error();
        if (!current->set && seed) {
            const auto seeded = host.compare_and_set(0, *seed);
            if (seeded.outcome == connector_sdk::credential_write_outcome::conflict)
                continue; // someone stored a set meanwhile: decide on it
            if (seeded.outcome == connector_sdk::credential_write_outcome::failed)
                return store_failure(host, seeded.category, seeded.message);
            current->version = seeded.version;
            current->set = seed;
        }
        if (!current->set)
            return std::optional<token_set>();
        if (usable(*current->set))
            return std::move(current->set);

        const auto lease = host.acquire_lease(options_.lease_ttl);
        if (lease.outcome == connector_sdk::lease_outcome::failed)
            return store_failure(host, lease.category, lease.message);
        if (lease.outcome == connector_sdk::lease_outcome::held) {
            if (auto waited = wait_for_holder(current->version, lease, deadline); !waited)
                return waited.error();
            continue; // start again: the holder stored a new version, or its lease ran out
        }
        // Acquired: given back however this ends.
        struct lease_guard {
            host_token_store& store;
            ~lease_guard() { store.release_lease(); }
        } release{host};
        auto again = host.read_versioned(client);
        if (!again)
            return again.error();
        if (!again->set)
            continue; // removed meanwhile (signed out): start again, with the seed if there is one
        if (usable(*again->set))
            return std::move(again->set);
        auto refreshed = refresh_leased(std::move(*again), seed);
        if (!refreshed)
            return refreshed.error();
        return std::optional<token_set>(std::move(*refreshed));
    }
}

// Another owner holds the lease: poll the store (short, growing pauses) until the version changes
// (the holder stored its refresh) or the lease should have run out (the holder died). The lease's
// end is the host's clock; it is measured here as a duration from the answer, and the lease is asked
// for again at least every second, so a clock that differs between host and connector costs at most
// that second, and a holder that gave the lease back without storing (its refresh failed) is
// followed within it.
result<void> token_manager::wait_for_holder(std::uint64_t version, const connector_sdk::lease_result& lease,
                                            std::chrono::steady_clock::time_point deadline)
{
    // A lease already over by our clock while the store says it is held means the clocks differ:
    // ask again in a second rather than at once.
    constexpr std::chrono::milliseconds longest_wait = std::chrono::seconds(1);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(lease.expires_at - now_());
    const auto retry_at =
        std::chrono::steady_clock::now() + (left > std::chrono::milliseconds(0)
                                                ? std::clamp(left, std::chrono::milliseconds(10), longest_wait)
                                                : longest_wait);
    std::chrono::milliseconds pause{10};
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline)
            return lease_wait_failure(*host_, options_.lease_ttl);
        if (now >= retry_at)
            return {};
        std::this_thread::sleep_for(
            std::min({pause, std::chrono::duration_cast<std::chrono::milliseconds>(retry_at - now)}));
        pause = std::min(pause * 2, std::chrono::milliseconds(200));
        const auto seen = host_->read_versioned(oauth_.app().client_id);
        if (!seen)
            return seen.error();
        if (seen->version != version)
            return {};
    }
}

// Holding the lease: refresh, and store the rotated set with compare-and-set on the version read.
// invalid_grant: read again first; a newer version is another refresher's work (our lease ran out
// meanwhile) and is used or refreshed in turn; only when the stored version is the one refused (and
// the form's own token, if any, is refused too) is the user asked to sign in again.
result<token_set> token_manager::refresh_leased(versioned_token_set current, const std::optional<token_set>& seed)
{
    std::vector<std::string> tried;
    token_set base = std::move(*current.set);
    std::uint64_t version = current.version;
    std::string refresh_token = base.refresh_token;
    auto was_tried = [&](const std::string& token) {
        return std::find(tried.begin(), tried.end(), token) != tried.end();
    };
    for (;;) {
        tried.push_back(refresh_token);
        auto answer = refresh_with(refresh_token, base);
        if (!answer)
            return answer.error();
        if (token_answer& renewed = *answer) {
            return store_rotated(version, refresh_token, std::move(*renewed));
        }
        auto again = host_->read_versioned(oauth_.app().client_id);
        if (!again)
            return again.error();
        if (again->set && again->version != version) {
            if (log_)
                log_("Sage refused a refresh token another process had already rotated; using the stored set");
            if (fresh_enough(*again->set))
                return std::move(*again->set);
            if (!was_tried(again->set->refresh_token)) {
                version = again->version;
                base = std::move(*again->set);
                refresh_token = base.refresh_token;
                continue;
            }
        }
        if (seed && !seed->refresh_token.empty() && !was_tried(seed->refresh_token)) {
            refresh_token = seed->refresh_token;
            continue;
        }
        return refresh_token_refused("refreshing the access token");
    }
}

// Stores a rotated set with compare-and-set on `expected_version`. A conflict should not happen while
// the lease is held, but a lease can run out under a slow refresh. Sage has already spent the old
// refresh token, so the newer refresh token must survive whatever won the race:
//   - the stored set still carries the token we spent, or was obtained before ours: ours is newer, and
//     replaces it (compare-and-set on the version now stored);
//   - the stored set is another, later set (a sign-in, or a refresher Sage answered after us): it is
//     the newer one and is kept and used; ours is dropped unused;
//   - nothing is stored any more (signed out or revoked meanwhile): nothing is brought back.
// A store that cannot be written is tried again for a few seconds before giving up.
result<token_set> token_manager::store_rotated(std::uint64_t expected_version, const std::string& spent_refresh_token,
                                               token_set renewed)
{
    const connector_support::phase_timer persisting("token_persistence");
    std::string last_error;
    std::chrono::milliseconds pause{100};
    for (int attempt = 0; attempt < 8; ++attempt) {
        const auto written = host_->compare_and_set(expected_version, renewed);
        if (written.outcome == connector_sdk::credential_write_outcome::stored) {
            if (connector_support::phase_timings_enabled() && log_)
                log_(persisting.finish(store_.describe()));
            return renewed;
        }
        if (written.outcome == connector_sdk::credential_write_outcome::failed) {
            last_error = written.message;
            if (log_)
                log_("the rotated token set could not be saved yet: " + written.message);
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(1000));
            continue;
        }
        // Conflict: decide which set is the newer.
        auto stored = host_->read_versioned(oauth_.app().client_id);
        if (!stored) {
            last_error = stored.error().message;
            continue;
        }
        if (!stored->set)
            return fail(error_category::auth, "the tokens of the connection '" + host_->connection() +
                                                  "' were removed from " + store_.describe() +
                                                  " while they were being refreshed (signed out or revoked): sign in "
                                                  "again");
        const token_set& theirs = *stored->set;
        if (theirs.refresh_token == spent_refresh_token || theirs.obtained_at < renewed.obtained_at) {
            if (log_)
                log_("another process stored an older token set while this refresh ran; storing the newer one");
            expected_version = stored->version;
            continue;
        }
        if (log_)
            log_("another process stored a newer token set while this refresh ran; using it");
        return theirs;
    }
    if (log_)
        log_("the rotated token set could not be saved: " + last_error);
    return fail(error_category::config,
                "Sage issued new tokens but " + store_.describe() + " could not keep them (" +
                    (last_error.empty() ? std::string("it kept changing") : last_error) +
                    "): the previous refresh token no longer works; once the host's store works again, sign in again");
}

} // namespace sage
