// The loopback end of the OAuth browser flow (RFC 8252 §7.3): listens on the CallbackURL's loopback
// address and port only, accepts the one redirect whose `state` matches, answers it with a short page,
// turns away anything else, and gives up when the wait ends. No Beast or Asio type in this header.
#pragma once

#include "oauth/authorization_request.hpp"
#include "transport/endpoint.hpp"

#include <connector_support/result.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace sage {

struct callback_wait_result {
    std::optional<authorization_response> response; // the redirect whose state matched
    bool timed_out = false;
    int turned_away = 0; // requests refused: wrong path, wrong or missing state
};

class callback_listener {
public:
    // Binds now, before the browser is sent anywhere, so the redirect cannot arrive too early.
    // Fails when the address or port cannot be bound.
    static connector_support::result<std::unique_ptr<callback_listener>> bind(const endpoint& callback_url);

    ~callback_listener();
    callback_listener(const callback_listener&) = delete;
    callback_listener& operator=(const callback_listener&) = delete;

    // The port actually bound (the CallbackURL's, or a free one when it says :0).
    [[nodiscard]] unsigned short port() const noexcept;

    // Serves redirects until one carries `expected_state` or `wait` passes.
    [[nodiscard]] callback_wait_result wait_for(const std::string& expected_state, std::chrono::milliseconds wait);

    class impl;

private:
    explicit callback_listener(std::unique_ptr<impl> implementation) noexcept;
    std::unique_ptr<impl> impl_;
};

} // namespace sage
