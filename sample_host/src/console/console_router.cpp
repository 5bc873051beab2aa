#include "console/console_router.hpp"

#include "console/console_answers.hpp"
#include "console/console_api.hpp"
#include "console/console_assets.hpp"
#include "console/console_sessions.hpp"

#include <connector_support/ascii_text.hpp>
#include <connector_support/guarded.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>

namespace sample_host {
namespace {

http_response asset_answer(const console_asset& asset)
{
    http_response answer;
    answer.content_type = std::string(asset.content_type);
    answer.body.assign(reinterpret_cast<const char*>(asset.bytes.data()), asset.bytes.size());
    return answer;
}

http_response not_signed_in()
{
    return html_page(401, "Not signed in",
                     "Open the address `sample_host serve` printed (console: http://...?token=...). Each address "
                     "signs in one browser once; sessions end after 30 minutes without use. For a new address, stop "
                     "the console and run `sample_host serve` again.");
}

} // namespace

std::string_view cookie_value(std::string_view header, std::string_view name) noexcept
{
    while (!header.empty()) {
        const auto end = header.find(';');
        std::string_view pair = connector_support::trim(header.substr(0, end));
        header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && connector_support::trim(pair.substr(0, eq)) == name)
            return connector_support::trim(pair.substr(eq + 1));
    }
    return {};
}

console_router::console_router(console_site site, console_sessions& sessions, console_api& api, log_function log)
    : site_(std::move(site)), sessions_(sessions), api_(api), log_(std::move(log))
{
}

http_response console_router::refuse(unsigned status, std::string_view category, std::string_view message) const
{
    http_response answer = json_error(status, category, message);
    add_security_headers(answer, site_.tls);
    return answer;
}

http_response console_router::handle(const http_request& request)
{
    http_response answer = connector_support::guarded(
        [&] { return route(request); },
        [&](std::string_view why) {
            if (log_)
                log_("console: a request failed unexpectedly: " + std::string(why));
        },
        [] {
            return json_error(500, "internal",
                              "the console failed unexpectedly (a defect; the host log has the details)");
        });
    add_security_headers(answer, site_.tls);
    return answer;
}

http_response console_router::route(const http_request& request)
{
    // Before anything else: a page served under a name that is not the console's (DNS rebinding)
    // must not reach the session or the API.
    const std::string host = connector_support::to_lower(request.header("host"));
    if (std::find(site_.hosts.begin(), site_.hosts.end(), host) == site_.hosts.end())
        return json_error(421, "misdirected",
                          "this console answers only to " + site_.origin +
                              " (the Host header names another site); open the address `sample_host serve` printed");

    const auto parsed = boost::urls::parse_origin_form(request.target);
    if (!parsed)
        return json_error(400, "bad_request", "the request target is not a valid path and query");
    const boost::urls::url_view url = *parsed;
    const std::string_view path = url.encoded_path();

    std::vector<std::pair<std::string, std::string>> query;
    for (const auto& param : url.params())
        query.emplace_back(param.key, param.value);
    const auto query_value = [&](std::string_view key) -> std::string_view {
        for (const auto& [k, v] : query)
            if (k == key)
                return v;
        return {};
    };

    if (path == "/api" || path.starts_with("/api/")) {
        std::vector<std::string> segments;
        for (auto segment : url.segments())
            segments.emplace_back(segment);
        if (!segments.empty())
            segments.erase(segments.begin()); // "api"
        http_response answer = api(request, segments, std::move(query));
        if (log_)
            log_("console: " + request.method + " " + std::string(path) + " -> " + std::to_string(answer.status));
        return answer;
    }
    if (path == "/oauth/callback") {
        if (request.method != "GET")
            return json_error(405, "method_not_allowed", "the sign-in callback is a GET");
        return api_.oauth_callback(request.target, query_value("state"));
    }
    return page(request, path, query_value("token"));
}

http_response console_router::page(const http_request& request, std::string_view path, std::string_view token)
{
    if (request.method != "GET") {
        http_response answer = html_page(405, "Not allowed", "Pages are read with GET.");
        answer.set_header("Allow", "GET");
        return answer;
    }
    if (path == "/" || path == "/index.html") {
        if (!token.empty()) {
            const auto session = sessions_.redeem(token);
            if (!session) {
                if (log_)
                    log_("console: a login address was used again, or after it expired");
                return html_page(401, "This sign-in address was already used",
                                 "Each address `sample_host serve` prints signs in one browser, once, within 15 "
                                 "minutes. Stop the console and run `sample_host serve` again for a new one.");
            }
            if (log_)
                log_("console: a browser signed in");
            http_response answer;
            answer.status = 303;
            answer.content_type = "text/plain; charset=utf-8";
            answer.body = "signed in; continue at /\n";
            answer.set_header("Location", "/");
            answer.set_header("Set-Cookie", std::string(session_cookie_name) + "=" + session->id +
                                                "; HttpOnly; SameSite=Strict; Path=/" + (site_.tls ? "; Secure" : ""));
            return answer;
        }
        if (!sessions_.find(cookie_value(request.header("cookie"), session_cookie_name)))
            return not_signed_in();
        if (const console_asset* index = find_console_asset("/index.html"))
            return asset_answer(*index);
        return html_page(500, "Console missing", "This build has no console page (sample_host/console/index.html).");
    }
    if (const console_asset* asset = find_console_asset(path)) {
        http_response answer = asset_answer(*asset);
        answer.set_header("Cache-Control", "no-cache");
        return answer;
    }
    return html_page(404, "Not found", "There is no such page in the console.");
}

http_response console_router::api(const http_request& request, const std::vector<std::string>& segments,
                                  std::vector<std::pair<std::string, std::string>> query)
{
    const auto session = sessions_.find(cookie_value(request.header("cookie"), session_cookie_name));
    if (!session)
        return json_error(401, "session",
                          "not signed in, or the session ended (30 minutes without use): open the address "
                          "`sample_host serve` printed");
    if (request.method != "GET") {
        if (!same_token(request.header("x-csrf-token"), session->csrf))
            return json_error(403, "csrf",
                              "the request lacks this session's X-CSRF-Token (from GET /api/session): reload the "
                              "console");
        if (request.has_header("origin") && request.header("origin") != site_.origin)
            return json_error(403, "csrf", "the request comes from another site (Origin): refused");
        const std::string type = connector_support::to_lower(request.header("content-type"));
        if (!request.body.empty() && !(type == "application/json" || type.starts_with("application/json;")))
            return json_error(415, "unsupported_media_type", "the request body must be application/json");
    }
    api_call call;
    call.method = request.method;
    call.segments = segments;
    for (auto& [key, value] : query)
        call.query.emplace(std::move(key), std::move(value));
    call.body = request.body;
    call.session = &*session;
    return api_.handle(call);
}

} // namespace sample_host
