// One HTTPS client per distinct transport configuration, kept for the connector's life, so repeated
// TESTs and API calls reuse connections and TLS sessions instead of paying a handshake each time.
#pragma once

#include "form/connection_settings.hpp"
#include "transport/http_client.hpp"
#include "transport/keystore.hpp"

#include <connector_support/result.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace sage {

class http_client_cache {
public:
    explicit http_client_cache(std::function<void(std::string_view)> log) noexcept;

    // The client for these settings (timeout, SSL, proxy, keystore), created on first use. Fails (a tls
    // failure) when the keystore cannot be loaded into OpenSSL.
    [[nodiscard]] connector_support::result<std::shared_ptr<http_client>>
    client_for(const connection_settings& settings, std::shared_ptr<const keystore> trust);

private:
    std::function<void(std::string_view)> log_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<http_client>> clients_; // by a digest of the configuration
};

} // namespace sage
