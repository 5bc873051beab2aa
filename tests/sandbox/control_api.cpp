#include "control_api.hpp"

#include "oauth_endpoints.hpp"
#include "sandbox_service.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <stdexcept>

namespace sage_sandbox {
namespace {

struct bad_request : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

http_response control_error(unsigned status, std::string_view message)
{
    return json_response(status, boost::json::object{{"error", message}});
}

http_response ok(boost::json::value body = boost::json::object{{"ok", true}})
{
    return json_response(200, body);
}

boost::json::object body_object(const http_request& request)
{
    if (request.body.empty())
        return {};
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(request.body, ec);
    if (ec || !value.is_object())
        throw bad_request("the request body must be a JSON object");
    return std::move(value.as_object());
}

std::string string_field(const boost::json::object& body, std::string_view name, bool required = true)
{
    auto it = body.find(name);
    if (it == body.end() || it->value().is_null()) {
        if (required)
            throw bad_request("'" + std::string(name) + "' is required");
        return {};
    }
    if (!it->value().is_string())
        throw bad_request("'" + std::string(name) + "' must be a string");
    return std::string(it->value().as_string());
}

std::int64_t integer_field(const boost::json::value& value, std::string_view name)
{
    if (value.is_int64())
        return value.as_int64();
    if (value.is_uint64() && value.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(value.as_uint64());
    throw bad_request("'" + std::string(name) + "' must be an integer");
}

boost::json::array faults_json(const sandbox_service& service)
{
    boost::json::array out;
    for (const auto& fault : service.faults())
        out.push_back(fault.to_json());
    return out;
}

boost::json::object modes_json(const sandbox_service& service)
{
    boost::json::object out = service.modes().to_json();
    // Reuse detection belongs to the token rules but is switched like a mode.
    out["revoke_family_on_reuse"] = service.revoke_family_on_reuse();
    return out;
}

boost::json::object lifetimes_json(const token_lifetimes& lifetimes)
{
    return {
        {"access_token", lifetimes.access_token.count()},
        {"refresh_token", lifetimes.refresh_token.count()},
        {"authorization_code", lifetimes.authorization_code.count()},
    };
}

boost::json::object clock_json(const sandbox_service& service)
{
    const auto now = service.now();
    return {
        {"offset_seconds", service.clock_offset().count()},
        {"now", iso8601(now)},
        {"now_unix", unix_seconds(now)},
    };
}

boost::json::object client_json(const oauth_client& client)
{
    boost::json::array uris;
    for (const auto& uri : client.redirect_uris)
        uris.emplace_back(uri);
    return {
        {"client_id", client.client_id}, {"client_secret", client.client_secret}, {"redirect_uris", std::move(uris)}};
}

// "id" (a string) or "ids" (an array of strings) of a records/update or records/delete body.
std::vector<std::string> ids_field(const boost::json::object& body)
{
    std::vector<std::string> ids;
    if (auto it = body.find("ids"); it != body.end()) {
        if (!it->value().is_array())
            throw bad_request("'ids' must be an array of record ids");
        for (const auto& id : it->value().as_array()) {
            if (!id.is_string())
                throw bad_request("'ids' must be an array of record ids");
            ids.emplace_back(id.as_string());
        }
    }
    if (std::string id = string_field(body, "id", false); !id.empty())
        ids.push_back(std::move(id));
    if (ids.empty())
        throw bad_request("'id' or 'ids' is required");
    return ids;
}

boost::json::object fields_field(const boost::json::object& body)
{
    auto it = body.find("fields");
    if (it == body.end() || it->value().is_null())
        return {};
    if (!it->value().is_object())
        throw bad_request("'fields' must be a JSON object of record fields");
    return it->value().as_object();
}

http_response records_route(const http_request& request, sandbox_service& service, std::string_view path)
{
    if (path == "records" && request.method == "GET") {
        auto query = parse_form(split_target(request.target).second);
        if (!query)
            throw bad_request("the query string is not valid percent-encoding");
        const auto entity = form_value(*query, "entity");
        if (!entity)
            throw bad_request("'entity' is required: /_sandbox/records?entity=contacts[&business=ID][&attributes=...]");
        return ok(service.ground_truth(*entity, form_value(*query, "business").value_or(""),
                                       form_value(*query, "attributes").value_or("all")));
    }
    if (request.method != "POST")
        return control_error(404, "no such control route (see README.md): " + std::string(path));
    const boost::json::object body = body_object(request);
    const std::string entity = string_field(body, "entity");
    const std::string business = string_field(body, "business", false);
    if (path == "records/create") {
        std::int64_t count = 1;
        if (auto it = body.find("count"); it != body.end())
            count = integer_field(it->value(), "count");
        if (count < 1 || count > 100000)
            throw bad_request("'count' must be from 1 to 100000");
        const boost::json::object fields = fields_field(body);
        boost::json::array created;
        for (std::int64_t i = 0; i < count; ++i)
            created.emplace_back(service.create_record(entity, business, fields));
        return ok(boost::json::object{{"records", std::move(created)}});
    }
    const std::vector<std::string> ids = ids_field(body);
    for (const auto& id : ids) // all or nothing: every id must name a live record
        if (!service.find_record(entity, business, id))
            return control_error(404, "no live " + entity + " record has the id " + id);
    if (path == "records/update") {
        const boost::json::object fields = fields_field(body);
        boost::json::array updated;
        for (const auto& id : ids)
            if (auto record = service.update_record(entity, business, id, fields))
                updated.emplace_back(std::move(*record));
        return ok(boost::json::object{{"records", std::move(updated)}});
    }
    if (path == "records/delete") {
        boost::json::array deleted;
        for (const auto& id : ids)
            if (auto gone = service.delete_record(entity, business, id))
                deleted.emplace_back(gone->to_json());
        return ok(boost::json::object{{"deleted", std::move(deleted)}});
    }
    return control_error(404, "no such control route (see README.md): " + std::string(path));
}

http_response route(const http_request& request, sandbox_service& service, std::string_view path)
{
    const std::string& method = request.method;
    const bool get = method == "GET";
    const bool post = method == "POST";

    if (path == "info" && get)
        return ok(service.info());
    if (path == "counters" && get)
        return ok(service.counters().to_json());
    if (path == "counters/reset" && post) {
        service.reset_counters();
        return ok();
    }
    if (path == "reset" && post) {
        service.reset();
        return ok();
    }
    if (path == "faults") {
        if (get)
            return ok(faults_json(service));
        if (post) {
            const std::uint64_t id = service.arm_fault(fault_from_json(body_object(request)));
            return ok(boost::json::object{{"id", id}});
        }
        if (method == "DELETE") {
            service.clear_faults();
            return ok();
        }
    }
    if (path == "faults/clear" && post) {
        const boost::json::object body = body_object(request);
        const std::string endpoint = string_field(body, "endpoint", false);
        service.clear_faults(endpoint.empty() ? std::nullopt : std::optional<std::string>(endpoint));
        return ok();
    }
    if (path.substr(0, 7) == "faults/" && method == "DELETE") {
        const std::string_view id_text = path.substr(7);
        std::uint64_t id = 0;
        const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
        if (ec != std::errc() || end != id_text.data() + id_text.size())
            throw bad_request("a fault id is a number");
        if (!service.disarm_fault(id))
            return control_error(404, "no armed fault has that id");
        return ok();
    }
    if (path == "modes" && (get || post)) {
        if (post) {
            boost::json::object body = body_object(request);
            if (auto it = body.find("revoke_family_on_reuse"); it != body.end()) {
                if (!it->value().is_bool())
                    throw bad_request("'revoke_family_on_reuse' must be true or false");
                service.set_revoke_family_on_reuse(it->value().as_bool());
                body.erase(it);
            }
            sandbox_modes modes = service.modes();
            apply_modes_json(modes, body);
            service.set_modes(modes);
        }
        return ok(modes_json(service));
    }
    if (path == "lifetimes" && (get || post)) {
        if (post) {
            token_lifetimes lifetimes = service.lifetimes();
            for (const auto& [key, value] : body_object(request)) {
                const std::int64_t seconds = integer_field(value, key);
                if (seconds < 1)
                    throw bad_request("a lifetime is at least 1 second");
                if (key == "access_token")
                    lifetimes.access_token = std::chrono::seconds(seconds);
                else if (key == "refresh_token")
                    lifetimes.refresh_token = std::chrono::seconds(seconds);
                else if (key == "authorization_code")
                    lifetimes.authorization_code = std::chrono::seconds(seconds);
                else
                    throw bad_request("unknown lifetime '" + std::string(key) + "'");
            }
            service.set_lifetimes(lifetimes);
        }
        return ok(lifetimes_json(service.lifetimes()));
    }
    if (path == "records" || path.substr(0, 8) == "records/")
        return records_route(request, service, path);
    if (path == "latency" && (get || post)) {
        if (post) {
            const boost::json::object body = body_object(request);
            auto it = body.find("latency_ms");
            if (it == body.end())
                throw bad_request("'latency_ms' is required");
            const std::int64_t ms = integer_field(it->value(), "latency_ms");
            if (ms < 0 || ms > 600000)
                throw bad_request("'latency_ms' must be from 0 to 600000");
            service.set_latency(std::chrono::milliseconds(ms));
        }
        return ok(boost::json::object{{"latency_ms", service.latency().count()}});
    }
    if (path == "clock" && get)
        return ok(clock_json(service));
    if (path == "clock/advance" && post) {
        const boost::json::object body = body_object(request);
        auto it = body.find("seconds");
        if (it == body.end())
            throw bad_request("'seconds' is required");
        service.advance_clock(std::chrono::seconds(integer_field(it->value(), "seconds")));
        return ok(clock_json(service));
    }
    if (path == "clients") {
        if (get) {
            boost::json::array out;
            for (const auto& client : service.clients())
                out.push_back(client_json(client));
            return ok(out);
        }
        if (post) {
            const boost::json::object body = body_object(request);
            oauth_client client;
            client.client_id = string_field(body, "client_id", false);
            if (client.client_id.empty())
                client.client_id = make_client_id();
            client.client_secret = string_field(body, "client_secret");
            if (auto it = body.find("redirect_uris"); it != body.end()) {
                if (!it->value().is_array())
                    throw bad_request("'redirect_uris' must be an array of strings");
                for (const auto& uri : it->value().as_array()) {
                    if (!uri.is_string())
                        throw bad_request("'redirect_uris' must be an array of strings");
                    client.redirect_uris.emplace_back(uri.as_string());
                }
            }
            service.register_client(client);
            return ok(client_json(client));
        }
    }
    if (path == "tokens" && post) {
        const boost::json::object body = body_object(request);
        std::string scope = string_field(body, "scope", false);
        const token_set tokens =
            service.mint_tokens(string_field(body, "client_id"), scope.empty() ? "full_access" : scope);
        return ok(token_response_json(tokens));
    }
    if (path == "tokens/inspect" && post) {
        const token_inspection found = service.inspect_token(string_field(body_object(request), "token"));
        boost::json::object out{{"kind", to_string(found.kind)}, {"status", to_string(found.status)}};
        out["client_id"] = found.client_id;
        if (found.expires_at)
            out["expires_at"] = iso8601(*found.expires_at);
        return ok(out);
    }
    return control_error(404, "no such control route (see README.md): " + std::string(path));
}

} // namespace

http_response handle_control(const http_request& request, sandbox_service& service)
{
    std::string_view path = split_target(request.target).first;
    path.remove_prefix(std::min(path.size(), std::string_view("/_sandbox/").size()));
    try {
        return route(request, service, path);
    } catch (const std::invalid_argument& e) {
        return control_error(400, e.what());
    } catch (const std::exception& e) {
        return control_error(500, e.what());
    }
}

} // namespace sage_sandbox
