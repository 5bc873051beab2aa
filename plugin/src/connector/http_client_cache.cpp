#include "connector/http_client_cache.hpp"

#include "connector/connector_identity.hpp"
#include "sage/sage_endpoints.hpp"

#include <openssl/evp.h>

namespace sage {
namespace {

// A digest of everything that shapes a client, secrets included: the key never holds them in clear.
std::string configuration_key(const connection_settings& s)
{
    std::string material = std::to_string(s.timeout.count()) + "|" + (s.enable_ssl ? "ssl" : "plain") + "|" +
                           (s.trust_keystore_for_sage ? "keystore-for-sage" : "system-for-sage") + "|";
    if (s.proxy)
        material += s.proxy->server + ":" + std::to_string(s.proxy->port) + "|" + s.proxy->user.value_or("") + "|" +
                    s.proxy->password.value_or("") + "|";
    if (s.keystore_file)
        material += std::string(s.keystore_file->content.begin(), s.keystore_file->content.end()) + "|" +
                    s.keystore_password.value_or("");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(material.data(), material.size(), digest, &length, EVP_sha256(), nullptr);
    static constexpr char hex[] = "0123456789abcdef";
    std::string key;
    for (unsigned int i = 0; i < length; ++i) {
        key += hex[digest[i] >> 4];
        key += hex[digest[i] & 15];
    }
    return key;
}

constexpr std::size_t max_clients = 16;

} // namespace

http_client_cache::http_client_cache(std::function<void(std::string_view)> log) noexcept : log_(std::move(log)) {}

connector_support::result<std::shared_ptr<http_client>>
http_client_cache::client_for(const connection_settings& settings, std::shared_ptr<const keystore> trust)
{
    const std::string key = configuration_key(settings);
    std::lock_guard lock(mutex_);
    if (auto it = clients_.find(key); it != clients_.end())
        return it->second;
    http_client_options options;
    options.timeout = settings.timeout;
    options.enable_ssl = settings.enable_ssl;
    if (settings.proxy)
        options.proxy =
            http_proxy{settings.proxy->server, settings.proxy->port, settings.proxy->user, settings.proxy->password};
    options.trust = std::move(trust);
    // An uploaded CA vouches for Sage only when the form says so (a TLS-inspecting corporate proxy).
    if (!settings.trust_keystore_for_sage)
        options.system_trust_only_hosts.assign(endpoints::sage_hosts.begin(), endpoints::sage_hosts.end());
    options.log = log_;
    options.user_agent = std::string(connector_id) + "-connector/" + connector_version;
    std::string error;
    auto client = http_client::create(std::move(options), error);
    if (!client)
        return connector_support::fail(connector_sdk::error_category::tls, error);
    if (clients_.size() >= max_clients)
        clients_.erase(clients_.begin()); // forget one; its connections close with it
    clients_.emplace(key, client);
    return client;
}

} // namespace sage
