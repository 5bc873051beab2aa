// The sandbox's behaviour behind its listeners, request by request and without sockets: the OAuth
// endpoints, the v3.1 API, the modes, the faults and the control API.
#define BOOST_TEST_MODULE sandbox_service
#include <boost/test/unit_test.hpp>

#include "pkce.hpp"
#include "sandbox_service.hpp"

#include <sandbox_printing.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <set>

using namespace sage_sandbox;
using namespace std::chrono_literals;

namespace {

const std::string callback = "http://127.0.0.1:3333/callback";
const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

std::string encode(const form_fields& fields)
{
    std::string out;
    for (const auto& [name, value] : fields)
        out += (out.empty() ? "" : "&") + percent_encode(name) + "=" + percent_encode(value);
    return out;
}

http_request get(std::string target, header_map headers = {})
{
    return http_request{"GET", std::move(target), std::move(headers), {}};
}

http_request post_form(std::string target, const form_fields& fields)
{
    return http_request{"POST", std::move(target), header_map{{"Content-Type", "application/x-www-form-urlencoded"}},
                        encode(fields)};
}

http_request post_json(std::string target, std::string body)
{
    return http_request{"POST", std::move(target), header_map{{"Content-Type", "application/json"}}, std::move(body)};
}

boost::json::value json(const http_response& r)
{
    return boost::json::parse(r.body);
}

std::string query_of(const std::string& location, const std::string& name)
{
    const auto q = location.find('?');
    BOOST_REQUIRE(q != std::string::npos);
    return form_value(*parse_form(std::string_view(location).substr(q + 1)), name).value_or("<absent>");
}

// Asserts the Sage error-array shape and returns its only error.
boost::json::object only_error(const http_response& r)
{
    const auto body = json(r);
    BOOST_REQUIRE(body.is_array());
    BOOST_REQUIRE_EQUAL(body.as_array().size(), 1u);
    const auto& error = body.as_array()[0].as_object();
    BOOST_TEST(error.size() == 4u);
    BOOST_TEST(error.at("$severity").as_string() == "error");
    BOOST_TEST(error.contains("$source"));
    return error;
}

service_options options_45()
{
    service_options o;
    o.records = 45;
    o.seed = 7;
    return o;
}

struct fixture {
    sandbox_service service{options_45()};
    oauth_client client{"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb",
                        "s3cret",
                        {callback, "http://localhost:3333"}};

    fixture() { service.register_client(client); }

    form_fields authorize_query(std::optional<std::string> challenge = pkce::s256_challenge(verifier))
    {
        form_fields q{{"filter", "apiv3.1"},     {"client_id", client.client_id},
                      {"response_type", "code"}, {"redirect_uri", callback},
                      {"scope", "full_access"},  {"state", "st-123"},
                      {"country", "gb"},         {"locale", "en-GB"}};
        if (challenge) {
            q.emplace_back("code_challenge", *challenge);
            q.emplace_back("code_challenge_method", "S256");
        }
        return q;
    }

    http_response authorize(const form_fields& query)
    {
        return service.handle(get("/oauth2/auth/central?" + encode(query))).response;
    }

    std::string code()
    {
        const http_response r = authorize(authorize_query());
        BOOST_REQUIRE_EQUAL(r.status, 302u);
        return query_of(r.headers.at("Location"), "code");
    }

    http_response token(form_fields fields, bool with_credentials = true)
    {
        if (with_credentials) {
            fields.emplace_back("client_id", client.client_id);
            fields.emplace_back("client_secret", client.client_secret);
        }
        return service.handle(post_form("/token", fields)).response;
    }

    boost::json::object exchange()
    {
        const http_response r = token({{"grant_type", "authorization_code"},
                                       {"code", code()},
                                       {"redirect_uri", callback},
                                       {"code_verifier", verifier}});
        BOOST_REQUIRE_EQUAL(r.status, 200u);
        return json(r).as_object();
    }

