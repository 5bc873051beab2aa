#include "oauth/pending_sign_ins.hpp"

#include <algorithm>

namespace sage {

namespace {

using connector_sdk::error_category;
using connector_support::fail;

// How many ended flows are remembered, to name a replay as one.
constexpr std::size_t ended_memory = 256;

} // namespace

void pending_sign_ins::remember_end(const std::string& flow_id, ending how)
{
    if (ended_.emplace(flow_id, how).second)
        ended_order_.push_back(flow_id);
    while (ended_order_.size() > ended_memory) {
        ended_.erase(ended_order_.front());
        ended_order_.pop_front();
    }
}

void pending_sign_ins::add(pending_sign_in flow, std::chrono::system_clock::time_point now)
{
    std::lock_guard lock(mutex_);
    for (auto it = order_.begin(); it != order_.end();) {
        auto found = pending_.find(*it);
        if (found != pending_.end() && found->second.expires_at <= now) {
            remember_end(*it, ending::expired);
            pending_.erase(found);
            it = order_.erase(it);
        } else {
            ++it;
        }
    }
    while (!order_.empty() && pending_.size() >= capacity_) {
        remember_end(order_.front(), ending::evicted);
        pending_.erase(order_.front());
        order_.pop_front();
    }
    order_.push_back(flow.request.state);
    const std::string key = flow.request.state;
    pending_.insert_or_assign(key, std::move(flow));
}

connector_support::result<pending_sign_in> pending_sign_ins::find(std::string_view flow_id,
                                                                  std::chrono::system_clock::time_point now)
{
    std::lock_guard lock(mutex_);
    const auto it = pending_.find(flow_id);
    if (it == pending_.end()) {
        const auto ended = ended_.find(flow_id);
        if (ended == ended_.end())
            return fail(error_category::auth,
                        "no sign-in with this flow id was begun by this connector (or it was begun before the "
                        "connector was loaded again): begin the sign-in again");
        switch (ended->second) {
        case ending::completed:
            return fail(error_category::auth, "this sign-in was completed already, and a callback address works only "
                                              "once: begin a new sign-in if the connection needs one");
        case ending::cancelled:
            return fail(error_category::auth, "this sign-in was cancelled: begin the sign-in again");
        case ending::evicted:
            return fail(error_category::auth, "this sign-in was dropped because too many newer sign-ins were begun "
                                              "after it: begin the sign-in again and complete it");
        case ending::expired: break;
        }
        return fail(error_category::auth, "this sign-in expired (OAuthAuthorizationTimeout passed before the "
                                          "browser came back): begin the sign-in again and complete it in time");
    }
    if (it->second.expires_at <= now) {
        const auto seconds =
            std::chrono::duration_cast<std::chrono::seconds>(it->second.expires_at - it->second.begun_at).count();
        remember_end(it->first, ending::expired);
        order_.erase(std::find(order_.begin(), order_.end(), it->first));
        pending_.erase(it);
        return fail(error_category::auth, "this sign-in expired: the browser did not come back within " +
                                              std::to_string(seconds) +
                                              " seconds (OAuthAuthorizationTimeout): begin the sign-in again and "
                                              "complete it in time");
    }
    return it->second;
}

bool pending_sign_ins::take(std::string_view flow_id)
{
    std::lock_guard lock(mutex_);
    const auto it = pending_.find(flow_id);
    if (it == pending_.end())
        return false;
    remember_end(it->first, ending::completed);
    order_.erase(std::find(order_.begin(), order_.end(), it->first));
    pending_.erase(it);
    return true;
}

void pending_sign_ins::cancel(std::string_view flow_id)
{
    std::lock_guard lock(mutex_);
    const auto it = pending_.find(flow_id);
    if (it == pending_.end())
        return;
    remember_end(it->first, ending::cancelled);
    order_.erase(std::find(order_.begin(), order_.end(), it->first));
    pending_.erase(it);
}

} // namespace sage
