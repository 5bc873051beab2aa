#include "console/console_api.hpp"

#include "commands/connector_session.hpp"
#include "commands/host_context.hpp"
#include "commands/marketplace_actions.hpp"
#include "connectors/form_builder.hpp"
#include "connectors/plugin_registry.hpp"
#include "console/console_answers.hpp"
#include "marketplace/marketplace.hpp"
#include "output/console.hpp"
#include "output/host_log.hpp"
#include "output/json_output.hpp"
#include "runtime/host_error.hpp"
#include "security/secret_cipher.hpp"
#include "storage/connection_store.hpp"
#include "storage/sqlite_database.hpp"
#include "storage/user_directory.hpp"

#include <connector_sdk/data_access.hpp>
#include <connector_sdk/license.hpp>
#include <connector_sdk/oauth_management.hpp>
#include <connector_sdk/web_sign_in.hpp>
#include <connector_support/ascii_text.hpp>
#include <connector_support/guarded.hpp>

#include <boost/json.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>
#include <memory>
#include <optional>

namespace sample_host {
namespace {

namespace json = boost::json;
namespace sdk = connector_sdk;
using connector_support::iequals;
using lock_guard = std::lock_guard<std::mutex>;

// --- request bodies -------------------------------------------------------------------------------

json::object parse_body(std::string_view body)
{
    if (body.empty())
        return {};
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 16;
    json::value document = json::parse(body, ec, {}, options);
    if (ec)
        throw api_error(400, "bad_request", "the request body is not valid JSON (" + ec.message() + ")");
    if (!document.is_object())
        throw api_error(400, "bad_request", "the request body must be a JSON object");
    return std::move(document.as_object());
}

std::string text_member(const json::object& body, std::string_view key, bool required)
{
    const json::value* value = body.if_contains(key);
    if (value == nullptr || value->is_null()) {
        if (required)
            throw api_error(400, "bad_request", "the request needs \"" + std::string(key) + "\"", std::string(key));
        return {};
    }
    if (!value->is_string())
        throw api_error(400, "bad_request", "\"" + std::string(key) + "\" must be a string", std::string(key));
    return std::string(value->get_string());
}

bool flag_member(const json::object& body, std::string_view key, bool fallback)
{
    const json::value* value = body.if_contains(key);
    if (value == nullptr || value->is_null())
        return fallback;
    if (!value->is_bool())
        throw api_error(400, "bad_request", "\"" + std::string(key) + "\" must be true or false", std::string(key));
    return value->get_bool();
}

std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text)
{
    if (text.size() % 4 != 0 || text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return std::nullopt;
    std::vector<std::uint8_t> bytes(text.size() / 4 * 3);
    const int written = ::EVP_DecodeBlock(bytes.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                          static_cast<int>(text.size()));
    if (written < 0)
        return std::nullopt;
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=')
        padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
    bytes.resize(static_cast<std::size_t>(written) - padding);
    return bytes;
}

// An uploaded file: {"name": "keystore.p12", "content_base64": "..."}; only the name's last part is kept.
sdk::file_value uploaded_file(const json::object& file, const std::string& where)
{
    const json::value* name = file.if_contains("name");
    const json::value* content = file.if_contains("content_base64");
    if (name == nullptr || content == nullptr || !name->is_string() || !content->is_string() || file.size() != 2)
        throw usage_error(where + " must be {\"name\": \"FILE\", \"content_base64\": \"...\"} for a file");
    std::string base(name->get_string());
    if (const auto slash = base.find_last_of("/\\"); slash != std::string::npos)
        base = base.substr(slash + 1);
    if (base.empty() ||
        std::any_of(base.begin(), base.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        throw usage_error(where + " has no usable file name: give the uploaded file's name");
    auto bytes = decode_base64(content->get_string());
    if (!bytes)
        throw usage_error(where + ": content_base64 is not valid base64 (RFC 4648, with padding)");
    if (bytes->size() > max_form_file_bytes)
        throw usage_error(where + " is larger than the 10 MiB a form accepts");
    return sdk::file_value{std::move(base), std::move(*bytes)};
}

// The "form" member as form values: property types say which members are key-value lists; null
// members are no value.
sdk::form_values request_form(const json::object& body, const std::vector<sdk::property_descriptor>& properties)
{
    const json::value* form = body.if_contains("form");
    if (form == nullptr || form->is_null())
        return {};
    if (!form->is_object())
        throw api_error(400, "bad_request", "\"form\" must be a JSON object of property key -> value", "form");
    json::object members;
    for (const auto& member : form->as_object())
        if (!member.value().is_null())
            members.emplace(member.key(), member.value());
    json_form_rules rules;
    rules.is_key_value_list = [&properties](std::string_view key) {
        return iequals(key, additional_configuration_key) ||
               std::any_of(properties.begin(), properties.end(), [&](const sdk::property_descriptor& p) {
                   return p.type == sdk::property_type::key_value_list && iequals(p.key, key);
               });
    };
    rules.read_file = uploaded_file;
    rules.file_shape = R"({"name": "FILE", "content_base64": "..."})";
    return form_from_json(members, "form", rules);
}

// --- answers ----------------------------------------------------------------------------------------

json::value form_value_json(const sdk::form_value& value)
{
    struct visitor {
        json::value operator()(const std::string& text) const { return json::value(text); }
        json::value operator()(bool flag) const { return json::value(flag); }
        json::value operator()(std::int64_t number) const { return json::value(number); }
        json::value operator()(const sdk::file_value& file) const
        {
            return json::object{{"name", file.file_name}, {"size", file.content.size()}};
        }
        json::value operator()(const sdk::key_value_pairs& pairs) const
        {
            json::array rows;
            for (const auto& pair : pairs)
                rows.push_back(json::array{json::value(pair.key), json::value(pair.value)});
            return rows;
        }
    };
    return std::visit(visitor{}, value);
}

json::object test_json(const sdk::test_result& result, const std::vector<sdk::property_descriptor>& properties,
                       std::chrono::steady_clock::duration elapsed)
{
    json::object out = test_result_json(result, property_labels(properties));
    out["elapsed_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    return out;
}

// --- the host, under its lock ---------------------------------------------------------------------

sdk::manifest require_manifest(host_context& ctx, std::string_view connector_id)
{
    plugin_registry& registry = ctx.plugins();
    registry.require_folder();
    for (auto& plugin : registry.discover())
        if (plugin.manifest.value && plugin.manifest.value->id == connector_id)
            return std::move(*plugin.manifest.value);
    throw api_error(404, "not_found",
                    "no connector with the id '" + std::string(connector_id) + "' is installed in " +
                        registry.folder().string() + ": see the marketplace (GET /api/connectors)");
}

connection_details require_connection(host_context& ctx, std::string_view name)
{
    const user_account& user = ctx.acting_user();
    auto details = ctx.connections().show(user.tenant, name);
    if (!details)
        throw api_error(404, "not_found",
                        "no connection named '" + std::string(name) + "' in tenant '" + user.tenant +
                            "': see the connections list");
    return std::move(*details);
}

// The connector's form for one request: the body's "form" over the saved connection `connection`.
std::unique_ptr<connector_session> open_session(host_context& ctx, std::string_view connector_id,
                                                const std::optional<std::string>& connection, const json::object& body)
{
    (void)require_manifest(ctx, connector_id);
    const auto plugin = ctx.plugin(connector_id);
    sdk::form_values form = request_form(body, plugin->connector().describe_properties());
    return std::make_unique<connector_session>(ctx, connector_id, connection, std::move(form));
}

// The saved connection `name` with nothing laid over it; its connector id comes from the store.
std::unique_ptr<connector_session> open_saved(host_context& ctx, std::string_view name)
{
    const connection_details details = require_connection(ctx, name);
    return open_session(ctx, details.summary.connector_id, details.summary.name, json::object{});
}

std::vector<std::string> licence_actions(const sdk::manifest& m, const marketplace_account& account,
                                         std::chrono::sys_seconds now)
{
    std::vector<std::string> actions;
    if (!m.premium())
        return actions;
    const auto& subscription = account.subscription;
    if (m.trial_days > 0 && !account.trial && !subscription)
        actions.emplace_back("start_trial");
    if (!subscription || subscription->ended(now))
        actions.emplace_back("subscribe");
    if (subscription && !subscription->cancelled_at)
        actions.emplace_back("renew");
    if (subscription && !subscription->cancelled_at && !subscription->ended(now))
        actions.emplace_back("cancel");
    return actions;
}

// One marketplace tile: the manifest, the connector's own view of the tenant's licence, what an
// administrator can do and what a user is told.
json::object connector_tile(host_context& ctx, const sdk::manifest& m)
{
    const user_account& user = ctx.acting_user();
    const std::chrono::sys_seconds now = ctx.now_seconds();
    json::object tile = connector_json(m);
    tile["premium"] = m.premium();
    tile["grace_days"] = m.grace_days;
    json::array plans;
    for (const auto& plan : m.plans)
        plans.push_back(json::object{{"id", plan.id}, {"months", plan.months}});
    tile["plans"] = std::move(plans);
    tile["documentation_url"] = m.documentation_url;

    const connector_view view = ask_connector(ctx, m.id);
    tile["license"] = view ? json::value(license_json(*view)) : json::value(nullptr);
    tile["license_summary"] = view ? json::value(license_summary(*view)) : json::value(nullptr);
    tile["load_error"] = view ? json::value(nullptr) : json::value(view.error().message);
    json::object extensions{{"web_sign_in", false}, {"data_access", false}, {"oauth_management", false}};
    if (view) {
        sdk::connector& connector = ctx.plugin(m.id)->connector();
        extensions["web_sign_in"] = sdk::find_extension<sdk::web_sign_in>(connector) != nullptr;
        extensions["data_access"] = sdk::find_extension<sdk::data_access>(connector) != nullptr;
        extensions["oauth_management"] = sdk::find_extension<sdk::oauth_management>(connector) != nullptr;
    }
    tile["extensions"] = std::move(extensions);

    tile["can_manage"] = user.is_admin();
    json::array actions;
    if (user.is_admin())
        for (auto& action : licence_actions(m, make_marketplace(ctx).account(user, m.id), now))
            actions.emplace_back(action);
    tile["actions"] = std::move(actions);
    const bool usable = view && view->permits_use();
    if (!user.is_admin() && m.premium() && !usable)
        tile["request_sentence"] =
            view && !view->user_message.empty() ? view->user_message : sdk::unlicensed_sentence(m.name);
    else
        tile["request_sentence"] = nullptr;
    return tile;
}

std::optional<licence_action> parse_action(std::string_view text)
{
    if (text == "start_trial")
        return licence_action::start_trial;
    if (text == "subscribe")
        return licence_action::subscribe;
    if (text == "renew")
        return licence_action::renew;
    if (text == "cancel")
        return licence_action::cancel;
    return std::nullopt;
}

// A read's records as JSON values, for the preview table.
class preview_sink final : public sdk::read_sink {
public:
    bool on_records(const sdk::record_batch& batch) noexcept override
    {
        return connector_support::guarded(
            [&] {
                for (const auto& record : batch.records) {
                    boost::system::error_code ec;
                    json::value parsed = json::parse(record, ec);
                    records_.push_back(ec ? json::value(record) : std::move(parsed));
                }
                return true;
            },
            [](std::string_view) {}, [] { return false; });
    }
    bool on_deletions(const sdk::deletion_batch&) noexcept override { return true; }
    bool on_checkpoint(std::string_view) noexcept override { return true; }

    [[nodiscard]] json::array take() { return std::move(records_); }

private:
    json::array records_;
};

std::string joined_path(const std::vector<std::string>& segments)
{
    std::string path = "/api";
    for (const auto& s : segments)
        path += "/" + s;
    return path;
}

} // namespace

console_api::console_api(host_context& ctx, std::string origin) : ctx_(ctx), origin_(std::move(origin)) {}

http_response console_api::handle(const api_call& call)
{
    http_response answer;
    try {
        answer = dispatch(call);
    } catch (const api_error& e) {
        answer = json_error(e.status(), e.category(), e.what(), e.field());
    } catch (const usage_error& e) {
        answer = json_error(400, "bad_request", e.what());
    } catch (const database_error& e) {
        ctx_.log().write(sdk::log_level::error, "host", std::string("console: ") + e.what());
        answer = json_error(500, "internal", e.what());
    } catch (const secret_error& e) {
        answer = json_error(500, "internal", e.what());
    } catch (const host_error& e) {
        answer = json_error(409, "conflict", e.what());
    } catch (const std::exception& e) {
        ctx_.log().write(sdk::log_level::error, "host",
                         "console: " + call.method + " " + joined_path(call.segments) + " failed: " + e.what());
        answer = json_error(500, "internal",
                            "the console failed unexpectedly (" + std::string(e.what()) + "); please report this");
    }
    // The last line of defence: no secret this process knows leaves it, whatever a message holds.
    if (answer.content_type.starts_with("application/json")) {
        boost::system::error_code ec;
        json::value document = json::parse(answer.body, ec);
        if (!ec) {
            redact_tree(document, ctx_.redactor());
            answer.body = json::serialize(document);
        }
    }
    return answer;
}

http_response console_api::dispatch(const api_call& call)
{
    const auto& s = call.segments;
    const std::string& method = call.method;
    const auto only = [&](std::string_view allowed) {
        if (method != allowed)
            throw api_error(405, "method_not_allowed",
                            method + " is not allowed on " + joined_path(s) + ": use " + std::string(allowed));
    };

    if (s.size() == 1 && s[0] == "session") {
        only("GET");
        lock_guard lock(host_mutex_);
        const user_account& user = ctx_.acting_user();
        return json_answer(200, json::object{{"user", user.name},
                                             {"role", to_string(user.user_role)},
                                             {"tenant", user.tenant},
                                             {"csrf", call.session->csrf},
                                             {"idle_timeout_seconds", 30 * 60}});
    }

    if (s.size() == 1 && s[0] == "connectors") {
        only("GET");
        lock_guard lock(host_mutex_);
        ctx_.plugins().require_folder();
        std::vector<sdk::manifest> manifests;
        for (auto& plugin : ctx_.plugins().discover())
            if (plugin.manifest.value)
                manifests.push_back(std::move(*plugin.manifest.value));
        std::sort(manifests.begin(), manifests.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
        json::array tiles;
        for (const auto& m : manifests)
            tiles.push_back(connector_tile(ctx_, m));
        return json_answer(200, json::object{{"tenant", ctx_.acting_user().tenant}, {"connectors", std::move(tiles)}});
    }

    if (s.size() == 3 && s[0] == "connectors") {
        const std::string& id = s[1];
        const std::string& operation = s[2];
        if (operation == "licence") {
            only("POST");
            const json::object body = parse_body(call.body);
            const auto action = parse_action(text_member(body, "action", true));
            if (!action)
                throw api_error(400, "bad_request", "\"action\" must be start_trial, subscribe, renew or cancel",
                                "action");
            const std::string plan = text_member(body, "plan", *action == licence_action::subscribe);
            lock_guard lock(host_mutex_);
            const sdk::manifest m = require_manifest(ctx_, id);
            if (!ctx_.acting_user().is_admin())
                throw api_error(403, "license", sdk::unlicensed_sentence(m.name));
            if (*action == licence_action::subscribe &&
                std::none_of(m.plans.begin(), m.plans.end(), [&](const auto& p) { return p.id == plan; }))
                throw api_error(400, "bad_request", "\"plan\" must be one of the plans " + m.name + " offers", "plan");
            licence_outcome outcome = [&] {
                try {
                    return perform_licence_action(ctx_, m, *action, plan);
                } catch (const database_error&) {
                    throw;
                } catch (const host_error& e) {
                    throw api_error(409, "license", e.what());
                }
            }();
            ctx_.log().write(sdk::log_level::info, "host",
                             "console: " + std::string(to_string(*action)) + " " + m.id + " by " +
                                 ctx_.acting_user().name + ": licence " + outcome.issued.claims.license_id);
            return json_answer(200, json::object{{"action", text_member(body, "action", true)},
                                                 {"headline", outcome.headline},
                                                 {"connector", connector_tile(ctx_, m)}});
        }
        if (operation == "properties") {
            only("GET");
            std::shared_ptr<const loaded_plugin> plugin;
            {
                lock_guard lock(host_mutex_);
                (void)require_manifest(ctx_, id);
                plugin = ctx_.plugin(id);
            }
            const sdk::connector_info info = plugin->connector().info();
            json::array properties;
            for (const auto& p : plugin->connector().describe_properties())
                properties.push_back(property_json(p));
            return json_answer(
                200, json::object{{"connector", {{"id", info.id}, {"name", info.name}, {"version", info.version}}},
                                  {"properties", std::move(properties)}});
        }
        if (operation == "validate" || operation == "test" || operation == "sign-in") {
            only("POST");
            const json::object body = parse_body(call.body);
            const std::string connection = text_member(body, "connection", false);
            std::unique_ptr<connector_session> session;
            {
                lock_guard lock(host_mutex_);
                session = open_session(
                    ctx_, id, connection.empty() ? std::nullopt : std::optional<std::string>(connection), body);
            }
            if (operation == "validate") {
                const sdk::validation_result result = session->connector().validate(session->values());
                return json_answer(
                    200,
                    json::object{{"valid", result.ok()},
                                 {"errors", field_errors_json(result.errors, property_labels(session->properties()))}});
            }
            if (operation == "test") {
                const auto started = std::chrono::steady_clock::now();
                const sdk::test_result result = session->connector().test(session->values());
                const auto elapsed = std::chrono::steady_clock::now() - started;
                ctx_.log().write(sdk::log_level::info, "host", "console: TEST " + id + ": " + result.headline());
                return json_answer(200, test_json(result, session->properties(), elapsed));
            }
            auto* sign_in = sdk::find_extension<sdk::web_sign_in>(session->connector());
            if (sign_in == nullptr)
                throw api_error(
                    501, "unsupported",
                    "the connector " + id + " offers no sign-in through a web console (it does not implement " +
                        std::string(sdk::web_sign_in::id) + "): sign in with `sample_host oauth authorize " + id +
                        " ...` on the command line, then TEST here");
            const sdk::web_sign_in_start start = sign_in->begin(session->values(), origin_ + "/oauth/callback");
            if (!start.ok())
                throw api_error(422, std::string(sdk::to_string(start.category)), start.message);
            sign_in_flow flow;
            flow.flow_id = start.flow_id;
            flow.session_id = call.session->id;
            {
                lock_guard lock(host_mutex_);
                flow.plugin = ctx_.plugin(id);
            }
            flow.form = session->values();
            flows_.add(std::move(flow));
            ctx_.log().write(sdk::log_level::info, "host", "console: sign-in to " + id + " begun");
            return json_answer(
                200, json::object{{"authorization_url", start.authorization_url}, {"flow_id", start.flow_id}});
        }
    }

    if (s.size() == 2 && s[0] == "sign-in") {
        only("GET");
        const auto outcome = flows_.outcome(s[1], call.session->id);
        if (!outcome)
            throw api_error(404, "not_found",
                            "no sign-in with this id for this session (it may have ended more than 15 minutes ago): "
                            "start it again");
        return json_answer(200, json::object{{"state", to_string(outcome->state)},
                                             {"category", sdk::to_string(outcome->category)},
                                             {"message", outcome->message}});
    }

    if (s.size() == 1 && s[0] == "connections") {
        if (method == "GET") {
            lock_guard lock(host_mutex_);
            const user_account& user = ctx_.acting_user();
            json::array list;
            for (const auto& c : ctx_.connections().list(user.tenant))
                list.push_back(connection_summary_json(c));
            return json_answer(200, json::object{{"tenant", user.tenant}, {"connections", std::move(list)}});
        }
        only("POST");
        const json::object body = parse_body(call.body);
        const std::string connector_id = text_member(body, "connector", true);
        const bool run_test = flag_member(body, "test", true);
        const bool replace = flag_member(body, "replace", false);
        std::unique_ptr<connector_session> session;
        {
            lock_guard lock(host_mutex_);
            session = open_session(ctx_, connector_id, std::nullopt, body);
            // A taken name is refused before the connector spends a TEST on it.
            if (!replace)
                if (const auto* name = session->values().get_if<std::string>(sdk::connection_name_key)) {
                    std::optional<std::string> normalised;
                    try {
                        normalised = normalise_connection_name(*name);
                    } catch (const host_error&) {
                        // the connector reports an unusable name, with its label
                    }
                    if (normalised && ctx_.connections().exists(ctx_.acting_user().tenant, *normalised))
                        throw api_error(409, "conflict",
                                        "a connection named '" + *normalised +
                                            "' already exists: choose another Connection Name, or edit that one",
                                        std::string(sdk::connection_name_key));
                }
        }
        return create_connection(
            *session, connector_id, run_test,
            replace ? connection_store::on_duplicate::replace : connection_store::on_duplicate::refuse, 201);
    }

    if (s.size() >= 2 && s[0] == "connections") {
        const std::string& name = s[1];
        if (s.size() == 2 && method == "GET") {
            lock_guard lock(host_mutex_);
            const connection_details details = require_connection(ctx_, name);
            json::object form;
            json::array fields;
            for (const auto& f : details.fields) {
                json::object entry{{"key", f.key}, {"kind", to_string(f.kind)}, {"secret", f.secret}, {"stored", true}};
                if (f.kind == field_kind::file) {
                    entry["file_name"] = f.file_name;
                    entry["size"] = f.size;
                }
                if (f.secret)
                    form[f.key] = f.kind == field_kind::text ? json::value("") : json::value(nullptr);
                else if (f.value)
                    form[f.key] = form_value_json(*f.value);
                fields.push_back(std::move(entry));
            }
            return json_answer(200, json::object{{"connection", connection_summary_json(details.summary)},
                                                 {"form", std::move(form)},
                                                 {"fields", std::move(fields)}});
        }
        if (s.size() == 2 && method == "DELETE") {
            lock_guard lock(host_mutex_);
            const user_account& user = ctx_.acting_user();
            const std::string saved_name = require_connection(ctx_, name).summary.name;
            if (!ctx_.connections().remove(user.tenant, saved_name))
                throw api_error(404, "not_found", "no connection named '" + name + "': nothing was deleted");
            ctx_.log().write(sdk::log_level::info, "host",
                             "console: deleted connection '" + saved_name + "' from tenant " + user.tenant);
            return json_answer(200, json::object{{"deleted", true}, {"name", saved_name}});
        }
        if (s.size() == 2) {
            if (method != "PUT")
                throw api_error(405, "method_not_allowed",
                                method + " is not allowed on " + joined_path(s) + ": use GET, PUT or DELETE");
            const json::object body = parse_body(call.body);
            const bool run_test = flag_member(body, "test", true);
            std::unique_ptr<connector_session> session;
            std::string connector_id;
            {
                lock_guard lock(host_mutex_);
                const connection_details details = require_connection(ctx_, name);
                connector_id = details.summary.connector_id;
                session = open_session(ctx_, connector_id, details.summary.name, body);
                const auto* typed = session->values().get_if<std::string>(sdk::connection_name_key);
                std::optional<std::string> normalised;
                try {
                    if (typed != nullptr)
                        normalised = normalise_connection_name(*typed);
                } catch (const host_error&) {
                }
                if (normalised && !iequals(*normalised, details.summary.name))
                    throw api_error(400, "bad_request",
                                    "the Connection Name cannot change here: create a connection under the new "
                                    "name, then delete '" +
                                        details.summary.name + "'",
                                    std::string(sdk::connection_name_key));
            }
            return create_connection(*session, connector_id, run_test, connection_store::on_duplicate::replace, 200);
        }
        if (s.size() == 3 && s[2] == "test") {
            only("POST");
            std::unique_ptr<connector_session> session;
            std::string connector_id;
            {
                lock_guard lock(host_mutex_);
                session = open_saved(ctx_, name);
                connector_id = session->plugin().id();
            }
            const auto started = std::chrono::steady_clock::now();
            const sdk::test_result result = session->connector().test(session->values());
            const auto elapsed = std::chrono::steady_clock::now() - started;
            ctx_.log().write(sdk::log_level::info, "host",
                             "console: TEST of connection '" + *session->saved_connection() +
                                 "': " + result.headline());
            return json_answer(200, test_json(result, session->properties(), elapsed));
        }
        if ((s.size() == 3 && s[2] == "entities") || (s.size() == 5 && s[2] == "entities" && s[4] == "preview")) {
            only("GET");
            std::unique_ptr<connector_session> session;
            {
                lock_guard lock(host_mutex_);
                session = open_saved(ctx_, name);
            }
            auto* data = sdk::find_extension<sdk::data_access>(session->connector());
            if (data == nullptr)
                throw api_error(501, "unsupported",
                                "the connector " + session->plugin().id() +
                                    " offers no data access (it does not implement " +
                                    std::string(sdk::data_access::id) + ")");
            if (s.size() == 3) {
                const sdk::entity_list_result list = data->list_entities(session->values());
                if (!list.ok())
                    throw api_error(422, std::string(sdk::to_string(list.category)), list.message);
                json::array entities;
                for (const auto& e : list.entities) {
                    json::array key;
                    for (const auto& k : e.primary_key)
                        key.emplace_back(k);
                    json::array tiers;
                    for (const auto& t : e.tiers)
                        tiers.emplace_back(t);
                    entities.push_back(json::object{{"name", e.name},
                                                    {"title", e.title},
                                                    {"primary_key", std::move(key)},
                                                    {"cursor_field", e.cursor_field},
                                                    {"incremental", e.incremental},
                                                    {"deletions", e.deletions},
                                                    {"per_business", e.per_business},
                                                    {"tiers", std::move(tiers)}});
                }
                return json_answer(
                    200, json::object{{"connection", *session->saved_connection()}, {"entities", std::move(entities)}});
            }
            int limit = 10;
            if (const auto found = call.query.find("limit"); found != call.query.end()) {
                const std::string& text = found->second;
                const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
                if (ec != std::errc() || end != text.data() + text.size() || limit < 1 || limit > 50)
                    throw api_error(400, "bad_request", "limit must be a whole number from 1 to 50", "limit");
            }
            sdk::read_request request;
            request.entity = s[3];
            request.limit = static_cast<std::uint64_t>(limit);
            request.page_size = limit;
            request.concurrency = 1;
            preview_sink sink;
            const sdk::read_result result = data->read(session->values(), request, sink);
            if (result.category != sdk::error_category::none)
                throw api_error(422, std::string(sdk::to_string(result.category)), result.message);
            return json_answer(200, json::object{{"entity", s[3]},
                                                 {"records", sink.take()},
                                                 {"complete", result.complete},
                                                 {"message", result.message}});
        }
    }
    throw api_error(404, "not_found", "there is no " + joined_path(s) + " in the console's API (see docs/console.md)");
}

http_response console_api::create_connection(const connector_session& session, const std::string& connector_id,
                                             bool run_test, connection_store::on_duplicate duplicate, unsigned status)
{
    sdk::create_options options;
    options.run_test = run_test;
    sdk::create_result result = session.connector().create(session.values(), options);
    const property_labels labels(session.properties());
    ctx_.log().write(sdk::log_level::info, "host",
                     "console: CREATE " + connector_id + ": " +
                         (result.created ? std::string("created") : "refused: " + result.message));
    json::value test = result.test ? json::value(test_result_json(*result.test, labels)) : json::value(nullptr);
    if (!result.created) {
        json::object refusal = error_document(
            sdk::to_string(result.category), result.message.empty() ? "the connector gave no reason" : result.message,
            result.field_errors.empty() ? std::string_view() : result.field_errors.front().key);
        refusal["field_errors"] = field_errors_json(result.field_errors, labels);
        refusal["test"] = std::move(test);
        return json_answer(422, refusal);
    }
    lock_guard lock(host_mutex_);
    const connection_summary saved = [&] {
        try {
            return save_created_record(ctx_, session, connector_id, std::move(result.record), duplicate);
        } catch (const database_error&) {
            throw;
        } catch (const secret_error&) {
            throw;
        } catch (const host_error& e) {
            throw api_error(409, "conflict", e.what(), std::string(sdk::connection_name_key));
        }
    }();
    return json_answer(status, json::object{{"connection", connection_summary_json(saved)}, {"test", std::move(test)}});
}

http_response console_api::oauth_callback(std::string_view target, std::string_view state)
{
    if (state.empty())
        return html_page(400, "Sign-in not recognised",
                         "This address ends a sign-in begun in the console, and this request names none (no state). "
                         "Start the sign-in again from the console.");
    auto flow = flows_.begin_completion(state);
    if (!flow)
        return html_page(400, "Sign-in not recognised",
                         "This sign-in is unknown, already completed, or expired (after 15 minutes). Start it again "
                         "from the console.");
    sdk::connector& connector = flow->plugin->connector();
    const std::string connector_name = connector.info().name;
    auto* sign_in = sdk::find_extension<sdk::web_sign_in>(connector);
    sdk::oauth_operation_result result;
    if (sign_in == nullptr) {
        result.category = sdk::error_category::internal;
        result.message = "the connector no longer offers web sign-in";
    } else {
        result = sign_in->complete(flow->form, flow->flow_id, origin_ + std::string(target));
    }
    flows_.finish(flow->flow_id, result.ok, result.ok ? sdk::error_category::none : result.category, result.message);
    ctx_.log().write(sdk::log_level::info, "host",
                     "console: sign-in to " + connector_name +
                         (result.ok ? " completed" : " failed: " + result.message));
    if (result.ok)
        return html_page(200, "Signed in", "Signed in to " + connector_name + ". You can close this window.");
    return html_page(200, "Sign-in failed",
                     "Sign-in failed: " + ctx_.redactor().redact(result.message.empty() ? "the connector gave no reason"
                                                                                        : result.message));
}

} // namespace sample_host