    http_response refresh(const boost::json::value& refresh_token)
    {
        return token({{"grant_type", "refresh_token"}, {"refresh_token", std::string(refresh_token.as_string())}});
    }

    http_response api(const std::string& target, const boost::json::object& tokens, header_map headers = {})
    {
        headers.emplace("Authorization", "Bearer " + std::string(tokens.at("access_token").as_string()));
        return service.handle(get(target, std::move(headers))).response;
    }

    http_response control(http_request request) { return service.handle(request).response; }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(oauth, fixture)

BOOST_AUTO_TEST_CASE(auto_consent_redirects_with_a_region_code_the_state_and_the_country)
{
    const http_response r = authorize(authorize_query());
    BOOST_TEST(r.status == 302u);
    const std::string location = r.headers.at("Location");
    BOOST_TEST(location.rfind(callback + "?code=GB%2F", 0) == 0u);
    BOOST_TEST(query_of(location, "code").rfind("GB/", 0) == 0u);
    BOOST_TEST(query_of(location, "state") == "st-123");
    BOOST_TEST(query_of(location, "country") == "GB");
    BOOST_TEST(r.headers.count("x-request-id") == 1u);
    BOOST_TEST(service.counters()[counter::codes_issued] == 1u);
}

BOOST_AUTO_TEST_CASE(untrusted_client_or_redirect_uri_gets_a_page_never_a_redirect)
{
    auto with = [&](const std::string& name, std::optional<std::string> value) {
        form_fields q;
        for (const auto& f : authorize_query())
            if (f.first != name)
                q.push_back(f);
        if (value)
            q.emplace_back(name, *value);
        return authorize(q);
    };
    for (const http_response& r :
         {with("client_id", std::nullopt), with("client_id", "cccccccc-cccc-4ccc-8ccc-cccccccccccc/x"),
          with("redirect_uri", std::nullopt), with("redirect_uri", callback + "/"),
          with("redirect_uri", "http://127.0.0.1:3333/Callback"), with("redirect_uri", "https://evil.example/cb")}) {
        BOOST_TEST(r.status == 400u);
        BOOST_TEST(r.headers.count("Location") == 0u);
        BOOST_TEST(r.headers.at("Content-Type").find("text/html") == 0u);
    }
    BOOST_TEST(service.counters()[counter::codes_issued] == 0u);
}

BOOST_AUTO_TEST_CASE(consent_error_modes_redirect_with_error_and_state)
{
    for (auto mode : {consent_mode::access_denied, consent_mode::invalid_scope, consent_mode::server_error,
                      consent_mode::temporarily_unavailable}) {
        service.set_consent_mode(mode);
        const http_response r = authorize(authorize_query());
        BOOST_TEST(r.status == 302u);
        const std::string location = r.headers.at("Location");
        BOOST_TEST(query_of(location, "error") == std::string(to_string(mode)));
        BOOST_TEST(query_of(location, "state") == "st-123");
        BOOST_TEST(query_of(location, "code") == "<absent>");
    }
    BOOST_TEST(service.counters()[counter::consent_errors] == 4u);
}

BOOST_AUTO_TEST_CASE(malformed_authorize_requests_are_redirected_with_the_oauth_error)
{
    auto error_for = [&](const std::string& name, const std::string& value) {
        form_fields q;
        for (const auto& f : authorize_query())
            if (f.first != name)
                q.push_back(f);
        if (!value.empty())
            q.emplace_back(name, value);
        return query_of(authorize(q).headers.at("Location"), "error");
    };
    BOOST_TEST(error_for("response_type", "token") == "unsupported_response_type");
    BOOST_TEST(error_for("response_type", "") == "invalid_request");
    BOOST_TEST(error_for("filter", "") == "invalid_request");
    BOOST_TEST(error_for("scope", "everything") == "invalid_scope");
    BOOST_TEST(error_for("code_challenge_method", "plain") == "invalid_request");
    BOOST_TEST(error_for("code_challenge", "short") == "invalid_request");
}

BOOST_AUTO_TEST_CASE(code_exchange_answers_exactly_like_sage)
{
    const http_response r = token({{"grant_type", "authorization_code"},
                                   {"code", code()},
                                   {"redirect_uri", callback},
                                   {"code_verifier", verifier}});
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.headers.at("Cache-Control") == "no-store");
    const auto body = json(r).as_object();
    std::set<std::string> keys;
    for (const auto& [k, v] : body)
        keys.insert(std::string(k));
    BOOST_TEST((keys == std::set<std::string>{"access_token", "scope", "token_type", "expires_in", "refresh_token",
                                              "refresh_token_expires_in", "requested_by_id"}));
    BOOST_TEST(body.at("token_type").as_string() == "bearer");
    BOOST_TEST(body.at("expires_in").as_int64() == 300);
    BOOST_TEST(body.at("refresh_token_expires_in").as_int64() == 2678400);
    BOOST_TEST(body.at("scope").as_string() == "full_access");
    BOOST_TEST(body.at("requested_by_id").as_string() == service.seed().user.at("id").as_string());
    const auto counts = service.counters();
    BOOST_TEST(counts[counter::codes_redeemed] == 1u);
    BOOST_TEST(counts[counter::tokens_issued] == 1u);
}

BOOST_AUTO_TEST_CASE(code_reuse_expiry_redirect_mismatch_and_pkce_failures_are_invalid_grant)
{
    const std::string c = code();
    form_fields good{
        {"grant_type", "authorization_code"}, {"code", c}, {"redirect_uri", callback}, {"code_verifier", verifier}};
    BOOST_TEST(token(good).status == 200u);
    const http_response reused = token(good);
    BOOST_TEST(reused.status == 400u);
    BOOST_TEST(json(reused).at("error").as_string() == "invalid_grant");

    const std::string late = code();
    service.advance_clock(61s);
    BOOST_TEST(json(token({{"grant_type", "authorization_code"},
                           {"code", late},
                           {"redirect_uri", callback},
                           {"code_verifier", verifier}}))
                   .at("error")
                   .as_string() == "invalid_grant");

    BOOST_TEST(json(token({{"grant_type", "authorization_code"},
                           {"code", code()},
                           {"redirect_uri", "http://localhost:3333"},
                           {"code_verifier", verifier}}))
                   .at("error")
                   .as_string() == "invalid_grant");
    BOOST_TEST(json(token({{"grant_type", "authorization_code"},
                           {"code", code()},
                           {"redirect_uri", callback},
                           {"code_verifier", std::string(43, 'x')}}))
                   .at("error")
                   .as_string() == "invalid_grant");
    BOOST_TEST(service.counters()[counter::invalid_grant] == 4u);
}

BOOST_AUTO_TEST_CASE(bad_client_credentials_are_invalid_client_400_or_401)
{
    auto attempt = [&](const std::string& id, const std::string& secret) {
        return token(
            {{"grant_type", "refresh_token"}, {"refresh_token", "x"}, {"client_id", id}, {"client_secret", secret}},
            false);
    };
    const http_response wrong_secret = attempt(client.client_id, "nope");
    BOOST_TEST(wrong_secret.status == 400u);
    BOOST_TEST(json(wrong_secret).at("error").as_string() == "invalid_client");
    BOOST_TEST(json(wrong_secret).as_object().contains("error_description"));
    BOOST_TEST(attempt("unknown/unknown", client.client_secret).status == 400u);
    service.set_invalid_client_status(401);
    const http_response as_401 = attempt(client.client_id, "");
    BOOST_TEST(as_401.status == 401u);
    BOOST_TEST(as_401.headers.count("WWW-Authenticate") == 1u);
    BOOST_TEST(service.counters()[counter::invalid_client] == 3u);
}

BOOST_AUTO_TEST_CASE(token_endpoint_rejects_wrong_shapes)
{
    BOOST_TEST(json(token({{"grant_type", "password"}})).at("error").as_string() == "unsupported_grant_type");
    BOOST_TEST(json(token({})).at("error").as_string() == "invalid_request");
    BOOST_TEST(json(token({{"grant_type", "refresh_token"}})).at("error").as_string() == "invalid_request");
    BOOST_TEST(service.handle(get("/token")).response.status == 405u);
    const http_response as_json = service.handle(post_json("/token", R"({"grant_type":"refresh_token"})")).response;
    BOOST_TEST(as_json.status == 400u);
    BOOST_TEST(json(as_json).at("error").as_string() == "invalid_request");
    BOOST_TEST(
        json(token({{"grant_type", "refresh_token"}, {"grant_type", "refresh_token"}})).at("error").as_string() ==
        "invalid_request");
}

BOOST_AUTO_TEST_CASE(refresh_rotation_over_the_token_endpoint)
{
    const auto first = exchange();
    const http_response second = refresh(first.at("refresh_token"));
    BOOST_REQUIRE_EQUAL(second.status, 200u);
    const auto second_body = json(second).as_object();
    BOOST_TEST(second_body.at("refresh_token") != first.at("refresh_token"));
    const http_response reuse = refresh(first.at("refresh_token"));
    BOOST_TEST(reuse.status == 400u);
    BOOST_TEST(json(reuse).at("error").as_string() == "invalid_grant");
    BOOST_TEST(refresh(second_body.at("refresh_token")).status == 200u);
    const auto counts = service.counters();
    BOOST_TEST(counts[counter::refreshes] == 2u);
    BOOST_TEST(counts[counter::invalid_grant] == 1u);
    BOOST_TEST(counts[counter::tokens_issued] == 3u);
}

BOOST_AUTO_TEST_CASE(revoke_answers_success_ok_and_the_family_stops_working)
{
    const auto tokens = exchange();
    const http_response r =
        service
            .handle(post_form("/revoke", {{"client_id", client.client_id},
                                          {"client_secret", client.client_secret},
                                          {"token", std::string(tokens.at("refresh_token").as_string())}}))
            .response;
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(boost::json::serialize(json(r)) == R"({"success":"ok"})");
    BOOST_TEST(json(refresh(tokens.at("refresh_token"))).at("error").as_string() == "invalid_grant");
    BOOST_TEST(api("/v3.1/user", tokens).status == 401u);
    BOOST_TEST(service.counters()[counter::revocations] == 1u);
    const http_response bad =
        service
            .handle(post_form("/revoke", {{"client_id", client.client_id}, {"client_secret", "wrong"}, {"token", "x"}}))
            .response;
    BOOST_TEST(json(bad).at("error").as_string() == "invalid_client");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(api, fixture)

BOOST_AUTO_TEST_CASE(user_has_sages_fields)
{
    const http_response r = api("/v3.1/user", exchange());
    BOOST_TEST(r.status == 200u);
    const auto user = json(r).as_object();
    for (const char* field :
         {"id", "displayed_as", "first_name", "last_name", "initials", "email", "locale", "created_at", "updated_at"})
        BOOST_TEST(user.contains(field), field);
    BOOST_TEST(r.headers.count("X-Business") == 0u);
    BOOST_TEST(r.headers.count("x-request-id") == 1u);
}

BOOST_AUTO_TEST_CASE(bearer_problems_are_401_error_arrays)
{
    const auto tokens = exchange();
    const http_response missing = service.handle(get("/v3.1/user")).response;
    BOOST_TEST(missing.status == 401u);
    BOOST_TEST(only_error(missing).at("$dataCode").as_string() == "AuthenticationFailed");
    const http_response basic = service.handle(get("/v3.1/user", {{"Authorization", "Basic abc"}})).response;
    BOOST_TEST(basic.status == 401u);
    const http_response unknown = service.handle(get("/v3.1/user", {{"Authorization", "Bearer nope"}})).response;
    BOOST_TEST(unknown.status == 401u);
    BOOST_TEST(api("/v3.1/user", tokens).status == 200u);
    service.advance_clock(300s);
    const http_response expired = api("/v3.1/user", tokens);
    BOOST_TEST(expired.status == 401u);
    BOOST_TEST(only_error(expired).at("$message").as_string().find("expired") != std::string::npos);
    BOOST_TEST(service.counters()[counter::tokens_rejected] == 4u);
    // lower-case scheme is accepted (RFC 6750 schemes are case-insensitive)
    const auto fresh = exchange();
    BOOST_TEST(service
                   .handle(get("/v3.1/user",
                               {{"authorization", "bearer " + std::string(fresh.at("access_token").as_string())}}))
                   .response.status == 200u);
}

BOOST_AUTO_TEST_CASE(subscription_ended_is_401_authorization_failure)
{
    const auto tokens = exchange();
    service.set_subscription_ended(true);
    for (const char* target : {"/v3.1/user", "/v3.1/businesses", "/v3.1/contacts"}) {
        const http_response r = api(target, tokens);
        BOOST_TEST(r.status == 401u);
        const auto error = only_error(r);
        BOOST_TEST(error.at("$dataCode").as_string() == "AuthorizationFailure");
        BOOST_TEST(error.at("$message").as_string() == "No active subscription. (MSE)");
    }
    // Not a token problem: the token is still good.
    BOOST_TEST(service.inspect_token(tokens.at("access_token").as_string()).status == token_status::active);
    service.set_subscription_ended(false);
    BOOST_TEST(api("/v3.1/user", tokens).status == 200u);
}

BOOST_AUTO_TEST_CASE(forbidden_mode_is_403_multi_user_access_denied_on_chosen_endpoints)
{
    const auto tokens = exchange();
    service.set_forbidden({"contacts"});
    const http_response r = api("/v3.1/contacts", tokens);
    BOOST_TEST(r.status == 403u);
    const auto error = only_error(r);
    BOOST_TEST(error.at("$dataCode").as_string() == "MultiUserAccessDenied");
    BOOST_TEST(error.at("$message").as_string().find("Contacts") != std::string::npos);
    BOOST_TEST(api("/v3.1/user", tokens).status == 200u);
    service.set_forbidden({"*"});
    BOOST_TEST(api("/v3.1/user", tokens).status == 403u);
}

BOOST_AUTO_TEST_CASE(businesses_use_the_underscore_envelope_and_lead_is_the_first)
{
    const auto tokens = exchange();
    const http_response list = api("/v3.1/businesses", tokens);
    BOOST_TEST(list.status == 200u);
    BOOST_TEST(list.headers.count("X-Business") == 0u);
    const auto body = json(list).as_object();
    BOOST_TEST(body.at("$items_per_page").as_int64() == 20);
    BOOST_TEST(body.at("$total").as_int64() == 2);
    const auto& first = body.at("$items").as_array()[0].as_object();
    BOOST_TEST(first.size() == 3u);
    const std::string lead_id(first.at("id").as_string());
    BOOST_TEST(lead_id.size() == 32u);
    const http_response lead = api("/v3.1/businesses/lead", tokens);
    BOOST_TEST(lead.status == 200u);
    BOOST_TEST(json(lead).at("id").as_string() == lead_id);
    BOOST_TEST(json(lead).at("subscriptions").as_array()[0].at("active").as_bool());
    BOOST_TEST(api("/v3.1/businesses/" + lead_id, tokens).status == 200u);
    BOOST_TEST(api("/v3.1/businesses/00000000000000000000000000000000", tokens).status == 404u);
}

BOOST_AUTO_TEST_CASE(x_business_selects_and_is_echoed)
{
    const auto tokens = exchange();
    const std::string lead = service.seed().lead_business_id;
    const std::string other(service.seed().businesses.at(1).at("id").as_string());

    const http_response by_default = api("/v3.1/contacts", tokens);
    BOOST_TEST(by_default.headers.at("X-Business") == lead);
    BOOST_TEST(json(by_default).at("$total").as_int64() == 45);

    const http_response chosen = api("/v3.1/contacts", tokens, {{"X-Business", other}});
    BOOST_TEST(chosen.headers.at("X-Business") == other);
    BOOST_TEST(json(chosen).at("$total").as_int64() == 3);

    const http_response unknown = api("/v3.1/contacts", tokens, {{"X-Business", "ffffffffffffffffffffffffffffffff"}});
    BOOST_TEST(unknown.status == 404u);
    BOOST_TEST(only_error(unknown).at("$source").as_string() == "X-Business");

    const http_response user = api("/v3.1/user", tokens, {{"X-Business", other}});
    BOOST_TEST(user.headers.count("X-Business") == 0u);
}

BOOST_AUTO_TEST_CASE(contacts_page_and_single_records)
{
    const auto tokens = exchange();
    const auto last = json(api("/v3.1/contacts?page=7&items_per_page=10&attributes=all", tokens)).as_object();
    BOOST_TEST(last.at("$page").as_int64() == 5);
    BOOST_TEST(last.at("$next").is_null());
    BOOST_TEST(last.at("$back").as_string() == "/contacts?page=4&items_per_page=10&attributes=all");
    const auto& record = last.at("$items").as_array()[0].as_object();
    BOOST_TEST(record.contains("contact_types"));
    BOOST_TEST(record.contains("main_address"));
    const std::string id(record.at("id").as_string());
    const http_response one = api("/v3.1/contacts/" + id, tokens);
    BOOST_TEST(one.status == 200u);
    BOOST_TEST(json(one).at("$path").as_string() == "/contacts/" + id);
    BOOST_TEST(api("/v3.1/contacts/nope", tokens).status == 404u);

    const http_response too_many = api("/v3.1/contacts?items_per_page=201", tokens);
    BOOST_TEST(too_many.status == 400u);
    BOOST_TEST(only_error(too_many).at("$source").as_string() == "items_per_page");
}

BOOST_AUTO_TEST_CASE(unknown_routes_and_methods)
{
    const auto tokens = exchange();
    BOOST_TEST(api("/v3.1/sales_quotes", tokens).status == 404u);
    BOOST_TEST(service.handle(get("/nothing/here")).response.status == 404u);
    http_request post =
        get("/v3.1/user", {{"Authorization", "Bearer " + std::string(tokens.at("access_token").as_string())}});
    post.method = "POST";
    BOOST_TEST(service.handle(post).response.status == 405u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(faults, fixture)

BOOST_AUTO_TEST_CASE(rate_limits_with_and_without_retry_after)
{
    fault_spec f;
    f.endpoint = "user";
    f.kind = fault_kind::rate_limited;
    f.count = 1;
    f.retry_after_seconds = 3;
    service.arm_fault(f);
    f.retry_after_seconds.reset();
    service.arm_fault(f);
    const http_response first = service.handle(get("/v3.1/user")).response;
    BOOST_TEST(first.status == 429u);
    BOOST_TEST(first.headers.at("Retry-After") == "3");
    const http_response second = service.handle(get("/v3.1/user")).response;
    BOOST_TEST(second.status == 429u);
    BOOST_TEST(second.headers.count("Retry-After") == 0u);
    BOOST_TEST(service.handle(get("/v3.1/user")).response.status == 401u); // back to normal: no token
    const auto counts = service.counters();
    BOOST_TEST(counts[counter::faults_injected] == 2u);
    BOOST_TEST(counts.requests_to("user") == 3u);
}

BOOST_AUTO_TEST_CASE(server_errors_carry_unexpected_error)
{
    fault_spec f;
    f.kind = fault_kind::server_error;
    f.count = 1;
    service.arm_fault(f);
    const http_response r = service.handle(get("/v3.1/contacts")).response;
    BOOST_TEST(r.status == 500u);
    BOOST_TEST(only_error(r).at("$dataCode").as_string() == "UnexpectedError");
}

BOOST_AUTO_TEST_CASE(lost_responses_are_processed_but_dropped_ones_are_not)
{
    const auto tokens = exchange();
    fault_spec f;
    f.endpoint = "token";
    f.kind = fault_kind::close_mid_response;
    f.count = 1;
    service.arm_fault(f);
    const reply cut =
        service.handle(post_form("/token", {{"grant_type", "refresh_token"},
                                            {"refresh_token", std::string(tokens.at("refresh_token").as_string())},
                                            {"client_id", client.client_id},
                                            {"client_secret", client.client_secret}}));
    BOOST_TEST((cut.how == delivery::close_mid_response));
    BOOST_TEST(service.counters()[counter::refreshes] == 1u); // the rotation happened; the client never saw it
    BOOST_TEST(service.inspect_token(tokens.at("refresh_token").as_string()).status == token_status::superseded);

    f.kind = fault_kind::drop_connection;
    service.arm_fault(f);
    const reply dropped = service.handle(post_form("/token", {{"grant_type", "refresh_token"}}));
    BOOST_TEST((dropped.how == delivery::drop_connection));
}

BOOST_AUTO_TEST_CASE(delay_malformed_and_oversize)
{
    fault_spec f;
    f.endpoint = "businesses";
    f.count = 1;
    f.kind = fault_kind::delay;
    f.delay = 1500ms;
    service.arm_fault(f);
    const reply slow = service.handle(get("/v3.1/businesses"));
    BOOST_TEST(slow.delay.count() == 1500);
    BOOST_TEST(slow.response.status == 401u);

    f.kind = fault_kind::malformed_json;
    service.arm_fault(f);
    const reply bad = service.handle(get("/v3.1/businesses"));
    BOOST_TEST(bad.response.status == 200u);
    boost::system::error_code ec;
    boost::json::parse(bad.response.body, ec);
    BOOST_TEST(ec.failed());

    f.kind = fault_kind::oversize_body;
    service.arm_fault(f);
    const reply big = service.handle(get("/v3.1/businesses"));
    BOOST_TEST((big.how == delivery::oversize_body));
    BOOST_TEST(big.oversize_bytes == 64u * 1024 * 1024);
}

BOOST_AUTO_TEST_CASE(faults_never_touch_the_control_api)
{
    fault_spec f;
    f.kind = fault_kind::server_error;
    service.arm_fault(f);
    BOOST_TEST(control(get("/_sandbox/counters")).status == 200u);
    BOOST_TEST(service.handle(get("/v3.1/user")).response.status == 500u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(control_api, fixture)

BOOST_AUTO_TEST_CASE(faults_are_armed_listed_and_cleared_over_http)
{
    const http_response armed =
        control(post_json("/_sandbox/faults", R"({"endpoint":"token","kind":"rate_limited","retry_after":9})"));
    BOOST_TEST(armed.status == 200u);
    const auto id = json(armed).at("id").as_int64();
    const auto list = json(control(get("/_sandbox/faults"))).as_array();
    BOOST_TEST(list.size() == 1u);
    BOOST_TEST(list[0].at("id").as_int64() == id);
    BOOST_TEST(list[0].at("retry_after").as_int64() == 9);
    BOOST_TEST(service.handle(post_form("/token", {})).response.headers.at("Retry-After") == "9");
    BOOST_TEST(control(http_request{"DELETE", "/_sandbox/faults/" + std::to_string(id), {}, {}}).status == 200u);
    BOOST_TEST(json(control(get("/_sandbox/faults"))).as_array().empty());
    BOOST_TEST(control(post_json("/_sandbox/faults", R"({"kind":"nope"})")).status == 400u);
    BOOST_TEST(control(post_json("/_sandbox/faults", "not json")).status == 400u);
    control(post_json("/_sandbox/faults", R"({"endpoint":"user","kind":"server_error"})"));
    control(post_json("/_sandbox/faults/clear", R"({"endpoint":"user"})"));
    BOOST_TEST(service.faults().empty());
}

BOOST_AUTO_TEST_CASE(modes_lifetimes_and_clock_over_http)
{
    const auto modes = json(control(post_json(
        "/_sandbox/modes",
        R"({"consent":"access_denied","subscription_ended":true,"forbidden":["contacts"],"invalid_client_status":401,"revoke_family_on_reuse":true})")));
    BOOST_TEST(modes.at("consent").as_string() == "access_denied");
    BOOST_TEST(modes.at("subscription_ended").as_bool());
    BOOST_TEST(modes.at("revoke_family_on_reuse").as_bool());
    BOOST_TEST((service.modes().consent == consent_mode::access_denied));
    BOOST_TEST(service.modes().invalid_client_status == 401u);
    BOOST_TEST(control(post_json("/_sandbox/modes", R"({"consent":"maybe"})")).status == 400u);
    BOOST_TEST(control(post_json("/_sandbox/modes", R"({"forbidden":["nowhere"]})")).status == 400u);

    const auto lifetimes = json(control(post_json("/_sandbox/lifetimes", R"({"access_token":5})")));
    BOOST_TEST(lifetimes.at("access_token").as_int64() == 5);
    BOOST_TEST(lifetimes.at("refresh_token").as_int64() == 2678400);
    BOOST_TEST(control(post_json("/_sandbox/lifetimes", R"({"access_token":0})")).status == 400u);

    const auto clock = json(control(post_json("/_sandbox/clock/advance", R"({"seconds":301})")));
    BOOST_TEST(clock.at("offset_seconds").as_int64() == 301);
    BOOST_TEST(service.clock_offset().count() == 301);

    BOOST_TEST(control(post_json("/_sandbox/reset", "")).status == 200u);
    BOOST_TEST((service.modes().consent == consent_mode::auto_consent));
    BOOST_TEST(service.clock_offset().count() == 0);
    BOOST_TEST(service.lifetimes().access_token.count() == 300);
}

BOOST_AUTO_TEST_CASE(clients_tokens_and_counters_over_http)
{
    const auto registered = json(control(
        post_json("/_sandbox/clients", R"({"client_secret":"pw","redirect_uris":["http://127.0.0.1:45678/cb"]})")));
    const std::string id(registered.at("client_id").as_string());
    BOOST_TEST(id.size() == 73u); // uuid/uuid
    BOOST_TEST(
        control(post_json("/_sandbox/clients", R"({"client_secret":"pw","redirect_uris":["not a uri"]})")).status ==
        400u);

    const auto minted = json(control(post_json("/_sandbox/tokens", R"({"client_id":")" + id + R"("})")));
    BOOST_TEST(minted.at("token_type").as_string() == "bearer");
    const std::string refresh_token(minted.at("refresh_token").as_string());
    const auto inspected =
        json(control(post_json("/_sandbox/tokens/inspect", R"({"token":")" + refresh_token + R"("})")));
    BOOST_TEST(inspected.at("kind").as_string() == "refresh_token");
    BOOST_TEST(inspected.at("status").as_string() == "active");
    BOOST_TEST(inspected.at("client_id").as_string() == id);

    const auto counts = json(control(get("/_sandbox/counters"))).as_object();
    BOOST_TEST(counts.at("tokens_minted").as_int64() == 1);
    BOOST_TEST(counts.at("tokens_issued").as_int64() == 0);
    BOOST_TEST(control(post_json("/_sandbox/counters/reset", "")).status == 200u);
    BOOST_TEST(json(control(get("/_sandbox/counters"))).at("tokens_minted").as_int64() == 0);
    BOOST_TEST(control(get("/_sandbox/nothing")).status == 404u);
    BOOST_TEST(control(get("/_sandbox/faults/clear")).status == 404u);
}

BOOST_AUTO_TEST_SUITE_END()
