// The console's JSON API (docs/console.md): the marketplace tiles and licence actions, connection
// forms (properties, validate, TEST, sign-in), saved connections (CREATE, list, show, edit, delete,
// TEST) and data previews, over the host_context the process serves. Host work (database, plugin
// cache) is serialised under one lock; connector calls (TEST, CREATE, sign-in, reads) run outside it,
// concurrently, on the connector's own thread-safety.
#pragma once

#include "console/console_sessions.hpp"
#include "console/http_exchange.hpp"
#include "console/sign_in_flows.hpp"
#include "storage/connection_store.hpp"

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

class connector_session;
class host_context;

// One API request, its path split after "/api/" and percent-decoded.
struct api_call {
    std::string method;
    std::vector<std::string> segments; // "/api/connections/Books/test" -> {"connections", "Books", "test"}
    std::map<std::string, std::string, std::less<>> query; // decoded
    std::string_view body;
    const console_session* session = nullptr;
};

class console_api final {
public:
    // `origin`: the console's own origin ("http://127.0.0.1:8080"); the sign-in's redirect URI is
    // origin + "/oauth/callback".
    console_api(host_context& ctx, std::string origin);

    // The answer to an authenticated API call (CSRF and content type already checked).
    [[nodiscard]] http_response handle(const api_call& call);

    // GET /oauth/callback?...: completes the web sign-in its `state` names; an HTML page.
    [[nodiscard]] http_response oauth_callback(std::string_view target, std::string_view state);

private:
    [[nodiscard]] http_response dispatch(const api_call& call);
    // CREATE with `session`'s form, then (with the host lock) saving what the connector returned.
    [[nodiscard]] http_response create_connection(const connector_session& session, const std::string& connector_id,
                                                  bool run_test, connection_store::on_duplicate duplicate,
                                                  unsigned status);

    host_context& ctx_;
    std::string origin_;
    std::mutex host_mutex_; // every use of ctx_ but its thread-safe redactor and log
    sign_in_flows flows_;
};

} // namespace sample_host
