#include "oauth/token_set.hpp"

#include "transport/header_text.hpp"
#include <connector_support/ascii_text.hpp>

#include <boost/json.hpp>

namespace sage {
namespace {

namespace json = boost::json;
using connector_sdk::error_category;
using connector_support::fail;
using std::chrono::sys_seconds;

constexpr std::size_t max_token_size = 8192;

std::optional<json::object> parse_object(std::string_view text)
{
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 8;
    json::value value = json::parse(text, ec, {}, options);
    if (ec || !value.is_object())
        return std::nullopt;
    return std::move(value.get_object());
}

const json::string* string_member(const json::object& o, std::string_view key)
{
    const json::value* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? &v->get_string() : nullptr;
}

std::optional<std::int64_t> integer_member(const json::object& o, std::string_view key)
{
    const json::value* v = o.if_contains(key);
    if (v == nullptr)
        return std::nullopt;
    if (v->is_int64())
        return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v->get_uint64());
    return std::nullopt;
}

// Instants a token set may hold, in epoch seconds: 1970 to the end of 9999. Anything outside would
// overflow the nanosecond clock the connector compares them with.
constexpr std::int64_t latest_instant = 253'402'300'799;
std::optional<std::int64_t> instant_member(const json::object& o, std::string_view key)
{
    const auto value = integer_member(o, key);
    if (!value || *value < 0 || *value > latest_instant)
        return std::nullopt;
    return value;
}

// A lifetime Sage may give, in seconds: positive and at most ten years.
constexpr std::int64_t longest_lifetime = 86'400LL * 3660;

bool plausible_token(const json::string* s)
{
    return s != nullptr && !s->empty() && s->size() <= max_token_size;
}

} // namespace

std::string to_json(const token_set& set)
{
    json::object o;
    o["format"] = token_set_format;
    o["client_id"] = set.client_id;
    o["access_token"] = set.access_token;
    o["refresh_token"] = set.refresh_token;
    o["expires_at"] = set.expires_at.time_since_epoch().count();
    o["obtained_at"] = set.obtained_at.time_since_epoch().count();
    if (set.refresh_expires_at)
        o["refresh_token_expires_at"] = set.refresh_expires_at->time_since_epoch().count();
    o["scope"] = set.scope;
    o["requested_by_id"] = set.requested_by_id;
    return json::serialize(o) + "\n";
}

connector_support::result<token_set> token_set_from_json(std::string_view text)
{
    const auto o = parse_object(text);
    if (!o)
        return fail(error_category::config, std::string("it is not a JSON object"));
    const json::string* format = string_member(*o, "format");
    if (format == nullptr || *format != token_set_format)
        return fail(error_category::config, std::string("it is not a token set of this connector (no \"format\": \"") +
                                                std::string(token_set_format) + "\")");
    token_set set;
    const json::string* client = string_member(*o, "client_id");
    const json::string* access = string_member(*o, "access_token");
    const json::string* refresh = string_member(*o, "refresh_token");
    const auto expires = instant_member(*o, "expires_at");
    const auto obtained = instant_member(*o, "obtained_at");
    if (client == nullptr || !plausible_token(access) || !plausible_token(refresh) || !expires || !obtained)
        return fail(error_category::config,
                    std::string("a member is missing or malformed (client_id, access_token, refresh_token, expires_at, "
                                "obtained_at)"));
    // Both tokens travel in headers: a file edited to hold a CR, LF or any character outside RFC 6750's
    // b64token is refused here, on load, never quoted (the bytes may be a secret).
    for (const auto& [name, token] : {std::pair{"access_token", access}, std::pair{"refresh_token", refresh}})
        if (!is_b64token(*token))
            return fail(error_category::config,
                        std::string("its ") + name +
                            " holds characters a bearer token cannot have (RFC 6750 allows letters, digits, "
                            "-._~+/ and a trailing =): the file was altered");
    set.client_id = std::string(*client);
    set.access_token = std::string(*access);
    set.refresh_token = std::string(*refresh);
    set.expires_at = sys_seconds(std::chrono::seconds(*expires));
    set.obtained_at = sys_seconds(std::chrono::seconds(*obtained));
    if (const auto refresh_expires = instant_member(*o, "refresh_token_expires_at"))
        set.refresh_expires_at = sys_seconds(std::chrono::seconds(*refresh_expires));
    if (const json::string* scope = string_member(*o, "scope"))
        set.scope = std::string(*scope);
    if (const json::string* by = string_member(*o, "requested_by_id"))
        set.requested_by_id = std::string(*by);
    return set;
}

connector_support::result<token_set> token_set_from_token_response(std::string_view body, std::string_view client_id,
                                                                   std::chrono::system_clock::time_point now)
{
    const auto o = parse_object(body);
    if (!o)
        return fail(error_category::remote, std::string("the token endpoint's answer is not a JSON object"));
    const json::string* access = string_member(*o, "access_token");
    const json::string* refresh = string_member(*o, "refresh_token");
    const auto expires_in = integer_member(*o, "expires_in");
    if (!plausible_token(access) || !plausible_token(refresh))
        return fail(error_category::remote,
                    std::string("the token endpoint's answer lacks an access or refresh token"));
    if (!expires_in || *expires_in <= 0 || *expires_in > 86400LL * 366)
        return fail(error_category::remote, std::string("the token endpoint's answer lacks a sensible expires_in"));
    if (const json::string* type = string_member(*o, "token_type");
        type != nullptr && !connector_support::iequals(*type, "bearer"))
        return fail(error_category::remote,
                    std::string("the token endpoint issued a token that is not a bearer token"));
    token_set set;
    const auto issued = std::chrono::floor<std::chrono::seconds>(now);
    set.client_id = std::string(client_id);
    set.access_token = std::string(*access);
    set.refresh_token = std::string(*refresh);
    set.obtained_at = issued;
    set.expires_at = issued + std::chrono::seconds(*expires_in);
    if (const auto refresh_in = integer_member(*o, "refresh_token_expires_in");
        refresh_in && *refresh_in > 0 && *refresh_in <= longest_lifetime)
        set.refresh_expires_at = issued + std::chrono::seconds(*refresh_in);
    if (const json::string* scope = string_member(*o, "scope"))
        set.scope = std::string(*scope);
    if (const json::string* by = string_member(*o, "requested_by_id"))
        set.requested_by_id = std::string(*by);
    return set;
}

} // namespace sage
