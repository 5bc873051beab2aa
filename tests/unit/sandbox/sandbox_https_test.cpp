// Black-box tests of the in-process sandbox over real sockets, with curl as an independent client:
// the code flow, rotation, modes, faults, TLS faults, mutual TLS, the CONNECT proxy, concurrency.
#define BOOST_TEST_MODULE sandbox_https
#include <boost/test/unit_test.hpp>

#include "connect_proxy.hpp"
#include "curl_runner.hpp"
#include "pkce.hpp"
#include "process.hpp"
#include "sandbox.hpp"
#include "temp_dir.hpp"
#include "test_pki.hpp"

#include <boost/json/parse.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

using namespace sage_sandbox;
using sage_sandbox::testing::curl_result;
using sage_sandbox::testing::query_parameter;
using sage_sandbox::testing::run_curl;

namespace {

const std::string callback = "http://127.0.0.1:3333/callback";
const std::string verifier = "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag";

sandbox_options options()
{
    sandbox_options o;
    o.contacts = 45;
    o.clients = {oauth_client{"0f8e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b/5b4a3f2e-1d0c-4b9a-8f5e-4d3c2b1a0f8e",
                              "sandbox-test-secret",
                              {callback}}};
    o.proxy = true;
    o.proxy_username = "proxy-user";
    o.proxy_password = "proxy-pass";
    return o;
}

boost::json::value json(const std::string& text)
{
    return boost::json::parse(text);
}

struct fixture {
    sandbox sage{options()};
    const sandbox_info& info = sage.start();
    const oauth_client& client = sage.client();

    curl_result curl(std::vector<std::string> args, int timeout = 60)
    {
        args.insert(args.begin(), {"--cacert", info.ca_file.string()});
        return run_curl(args, timeout);
    }

    curl_result post_form(const std::string& url, const std::vector<std::pair<std::string, std::string>>& fields)
    {
        std::vector<std::string> args;
        for (const auto& [name, value] : fields) {
            args.push_back("--data-urlencode");
            args.push_back(name + "=" + value);
        }
        args.push_back(url);
        return curl(args);
    }

    curl_result token(std::vector<std::pair<std::string, std::string>> fields)
    {
        fields.emplace_back("client_id", client.client_id);
        fields.emplace_back("client_secret", client.client_secret);
        return post_form(info.token_url, fields);
    }

    curl_result get(const std::string& url, const std::string& access_token, std::vector<std::string> extra = {})
    {
        extra.push_back("-H");
        extra.push_back("Authorization: Bearer " + access_token);
        extra.push_back(url);
        return curl(extra);
    }

    curl_result control(const std::string& route, const std::string& body)
    {
        return curl(
            {"-X", "POST", "-H", "Content-Type: application/json", "--data-raw", body, info.control_url + "/" + route});
    }

    // The browser's part: open the authorize URL and stop at the redirect to the callback.
    std::string authorize()
    {
        const std::string url =
            info.authorize_url + "&client_id=" + percent_encode(client.client_id) +
            "&response_type=code&redirect_uri=" + percent_encode(callback) +
            "&scope=full_access&state=s-42&country=gb&locale=en-GB&code_challenge=" + pkce::s256_challenge(verifier) +
            "&code_challenge_method=S256";
        const curl_result r = curl({url});
        BOOST_REQUIRE_EQUAL(r.status, 302u);
        return r.headers.at("Location");
    }

    boost::json::object code_flow()
    {
        const std::string location = authorize();
        const curl_result r = token({{"grant_type", "authorization_code"},
                                     {"code", query_parameter(location, "code")},
                                     {"redirect_uri", callback},
                                     {"code_verifier", verifier}});
        BOOST_REQUIRE_EQUAL(r.status, 200u);
        return json(r.body).as_object();
    }

    std::string access_token() { return std::string(code_flow().at("access_token").as_string()); }

