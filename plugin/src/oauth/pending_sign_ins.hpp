// The sign-ins a web host began (web_sign_in.v1) and has not completed yet, in memory: each keyed by
// its state (the flow id), with the connection and client it was begun for, until it expires; at most
// `capacity` at once (the oldest is dropped first); completed ones are remembered for a while so a
// replayed callback is told so.
#pragma once

#include "oauth/authorization_request.hpp"

#include <connector_support/result.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace sage {

struct pending_sign_in {
    authorization_request request; // state (= flow id), PKCE verifier, redirect URI
    std::string connection_name;
    std::string client_id;
    std::chrono::system_clock::time_point begun_at{};
    std::chrono::system_clock::time_point expires_at{};
};

class pending_sign_ins {
public:
    explicit pending_sign_ins(std::size_t capacity = 32) noexcept : capacity_(capacity) {}

    // Keeps `flow`, dropping expired flows and, beyond the capacity, the oldest.
    void add(pending_sign_in flow, std::chrono::system_clock::time_point now);

    // A copy of the pending flow `flow_id` at `now` (it stays pending), or why there is none: never
    // begun, dropped for newer ones, completed already (a replay), cancelled, or expired.
    [[nodiscard]] connector_support::result<pending_sign_in> find(std::string_view flow_id,
                                                                  std::chrono::system_clock::time_point now);

    // Ends the flow `flow_id` for good; false when it had ended already (another completion won).
    [[nodiscard]] bool take(std::string_view flow_id);

    // Forgets the flow; nothing when none is pending.
    void cancel(std::string_view flow_id);

private:
    enum class ending : std::uint8_t { completed, cancelled, evicted, expired };
    void remember_end(const std::string& flow_id, ending how);

    std::size_t capacity_;
    std::mutex mutex_;
    std::map<std::string, pending_sign_in, std::less<>> pending_;
    std::deque<std::string> order_; // flow ids, oldest first
    std::map<std::string, ending, std::less<>> ended_;
    std::deque<std::string> ended_order_;
};

} // namespace sage
