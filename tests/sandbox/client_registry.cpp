#include "client_registry.hpp"

#include "random_ids.hpp"

#include <algorithm>

namespace sage_sandbox {

std::string make_client_id()
{
    return random_uuid() + "/" + random_uuid();
}

void client_registry::register_client(const oauth_client& client)
{
    std::lock_guard lock(mutex_);
    auto [it, added] = clients_.try_emplace(client.client_id, client);
    if (added)
        return;
    it->second.client_secret = client.client_secret;
    for (const auto& uri : client.redirect_uris) {
        auto& uris = it->second.redirect_uris;
        if (std::find(uris.begin(), uris.end(), uri) == uris.end())
            uris.push_back(uri);
    }
}

std::optional<oauth_client> client_registry::find(std::string_view client_id) const
{
    std::lock_guard lock(mutex_);
    auto it = clients_.find(client_id);
    if (it == clients_.end())
        return std::nullopt;
    return it->second;
}

bool client_registry::authenticate(std::string_view client_id, std::string_view secret) const
{
    std::lock_guard lock(mutex_);
    auto it = clients_.find(client_id);
    return it != clients_.end() && !secret.empty() && it->second.client_secret == secret;
}

bool client_registry::redirect_allowed(std::string_view client_id, std::string_view redirect_uri) const
{
    std::lock_guard lock(mutex_);
    auto it = clients_.find(client_id);
    if (it == clients_.end())
        return false;
    const auto& uris = it->second.redirect_uris;
    return std::find(uris.begin(), uris.end(), redirect_uri) != uris.end();
}

std::vector<oauth_client> client_registry::list() const
{
    std::lock_guard lock(mutex_);
    std::vector<oauth_client> out;
    for (const auto& [id, client] : clients_)
        out.push_back(client);
    return out;
}

} // namespace sage_sandbox