    void arm(const std::string& fault_json) { BOOST_REQUIRE_EQUAL(control("faults", fault_json).status, 200u); }
};

std::string str(const boost::json::value& v)
{
    return std::string(v.as_string());
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(oauth_over_https, fixture)

BOOST_AUTO_TEST_CASE(full_code_flow_following_the_redirect)
{
    const std::string location = authorize();
    BOOST_TEST(location.rfind(callback + "?code=GB%2F", 0) == 0u);
    BOOST_TEST(query_parameter(location, "state") == "s-42");
    BOOST_TEST(query_parameter(location, "country") == "GB");

    const curl_result exchanged = token({{"grant_type", "authorization_code"},
                                         {"code", query_parameter(location, "code")},
                                         {"redirect_uri", callback},
                                         {"code_verifier", verifier}});
    BOOST_REQUIRE_EQUAL(exchanged.status, 200u);
    BOOST_TEST(exchanged.headers.at("Content-Type").find("application/json") == 0u);
    const auto tokens = json(exchanged.body).as_object();
    BOOST_TEST(tokens.at("token_type").as_string() == "bearer");
    BOOST_TEST(tokens.at("expires_in").as_int64() == 300);

    const curl_result user = get(info.api_base_url + "/user", str(tokens.at("access_token")));
    BOOST_TEST(user.status == 200u);
    BOOST_TEST(json(user.body).at("displayed_as").as_string() == "Sam Sandbox");
    BOOST_TEST(user.headers.at("x-request-id").size() == 36u);

    const auto counts = sage.counters();
    BOOST_TEST(counts[counter::codes_issued] == 1u);
    BOOST_TEST(counts[counter::codes_redeemed] == 1u);
    BOOST_TEST(counts.requests_to("user") == 1u);
}

BOOST_AUTO_TEST_CASE(the_same_code_twice_and_a_code_past_60_seconds_are_refused)
{
    const std::string code = query_parameter(authorize(), "code");
    const std::vector<std::pair<std::string, std::string>> fields{
        {"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", callback}, {"code_verifier", verifier}};
    BOOST_TEST(token(fields).status == 200u);
    const curl_result again = token(fields);
    BOOST_TEST(again.status == 400u);
    BOOST_TEST(json(again.body).at("error").as_string() == "invalid_grant");

    const std::string late = query_parameter(authorize(), "code");
    BOOST_TEST(control("clock/advance", R"({"seconds":61})").status == 200u);
    const curl_result expired = token({{"grant_type", "authorization_code"},
                                       {"code", late},
                                       {"redirect_uri", callback},
                                       {"code_verifier", verifier}});
    BOOST_TEST(expired.status == 400u);
    BOOST_TEST(json(expired.body).at("error").as_string() == "invalid_grant");
}

BOOST_AUTO_TEST_CASE(refresh_rotates_and_reuse_is_rejected)
{
    const auto first = code_flow();
    const curl_result second =
        token({{"grant_type", "refresh_token"}, {"refresh_token", str(first.at("refresh_token"))}});
    BOOST_REQUIRE_EQUAL(second.status, 200u);
    const auto rotated = json(second.body).as_object();
    BOOST_TEST(rotated.at("refresh_token") != first.at("refresh_token"));

    const curl_result reuse =
        token({{"grant_type", "refresh_token"}, {"refresh_token", str(first.at("refresh_token"))}});
    BOOST_TEST(reuse.status == 400u);
    BOOST_TEST(json(reuse.body).at("error").as_string() == "invalid_grant");
    BOOST_TEST(json(reuse.body).as_object().contains("error_description"));

    BOOST_TEST(get(info.api_base_url + "/user", str(rotated.at("access_token"))).status == 200u);
    const auto counts = json(curl({info.control_url + "/counters"}).body).as_object();
    BOOST_TEST(counts.at("refreshes").as_int64() == 1);
    BOOST_TEST(counts.at("invalid_grant").as_int64() == 1);
}

BOOST_AUTO_TEST_CASE(bad_client_secret_is_invalid_client)
{
    const curl_result r = post_form(info.token_url, {{"grant_type", "refresh_token"},
                                                     {"refresh_token", "whatever"},
                                                     {"client_id", client.client_id},
                                                     {"client_secret", "wrong"}});
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(json(r.body).at("error").as_string() == "invalid_client");
}

BOOST_AUTO_TEST_CASE(access_token_expires_on_the_advanced_clock_and_revoke_ends_the_family)
{
    const auto tokens = code_flow();
    const std::string access = str(tokens.at("access_token"));
    BOOST_TEST(get(info.api_base_url + "/user", access).status == 200u);
    control("clock/advance", R"({"seconds":300})");
    const curl_result expired = get(info.api_base_url + "/user", access);
    BOOST_TEST(expired.status == 401u);
    BOOST_TEST(json(expired.body).as_array()[0].at("$dataCode").as_string() == "AuthenticationFailed");

    const curl_result refreshed =
        token({{"grant_type", "refresh_token"}, {"refresh_token", str(tokens.at("refresh_token"))}});
    BOOST_REQUIRE_EQUAL(refreshed.status, 200u);
    const auto current = json(refreshed.body).as_object();
    const curl_result revoked = post_form(info.revoke_url, {{"client_id", client.client_id},
                                                            {"client_secret", client.client_secret},
                                                            {"token", str(current.at("refresh_token"))}});
    BOOST_TEST(revoked.status == 200u);
    BOOST_TEST(json(revoked.body).at("success").as_string() == "ok");
    BOOST_TEST(get(info.api_base_url + "/user", str(current.at("access_token"))).status == 401u);
    BOOST_TEST(token({{"grant_type", "refresh_token"}, {"refresh_token", str(current.at("refresh_token"))}}).status ==
               400u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(api_over_https, fixture)

BOOST_AUTO_TEST_CASE(following_next_reads_every_contact_once)
{
    const std::string access = access_token();
    std::string next = "/contacts?items_per_page=20";
    std::set<std::string> ids;
    int pages = 0;
    while (!next.empty()) {
        const curl_result r = get(info.api_base_url + next, access);
        BOOST_REQUIRE_EQUAL(r.status, 200u);
        const auto page = json(r.body).as_object();
        for (const auto& item : page.at("$items").as_array())
            BOOST_TEST(ids.insert(str(item.at("id"))).second);
        next = page.at("$next").is_null() ? "" : str(page.at("$next"));
        BOOST_REQUIRE(++pages < 10);
    }
    BOOST_TEST(pages == 3);
    BOOST_TEST(ids.size() == 45u);
    // Past the end: the last page again, not an empty one.
    const auto past = json(get(info.api_base_url + "/contacts?page=12", access).body).as_object();
    BOOST_TEST(past.at("$page").as_int64() == 3);
    BOOST_TEST(past.at("$items").as_array().size() == 5u);
}

BOOST_AUTO_TEST_CASE(x_business_is_echoed_except_on_user_and_businesses)
{
    const std::string access = access_token();
    const std::string other = str(sage.service().seed().businesses.at(1).at("id"));
    const curl_result contacts = get(info.api_base_url + "/contacts", access, {"-H", "X-Business: " + other});
    BOOST_TEST(contacts.headers.at("X-Business") == other);
    BOOST_TEST(json(contacts.body).at("$total").as_int64() == 3);
    BOOST_TEST(get(info.api_base_url + "/user", access, {"-H", "X-Business: " + other}).headers.count("X-Business") ==
               0u);
    const curl_result businesses = get(info.api_base_url + "/businesses", access);
    BOOST_TEST(businesses.headers.count("X-Business") == 0u);
    BOOST_TEST(json(businesses.body).as_object().contains("$items_per_page"));
    BOOST_TEST(get(info.api_base_url + "/contacts", access, {"-H", "X-Business: 0123"}).status == 404u);
}

BOOST_AUTO_TEST_CASE(subscription_and_role_modes)
{
    const std::string access = access_token();
    BOOST_TEST(control("modes", R"({"subscription_ended":true})").status == 200u);
    const curl_result ended = get(info.api_base_url + "/businesses", access);
    BOOST_TEST(ended.status == 401u);
    const auto error = json(ended.body).as_array()[0].as_object();
    BOOST_TEST(error.at("$dataCode").as_string() == "AuthorizationFailure");
    BOOST_TEST(error.at("$message").as_string() == "No active subscription. (MSE)");

    control("modes", R"({"subscription_ended":false,"forbidden":["contacts"]})");
    const curl_result denied = get(info.api_base_url + "/contacts", access);
    BOOST_TEST(denied.status == 403u);
    BOOST_TEST(json(denied.body).as_array()[0].at("$dataCode").as_string() == "MultiUserAccessDenied");
    BOOST_TEST(get(info.api_base_url + "/user", access).status == 200u);
}

BOOST_AUTO_TEST_CASE(the_plain_listener_serves_the_same_sandbox)
{
    const std::string access = access_token();
    const curl_result r = run_curl({"-H", "Authorization: Bearer " + access, info.plain_url + "/v3.1/user"});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(faults_over_https, fixture)

BOOST_AUTO_TEST_CASE(rate_limited_with_and_without_retry_after)
{
    arm(R"({"endpoint":"token","kind":"rate_limited","count":1,"retry_after":7})");
    arm(R"({"endpoint":"token","kind":"rate_limited","count":1})");
    const curl_result first = token({{"grant_type", "refresh_token"}, {"refresh_token", "x"}});
    BOOST_TEST(first.status == 429u);
    BOOST_TEST(first.headers.at("Retry-After") == "7");
    const curl_result second = token({{"grant_type", "refresh_token"}, {"refresh_token", "x"}});
    BOOST_TEST(second.status == 429u);
    BOOST_TEST(second.headers.count("Retry-After") == 0u);
    BOOST_TEST(token({{"grant_type", "refresh_token"}, {"refresh_token", "x"}}).status == 400u);
}

BOOST_AUTO_TEST_CASE(server_error_is_a_500_unexpected_error)
{
    arm(R"({"endpoint":"user","kind":"server_error","count":1})");
    const curl_result r = get(info.api_base_url + "/user", "any");
    BOOST_TEST(r.status == 500u);
    BOOST_TEST(json(r.body).as_array()[0].at("$dataCode").as_string() == "UnexpectedError");
}

BOOST_AUTO_TEST_CASE(closed_mid_response_is_a_curl_transfer_error)
{
    const std::string access = access_token();
    arm(R"({"endpoint":"contacts","kind":"close_mid_response","count":1})");
    const curl_result r = get(info.api_base_url + "/contacts", access);
    BOOST_TEST(r.status == 200u); // the headers arrived...
    BOOST_TEST((r.exit_code == 18 || r.exit_code == 56), "curl exit " << r.exit_code << ": " << r.error);
    boost::system::error_code ec;
    boost::json::parse(r.body, ec);
    BOOST_TEST(ec.failed()); // ...the body did not
    BOOST_TEST(get(info.api_base_url + "/contacts", access).status == 200u);
}

BOOST_AUTO_TEST_CASE(dropped_connection_is_an_empty_reply)
{
    arm(R"({"endpoint":"user","kind":"drop_connection","count":1})");
    const curl_result r = get(info.api_base_url + "/user", "any");
    BOOST_TEST(r.exit_code == 52, "curl exit " << r.exit_code << ": " << r.error);
    BOOST_TEST(r.status == 0u);
}

BOOST_AUTO_TEST_CASE(a_delay_longer_than_the_client_timeout_times_out)
{
    arm(R"({"endpoint":"user","kind":"delay","delay_ms":3000,"count":1})");
    const auto start = std::chrono::steady_clock::now();
    const curl_result r = get(info.api_base_url + "/user", "any", {"--max-time", "1"});
    BOOST_TEST(r.exit_code == 28, "curl exit " << r.exit_code << ": " << r.error);
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(elapsed < 2900);
    BOOST_TEST(get(info.api_base_url + "/user", "any").status == 401u); // still serving
}

BOOST_AUTO_TEST_CASE(malformed_json_body)
{
    arm(R"({"endpoint":"businesses","kind":"malformed_json","count":1})");
    const curl_result r = get(info.api_base_url + "/businesses", "any");
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.status == 200u);
    boost::system::error_code ec;
    boost::json::parse(r.body, ec);
    BOOST_TEST(ec.failed());
}

BOOST_AUTO_TEST_CASE(oversize_body_is_streamed_in_full_or_refused_by_a_limit)
{
    arm(R"({"endpoint":"contacts","kind":"oversize_body","count":1,"bytes":3000000})");
    const curl_result whole = get(info.api_base_url + "/contacts", "any");
    BOOST_TEST(whole.exit_code == 0);
    BOOST_TEST(whole.headers.at("Content-Length") == "3000000");
    BOOST_TEST(whole.body.size() == 3000000u);
    BOOST_TEST(json(whole.body).as_object().contains("padding"));

    arm(R"({"endpoint":"contacts","kind":"oversize_body","count":1})"); // 64 MiB
    const curl_result limited = get(info.api_base_url + "/contacts", "any", {"--max-filesize", "1048576"});
    BOOST_TEST(limited.exit_code == 63, "curl exit " << limited.exit_code << ": " << limited.error);
}

BOOST_AUTO_TEST_CASE(request_body_limit)
{
    const std::string big(2 * 1024 * 1024, 'a');
    test_support::temp_dir dir("sandbox-body");
    test_support::write_file(dir / "big", "token=" + big);
    const curl_result r = curl({"--data-binary", "@" + (dir / "big").string(), info.token_url});
    BOOST_TEST(r.status == 413u);
}

BOOST_AUTO_TEST_CASE(tls_faults_are_certificate_errors)
{
    const curl_result wrong_host = curl({info.wrong_host_url + "/v3.1/user"});
    BOOST_TEST(wrong_host.exit_code == 60);
    BOOST_TEST(wrong_host.error.find("subject name") != std::string::npos, wrong_host.error);
    const curl_result expired = curl({info.expired_url + "/v3.1/user"});
    BOOST_TEST(expired.exit_code == 60);
    BOOST_TEST(expired.error.find("expired") != std::string::npos, expired.error);
    const curl_result unknown = curl({info.unknown_ca_url + "/v3.1/user"});
    BOOST_TEST(unknown.exit_code == 60);
    BOOST_TEST(unknown.error.find("local issuer") != std::string::npos, unknown.error);
    // The main listener passes the same checks.
    BOOST_TEST(curl({info.base_url + "/v3.1/user"}).exit_code == 0);
    // Without the CA, even the main listener is untrusted.
    BOOST_TEST(run_curl({info.base_url + "/v3.1/user"}).exit_code == 60);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(mutual_tls, fixture)

BOOST_AUTO_TEST_CASE(the_mtls_listener_requires_the_client_identity)
{
    const std::string access = access_token();
    const curl_result without = get(info.mtls_url + "/v3.1/user", access);
    BOOST_TEST(without.exit_code != 0);
    BOOST_TEST(without.status == 0u);

    const curl_result pem = get(info.mtls_url + "/v3.1/user", access,
                                {"--cert", info.client_cert_file.string(), "--key", info.client_key_file.string()});
    BOOST_TEST(pem.exit_code == 0, pem.error);
    BOOST_TEST(pem.status == 200u);

    const curl_result p12 =
        get(info.mtls_url + "/v3.1/user", access,
            {"--cert-type", "P12", "--cert", info.client_p12_file.string() + ":" + info.client_p12_password});
    BOOST_TEST(p12.exit_code == 0, p12.error);
    BOOST_TEST(p12.status == 200u);

    // A certificate from another CA is refused.
    const auto stranger = test_pki::make_certificate(
        test_pki::make_ca("stranger"), {"stranger", {}, {}, std::chrono::hours(-1), std::chrono::hours(24), false});
    test_support::temp_dir dir("sandbox-stranger");
    test_support::write_file(dir / "c.pem", stranger.cert_pem);
    test_support::write_file(dir / "k.pem", stranger.key_pem);
    const curl_result foreign = get(info.mtls_url + "/v3.1/user", access,
                                    {"--cert", (dir / "c.pem").string(), "--key", (dir / "k.pem").string()});
    BOOST_TEST(foreign.exit_code != 0);
}

BOOST_AUTO_TEST_CASE(state_dir_holds_the_ca_and_the_client_identity)
{
    namespace fs = std::filesystem;
    BOOST_TEST(fs::exists(info.ca_file));
    BOOST_TEST(info.ca_file.parent_path() == info.state_dir);
    BOOST_TEST(test_support::read_file(info.ca_file).find("BEGIN CERTIFICATE") != std::string::npos);
    const auto key_perms = fs::status(info.client_key_file).permissions();
    BOOST_TEST(((key_perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none));
    const auto p12_perms = fs::status(info.client_p12_file).permissions();
    BOOST_TEST(((p12_perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none));
    // ca.p12 opens with the advertised password and holds exactly the CA certificate.
    const auto p12 = test_support::run_process({"/usr/bin/openssl", "pkcs12", "-in", info.ca_p12_file.string(),
                                                "-passin", "pass:" + info.client_p12_password, "-nokeys"});
    BOOST_TEST(p12.exit_code == 0, p12.err);
    BOOST_TEST(p12.out.find(test_support::read_file(info.ca_file).substr(0, 120)) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(connect_proxy_tests, fixture)

BOOST_AUTO_TEST_CASE(the_proxy_demands_credentials_and_counts_tunnels)
{
    const std::string access = access_token();
    const curl_result refused = get(info.api_base_url + "/user", access, {"--proxy", info.proxy_url});
    BOOST_TEST(refused.exit_code == 56, refused.error);
    BOOST_TEST(refused.error.find("407") != std::string::npos, refused.error);
    const curl_result wrong =
        get(info.api_base_url + "/user", access, {"--proxy", info.proxy_url, "--proxy-user", "proxy-user:nope"});
    BOOST_TEST(wrong.exit_code == 56);
    BOOST_TEST(sage.counters()[counter::proxy_tunnels] == 0u);

    const curl_result through =
        get(info.api_base_url + "/user", access, {"--proxy", info.proxy_url, "--proxy-user", "proxy-user:proxy-pass"});
    BOOST_TEST(through.exit_code == 0, through.error);
    BOOST_TEST(through.status == 200u);
    BOOST_TEST(sage.counters()[counter::proxy_tunnels] == 1u);
    BOOST_TEST(json(curl({info.control_url + "/counters"}).body).at("proxy_tunnels").as_int64() == 1);
}

BOOST_AUTO_TEST_CASE(a_standalone_proxy_without_credentials_tunnels_only_to_loopback)
{
    connect_proxy proxy;
    proxy.start();
    const curl_result through = curl({"--proxy", proxy.url(), info.base_url + "/v3.1/user"});
    BOOST_TEST(through.exit_code == 0, through.error);
    BOOST_TEST(through.status == 401u);
    BOOST_TEST(proxy.tunnels_opened() == 1u);
    const curl_result outside = curl({"--proxy", proxy.url(), "--max-time", "10", "https://192.0.2.1/"});
    BOOST_TEST(outside.exit_code == 56);
    BOOST_TEST(outside.error.find("403") != std::string::npos, outside.error);
    BOOST_TEST(proxy.tunnels_opened() == 1u);
    proxy.stop();
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(business_data, fixture)

BOOST_AUTO_TEST_CASE(a_reader_over_tls_gets_the_ground_truth_with_latency_and_a_429_burst)
{
    const std::string access = access_token();
    BOOST_REQUIRE_EQUAL(control("latency", R"({"latency_ms":20})").status, 200u);
    arm(R"({"endpoint":"sales_invoices","kind":"rate_limited","count":2,"retry_after":1})");
    control("counters/reset", "{}");
    std::vector<std::string> read;
    std::size_t pages = 0, limited = 0;
    for (std::size_t page = 1;;) {
        const curl_result r = get(
            info.api_base_url + "/sales_invoices?items_per_page=15&attributes=updated_at&page=" + std::to_string(page),
            access);
        if (r.status == 429u) {
            BOOST_TEST(r.headers.at("Retry-After") == "1");
            ++limited;
            continue; // (a real reader waits Retry-After; the sandbox does not enforce it)
        }
        BOOST_REQUIRE_EQUAL(r.status, 200u);
        BOOST_TEST(!r.headers.at("Date").empty());
        ++pages;
        const auto body = json(r.body).as_object();
        for (const auto& item : body.at("$items").as_array())
            read.push_back(std::string(item.at("id").as_string()));
        if (body.at("$next").is_null())
            break;
        ++page;
    }
    BOOST_TEST(limited == 2u);
    BOOST_TEST(pages == 4u); // 50 records, 15 a page
    const curl_result truth = curl({info.control_url + "/records?entity=sales_invoices&attributes=id"});
    BOOST_REQUIRE_EQUAL(truth.status, 200u);
    std::vector<std::string> expected;
    const auto truth_body = json(truth.body);
    for (const auto& record : truth_body.at("records").as_array())
        expected.push_back(std::string(record.at("id").as_string()));
    BOOST_TEST(read == expected);
    BOOST_TEST(sage.counters().requests_to("sales_invoices") == pages + limited);
    control("latency", R"({"latency_ms":0})");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(concurrency, fixture)

BOOST_AUTO_TEST_CASE(thirty_two_clients_with_keep_alive_at_once)
{
    const std::string access = access_token();
    sage.service().reset_counters();
    constexpr int clients = 32;
    constexpr int requests_each = 4;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < clients; ++t) {
        threads.emplace_back([&] {
            std::vector<std::string> argv{
                sage_sandbox::testing::curl_path(), "-sS", "--cacert",      info.ca_file.string(), "-H",
                "Authorization: Bearer " + access,  "-w",  "%{http_code}\n"};
            for (int i = 0; i < requests_each; ++i) {
                argv.insert(argv.end(),
                            {"-o", "/dev/null", info.api_base_url + "/contacts?page=" + std::to_string(i + 1)});
            }
            const auto run = test_support::run_process(argv);
            std::istringstream lines(run.out);
            std::string line;
            while (std::getline(lines, line))
                if (line == "200")
                    ok.fetch_add(1);
        });
    }
    for (auto& t : threads)
        t.join();
    BOOST_TEST(ok.load() == clients * requests_each);
    const auto counts = sage.counters();
    BOOST_TEST(counts.requests_to("contacts") == static_cast<std::uint64_t>(clients * requests_each));
    // Each curl process reused one kept-alive connection for its four requests.
    BOOST_TEST(counts[counter::connections] == static_cast<std::uint64_t>(clients));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(stop_is_clean_and_removes_a_temporary_state_dir)
{
    std::filesystem::path dir;
    {
        sandbox sage;
        dir = sage.start().state_dir;
        BOOST_TEST(std::filesystem::exists(dir / "ca.pem"));
        BOOST_TEST(sage.info().clients.size() == 1u);
        BOOST_TEST(sage.client().client_id.size() == 73u);
        BOOST_TEST(sage.info().proxy_url.empty());
        sage.stop();
        BOOST_TEST(!std::filesystem::exists(dir));
        sage.stop(); // idempotent
    }
    // A port already taken: start() throws and leaves no temporary folder behind (TMPDIR points to a
    // private folder meanwhile, so other processes' sandboxes cannot disturb the count).
    {
        sandbox first;
        first.start();
        test_support::temp_dir private_tmp("sandbox-tmp");
        const char* old_tmp = std::getenv("TMPDIR");
        const std::string saved = old_tmp == nullptr ? "" : old_tmp;
        ::setenv("TMPDIR", private_tmp.path().c_str(), 1);
        sandbox_options o;
        o.port = first.info().port;
        sandbox second(o);
        BOOST_CHECK_THROW(second.start(), std::exception);
        if (old_tmp == nullptr)
            ::unsetenv("TMPDIR");
        else
            ::setenv("TMPDIR", saved.c_str(), 1);
        BOOST_TEST(std::filesystem::is_empty(private_tmp.path()));
    }
    test_support::temp_dir kept("sandbox-kept");
    {
        sandbox_options o;
        o.state_dir = kept.path() / "state";
        sandbox sage(o);
        sage.start();
    }
    BOOST_TEST(std::filesystem::exists(kept.path() / "state" / "ca.pem"));
}
