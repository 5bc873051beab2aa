// The OAuth client applications the sandbox knows, as registered in Sage's developer portal: a client
// id (uuid/uuid), its secret and the callback URLs it may be redirected to (exact match only).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sage_sandbox {

struct oauth_client {
    std::string client_id;
    std::string client_secret;
    std::vector<std::string> redirect_uris;
};

// A client id shaped like Sage's: "<uuid>/<uuid>".
std::string make_client_id();

class client_registry {
public:
    // Adds the client, or replaces the secret of a known one and adds its new redirect URIs.
    void register_client(const oauth_client& client);
    [[nodiscard]] std::optional<oauth_client> find(std::string_view client_id) const;
    // True when the client is known and `secret` is its secret.
    [[nodiscard]] bool authenticate(std::string_view client_id, std::string_view secret) const;
    // True when `redirect_uri` equals one of the client's registered URIs, character for character.
    [[nodiscard]] bool redirect_allowed(std::string_view client_id, std::string_view redirect_uri) const;
    [[nodiscard]] std::vector<oauth_client> list() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, oauth_client, std::less<>> clients_;
};

} // namespace sage_sandbox
