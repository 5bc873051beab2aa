// The web console (`sample_host serve`) as a process, spoken to over HTTP with a Beast client: the
// first line and the one-time login token, sessions and CSRF, the security headers, request limits
// (oversized bodies and headers, slow clients), the Host check, path traversal, concurrent users,
// TLS, refusing to listen off loopback without TLS, the connection API end to end with the fixture
// connector (CREATE, list, show with secrets masked, edit keeping secrets, the route rule, TEST,
// delete) and its web sign-in through /oauth/callback — no secret in any answer, in the output or in
// the log.
#define BOOST_TEST_MODULE e2e_console
#include <boost/test/unit_test.hpp>

#include "console_client.hpp"
#include "e2e_support.hpp"
#include "test_pki.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

using namespace e2e;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const std::string csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const std::string api_key = "fixture-api-key-SECRET-4821";
const std::string password = "fixture-password-SECRET-7730";
const std::string config_token = "fixture-config-token-SECRET-1209";
const std::string certificate_text = "-----BEGIN CERTIFICATE-----\nfixture-certificate-SECRET-5512\n";

// A console on the fixture connector's plugin folder, with a 2-second request timeout.
struct console_fixture {
    sample_host_runner host{E2E_PLUGIN_DIR};
    signed_in_console console{host, {}, {"--request-timeout", "2"}};
    console_process& server = console.server;
    console_client& client = console.client;

    // Every secret above, nowhere: not in `texts`, not in what the console printed, not in the data folder's log.
    void check_no_secret(const std::vector<std::string>& texts)
    {
        const std::string log = all_bytes_under(host.data() / "logs");
        for (const auto& secret : {api_key, password, config_token, std::string("fixture-certificate-SECRET-5512")}) {
            for (const auto& text : texts)
                BOOST_TEST(!contains(text, secret), "an answer holds a secret: " << text);
            BOOST_TEST(!contains(server.output(), secret));
            BOOST_TEST(!contains(log, secret));
        }
    }
};

json::object books_form()
{
    return json::object{{"ConnectionName", "Books"},
                        {"Endpoint", "ok"},
                        {"ApiKey", api_key},
                        {"Password", password},
                        {"Verbose", true},
                        {"Retries", 3},
                        {"Certificate", uploaded_file("certs/fixture.pem", certificate_text)},
                        {"AdditionalConfiguration",
                         json::array{json::array{"Region", "eu"}, json::array{"ServiceToken", config_token}}}};
}

void check_security_headers(const http_answer& answer, const std::string& what)
{
    BOOST_TEST(answer.header("content-security-policy") == csp, what);
    BOOST_TEST(answer.header("x-content-type-options") == "nosniff", what);
    BOOST_TEST(answer.header("referrer-policy") == "no-referrer", what);
    BOOST_TEST(answer.header("x-frame-options") == "DENY", what);
    BOOST_TEST(!answer.header("cache-control").empty(), what);
}

std::string error_category(const http_answer& answer)
{
    return std::string(answer.json().at("error").at("category").as_string());
}

} // namespace

BOOST_AUTO_TEST_CASE(the_first_line_is_the_login_address_and_the_token_works_once)
{
    sample_host_runner host{E2E_PLUGIN_DIR};
    console_process server{host.plugins(), host.data()};
    BOOST_TEST(std::regex_match(server.first_line(),
                                std::regex(R"(console: http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{64})")),
               server.first_line());

    console_client browser{server.port()};
    console_client without{server.port()};
    BOOST_TEST(without.send({"GET", "/", {}, {}}).status == 401u);

    const http_answer login = browser.login(server.token());
    BOOST_TEST(login.status == 303u);
    BOOST_TEST(login.header("location") == "/");
    const std::string cookie = login.header("set-cookie");
    BOOST_TEST(std::regex_match(cookie, std::regex("console_session=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=/")),
               cookie);
    BOOST_TEST(login.header("cache-control") == "no-store");

    const http_answer page = browser.get("/");
    BOOST_TEST(page.status == 200u);
    BOOST_TEST(page.header("content-type") == "text/html; charset=utf-8");

    // The same address a second time, from another browser: refused, no session.
    console_client thief{server.port()};
    const http_answer again = thief.login(server.token());
    BOOST_TEST(again.status == 401u);
    BOOST_TEST(again.header("set-cookie").empty());
    BOOST_TEST(contains(again.body, "already used"));

    const json::value session = browser.get("/api/session").json();
    BOOST_TEST(session.at("user").as_string() == "admin");
    BOOST_TEST(session.at("role").as_string() == "admin");
    BOOST_TEST(session.at("tenant").as_string() == "default");
    BOOST_TEST(session.at("csrf").as_string().size() == 64u);

    // The token never reaches the log.
    BOOST_TEST(!contains(all_bytes_under(host.data() / "logs"), server.token()));
    BOOST_TEST(server.stop() == 0); // SIGTERM: a graceful stop
}

BOOST_FIXTURE_TEST_CASE(the_api_needs_a_session, console_fixture)
{
    console_client stranger{server.port()};
    const http_answer none = stranger.send({"GET", "/api/session", {}, {}});
    BOOST_TEST(none.status == 401u);
    BOOST_TEST(error_category(none) == "session");
    const http_answer forged =
        stranger.send({"GET", "/api/connections", {{"Cookie", "console_session=" + std::string(64, 'a')}}, {}});
    BOOST_TEST(forged.status == 401u);
    const http_answer write = stranger.send(
        {"POST", "/api/connections", {{"Content-Type", "application/json"}, {"X-CSRF-Token", client.csrf()}}, "{}"});
    BOOST_TEST(write.status == 401u);
}

BOOST_FIXTURE_TEST_CASE(state_changing_requests_need_the_csrf_token_and_json, console_fixture)
{
    const std::string target = "/api/connectors/e2e-fixture/validate";
    const std::string body = R"({"form":{"ConnectionName":"x"}})";
    const auto send = [&](std::vector<std::pair<std::string, std::string>> headers) {
        headers.emplace_back("Cookie", client.cookie());
        return client.send({"POST", target, std::move(headers), body});
    };
    const http_answer missing = send({{"Content-Type", "application/json"}});
    BOOST_TEST(missing.status == 403u);
    BOOST_TEST(error_category(missing) == "csrf");
    const http_answer wrong = send({{"Content-Type", "application/json"}, {"X-CSRF-Token", std::string(64, '0')}});
    BOOST_TEST(wrong.status == 403u);
    const http_answer foreign = send(
        {{"Content-Type", "application/json"}, {"X-CSRF-Token", client.csrf()}, {"Origin", "https://evil.example"}});
    BOOST_TEST(foreign.status == 403u);
    const http_answer text = send({{"Content-Type", "text/plain"}, {"X-CSRF-Token", client.csrf()}});
    BOOST_TEST(text.status == 415u);
    BOOST_TEST(error_category(text) == "unsupported_media_type");
    const http_answer right =
        send({{"Content-Type", "application/json"}, {"X-CSRF-Token", client.csrf()}, {"Origin", server.origin()}});
    BOOST_TEST(right.status == 200u, right.body);
    BOOST_TEST(right.json().at("valid").as_bool());
    // DELETE is state-changing too.
    const http_answer removal = client.send({"DELETE", "/api/connections/Books", {{"Cookie", client.cookie()}}, {}});
    BOOST_TEST(removal.status == 403u);
}

BOOST_FIXTURE_TEST_CASE(every_answer_carries_the_security_headers, console_fixture)
{
    console_client stranger{server.port()};
    check_security_headers(client.get("/"), "page");
    check_security_headers(client.get("/api/session"), "API");
    BOOST_TEST(client.get("/api/session").header("cache-control") == "no-store");
    check_security_headers(client.get("/index.html"), "asset");
    check_security_headers(stranger.send({"GET", "/nothing-here", {}, {}}), "404");
    check_security_headers(stranger.send({"GET", "/api/session", {}, {}}), "401");
    check_security_headers(stranger.send({"GET", "/", {{"Host", "evil.example"}}, {}}), "421");
    check_security_headers(stranger.send({"GET", "/oauth/callback?state=nothing", {}, {}}), "callback");
}

BOOST_FIXTURE_TEST_CASE(oversized_bodies_and_headers_are_refused, console_fixture)
{
    // Headers announcing 3 MiB: refused before the body is read.
    const std::string big_body_request = "POST /api/connections HTTP/1.1\r\nHost: " + client.host() +
                                         "\r\nCookie: " + client.cookie() + "\r\nX-CSRF-Token: " + client.csrf() +
                                         "\r\nContent-Type: application/json\r\nContent-Length: 3145728\r\n\r\n{\"a\":";
    const std::string answer = client.send_raw(big_body_request, std::chrono::seconds(10));
    BOOST_TEST(answer.rfind("HTTP/1.1 413", 0) == 0u, answer);
    BOOST_TEST(contains(answer, R"("category":"too_large")"));
    BOOST_TEST(contains(answer, "Content-Security-Policy: " + csp));

    const std::string big_header = "GET /api/session HTTP/1.1\r\nHost: " + client.host() +
                                   "\r\nX-Filler: " + std::string(70 * 1024, 'h') + "\r\n\r\n";
    const std::string refused = client.send_raw(big_header, std::chrono::seconds(10));
    BOOST_TEST(refused.rfind("HTTP/1.1 431", 0) == 0u, refused.substr(0, 200));

    const std::string garbage = client.send_raw("THIS IS NOT HTTP\r\n\r\n", std::chrono::seconds(10));
    BOOST_TEST(garbage.rfind("HTTP/1.1 400", 0) == 0u, garbage.substr(0, 200));
}

BOOST_FIXTURE_TEST_CASE(the_host_header_must_name_the_console, console_fixture)
{
    const std::string port = std::to_string(server.port());
    for (const std::string& name :
         std::vector<std::string>{"evil.example:" + port, "evil.example", "127.0.0.1:1", "10.0.0.1:" + port}) {
        const http_answer a = client.send({"GET", "/api/session", {{"Host", name}, {"Cookie", client.cookie()}}, {}});
        BOOST_TEST(a.status == 421u, name);
        BOOST_TEST(error_category(a) == "misdirected");
        BOOST_TEST(!contains(a.body, client.csrf()));
    }
    for (const std::string& name : {"localhost:" + port, "127.0.0.1:" + port, "LOCALHOST:" + port}) {
        const http_answer a = client.send({"GET", "/api/session", {{"Host", name}, {"Cookie", client.cookie()}}, {}});
        BOOST_TEST(a.status == 200u, name);
    }
}

BOOST_FIXTURE_TEST_CASE(path_traversal_reaches_nothing, console_fixture)
{
    for (const std::string target :
         {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/index.html/../host.db", "/..%2f..%2fhost.db",
          "//etc/passwd", "/logs/host.log", "/host.key", "/api/../host.db", "/%2findex.html"}) {
        const http_answer a = client.get(target);
        BOOST_TEST((a.status == 404u || a.status == 400u), target << " answered " << a.status);
        BOOST_TEST(!contains(a.body, "root:"));
    }
    // The page itself needs the session; assets do not, and hold no data.
    console_client stranger{server.port()};
    BOOST_TEST(stranger.send({"GET", "/index.html", {}, {}}).status == 401u);
}

BOOST_FIXTURE_TEST_CASE(slow_clients_are_cut_off_without_blocking_others, console_fixture)
{
    std::string slow_answer;
    std::chrono::steady_clock::duration slow_took{};
    std::thread slow([&] {
        const auto started = std::chrono::steady_clock::now();
        // Half a request, never finished.
        slow_answer =
            client.send_raw("GET /api/session HTTP/1.1\r\nHost: " + client.host() + "\r\n", std::chrono::seconds(20));
        slow_took = std::chrono::steady_clock::now() - started;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto started = std::chrono::steady_clock::now();
    BOOST_TEST(client.get("/api/session").status == 200u);
    BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(2)));
    slow.join();
    BOOST_TEST(slow_answer.empty(), slow_answer);       // closed without an answer
    BOOST_TEST((slow_took < std::chrono::seconds(10))); // the 2-second request timeout, not the client's 20
}

BOOST_FIXTURE_TEST_CASE(concurrent_users_are_served, console_fixture)
{
    std::atomic<int> ok{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> users;
    for (int u = 0; u < 8; ++u)
        users.emplace_back([&, u] {
            for (int i = 0; i < 10; ++i) {
                try {
                    const http_answer a =
                        (i % 2 == 0) ? client.get("/api/connections")
                                     : client.post("/api/connectors/e2e-fixture/test",
                                                   json::object{{"form",
                                                                 {{"ConnectionName", "user" + std::to_string(u)},
                                                                  {"ApiKey", "key-" + std::to_string(u)}}}});
                    (a.status == 200u ? ok : failed)++;
                } catch (...) {
                    failed++;
                }
            }
        });
    for (auto& t : users)
        t.join();
    BOOST_TEST(ok.load() == 80);
    BOOST_TEST(failed.load() == 0);
}

BOOST_FIXTURE_TEST_CASE(forms_validate_and_test, console_fixture)
{
    const http_answer described = client.get("/api/connectors/e2e-fixture/properties");
    BOOST_TEST_REQUIRE(described.status == 200u, described.body);
    std::map<std::string, std::string> types;
    const json::value properties = described.json();
    for (const auto& p : properties.at("properties").as_array())
        types[std::string(p.at("key").as_string())] = std::string(p.at("type").as_string());
    BOOST_TEST(types["Verbose"] == "boolean");
    BOOST_TEST(types["Retries"] == "integer");
    BOOST_TEST(types["Certificate"] == "file");
    BOOST_TEST(types["AdditionalConfiguration"] == "key_value_list");

    const json::value invalid =
        client.post("/api/connectors/e2e-fixture/validate", json::object{{"form", {{"Retries", 99}}}}).json();
    BOOST_TEST(!invalid.at("valid").as_bool());
    std::set<std::string> keys;
    for (const auto& e : invalid.at("errors").as_array())
        keys.insert(std::string(e.at("key").as_string()));
    BOOST_TEST((keys == std::set<std::string>{"ConnectionName", "Retries"}));
    BOOST_TEST(invalid.at("errors").as_array().at(0).at("label").as_string() == "Connection Name");

    const http_answer available = client.post("/api/connectors/e2e-fixture/test", json::object{{"form", books_form()}});
    BOOST_TEST_REQUIRE(available.status == 200u, available.body);
    BOOST_TEST(available.json().at("available").as_bool());
    BOOST_TEST(available.json().at("headline").as_string() == "connection available");
    BOOST_TEST(available.json().at("elapsed_ms").is_int64());

    json::object refused_form = books_form();
    refused_form["Endpoint"] = "refuse";
    const json::value refused =
        client.post("/api/connectors/e2e-fixture/test", json::object{{"form", refused_form}}).json();
    BOOST_TEST(!refused.at("available").as_bool());
    BOOST_TEST(refused.at("category").as_string() == "auth");
    BOOST_TEST(refused.at("headline").as_string().starts_with("Connection unavailable: "));

    // A connector that echoes the secret into its message: masked on the way out.
    json::object echo_form = books_form();
    echo_form["Endpoint"] = "echo-secret";
    const http_answer echoed = client.post("/api/connectors/e2e-fixture/test", json::object{{"form", echo_form}});
    BOOST_TEST(contains(echoed.body, "********"));

    // Malformed forms: a 400 naming the member, never the value.
    const http_answer bad_file =
        client.post("/api/connectors/e2e-fixture/test",
                    json::object{{"form", {{"Certificate", {{"name", "x.pem"}, {"content_base64", "not base64!"}}}}}});
    BOOST_TEST(bad_file.status == 400u);
    BOOST_TEST(contains(bad_file.body, "Certificate"));
    const http_answer not_json = client.send(
        {"POST",
         "/api/connectors/e2e-fixture/test",
         {{"Cookie", client.cookie()}, {"X-CSRF-Token", client.csrf()}, {"Content-Type", "application/json"}},
         "{\"form\": "});
    BOOST_TEST(not_json.status == 400u);

    check_no_secret({described.body, available.body, echoed.body, bad_file.body});
}

BOOST_FIXTURE_TEST_CASE(connections_are_created_listed_shown_masked_edited_tested_and_deleted, console_fixture)
{
    const http_answer created =
        client.post("/api/connections", json::object{{"connector", "e2e-fixture"}, {"form", books_form()}});
    BOOST_TEST_REQUIRE(created.status == 201u, created.body);
    BOOST_TEST(created.json().at("connection").at("name").as_string() == "Books");
    BOOST_TEST(created.json().at("test").at("available").as_bool());

    const http_answer again =
        client.post("/api/connections", json::object{{"connector", "e2e-fixture"}, {"form", books_form()}});
    BOOST_TEST(again.status == 409u);
    BOOST_TEST(error_category(again) == "conflict");

    const json::value list = client.get("/api/connections").json();
    BOOST_TEST_REQUIRE(list.at("connections").as_array().size() == 1u);
    BOOST_TEST(list.at("connections").as_array().at(0).at("connector_id").as_string() == "e2e-fixture");

    const http_answer shown = client.get("/api/connections/books"); // names ignore case
    BOOST_TEST_REQUIRE(shown.status == 200u, shown.body);
    const json::value doc = shown.json();
    const json::object& form = doc.at("form").as_object();
    BOOST_TEST(form.at("ApiKey").as_string() == "");
    BOOST_TEST(form.at("Password").as_string() == "");
    BOOST_TEST(form.at("Certificate").is_null());
    BOOST_TEST(form.at("AdditionalConfiguration").is_null()); // it holds a secret-looking entry: sealed whole
    BOOST_TEST(form.at("Verbose").as_bool());
    BOOST_TEST(form.at("Retries").as_int64() == 3);
    BOOST_TEST(form.at("Endpoint").as_string() == "ok");
    for (const auto& field : doc.at("fields").as_array()) {
        const std::string key(field.at("key").as_string());
        BOOST_TEST(field.at("stored").as_bool());
        if (key == "ApiKey" || key == "Password" || key == "Certificate")
            BOOST_TEST(field.at("secret").as_bool(), key);
        if (key == "Certificate")
            BOOST_TEST(field.at("file_name").as_string() == "fixture.pem"); // the folder is dropped
    }

    // Edit: secrets left empty keep their stored values; TEST then still works with them.
    json::object edit{{"ConnectionName", "Books"}, {"Endpoint", "ok"}, {"ApiKey", ""}, {"Password", ""},
                      {"Verbose", false},          {"Retries", 4}};
    const http_answer edited = client.put("/api/connections/Books", json::object{{"form", edit}});
    BOOST_TEST_REQUIRE(edited.status == 200u, edited.body);
    const json::value after = client.get("/api/connections/Books").json();
    BOOST_TEST(after.at("form").at("Retries").as_int64() == 4);
    BOOST_TEST(!after.at("form").at("Verbose").as_bool());
    BOOST_TEST(after.at("connection").at("secrets").as_int64() >= 3);
    const http_answer tested = client.post("/api/connections/Books/test", json::object{});
    BOOST_TEST_REQUIRE(tested.status == 200u, tested.body);
    BOOST_TEST(tested.json().at("available").as_bool(), tested.body);

    // A new route (a proxy) with the stored secrets not given again: refused, naming them.
    json::object rerouted = edit;
    rerouted["AdditionalConfiguration"] = json::array{json::array{"ProxyServer", "proxy.example"}};
    const http_answer refused = client.put("/api/connections/Books", json::object{{"form", rerouted}});
    BOOST_TEST(refused.status == 409u, refused.body);
    BOOST_TEST(contains(refused.body, "ApiKey"));

    // Renaming is not an edit.
    json::object renamed = edit;
    renamed["ConnectionName"] = "Ledger";
    BOOST_TEST(client.put("/api/connections/Books", json::object{{"form", renamed}}).status == 400u);

    BOOST_TEST(client.get("/api/connections/Books/entities").status == 501u); // the fixture has no data access
    const http_answer deleted = client.del("/api/connections/Books");
    BOOST_TEST(deleted.status == 200u, deleted.body);
    BOOST_TEST(client.get("/api/connections/Books").status == 404u);
    BOOST_TEST(client.del("/api/connections/Books").status == 404u);
    BOOST_TEST(client.get("/api/connections").json().at("connections").as_array().empty());

    check_no_secret({created.body, shown.body, edited.body, after.is_null() ? "" : json::serialize(after), tested.body,
                     refused.body, deleted.body});
    BOOST_TEST(!contains(all_bytes_under(host.data()), api_key)); // sealed in host.db, never plain
}

BOOST_FIXTURE_TEST_CASE(a_web_sign_in_completes_through_the_callback_once, console_fixture)
{
    const std::string begin = "/api/connectors/e2e-fixture/sign-in";
    const http_answer begun = client.post(begin, json::object{{"form", books_form()}});
    BOOST_TEST_REQUIRE(begun.status == 200u, begun.body);
    const std::string flow(begun.json().at("flow_id").as_string());
    BOOST_TEST(begun.json().at("authorization_url").as_string().starts_with("https://fixture.invalid/authorize"));
    BOOST_TEST(client.get("/api/sign-in/" + flow).json().at("state").as_string() == "pending");

    // The window comes back from the authorization server: a cross-site navigation, no cookie.
    console_client window{server.port()};
    const std::string callback = "/oauth/callback?code=fixture-code&state=" + flow;
    const http_answer page = window.send({"GET", callback, {}, {}});
    BOOST_TEST(page.status == 200u, page.body);
    BOOST_TEST(page.header("content-type") == "text/html; charset=utf-8");
    BOOST_TEST(contains(page.body, "Signed in to E2E Fixture. You can close this window."), page.body);
    BOOST_TEST(page.header("content-security-policy") == csp);
    BOOST_TEST(client.get("/api/sign-in/" + flow).json().at("state").as_string() == "done");
    BOOST_TEST(window.send({"GET", "/api/sign-in/" + flow, {}, {}}).status == 401u); // not without the session
    BOOST_TEST(window.send({"GET", callback, {}, {}}).status == 400u);               // never twice

    // Refused at the consent page: the window says why, the poll says failed.
    const std::string refused_flow(
        client.post(begin, json::object{{"form", books_form()}}).json().at("flow_id").as_string());
    const http_answer refused =
        window.send({"GET", "/oauth/callback?error=access_denied&state=" + refused_flow, {}, {}});
    BOOST_TEST(contains(refused.body, "Sign-in failed: the fixture&#39;s consent page was refused"), refused.body);
    const json::value failed = client.get("/api/sign-in/" + refused_flow).json();
    BOOST_TEST(failed.at("state").as_string() == "failed");
    BOOST_TEST(failed.at("category").as_string() == "auth");

    // A form the connector cannot sign in with: its reason, with its category.
    const http_answer unusable = client.post(begin, json::object{{"form", {{"ConnectionName", "Books"}}}});
    BOOST_TEST(unusable.status == 422u);
    BOOST_TEST(error_category(unusable) == "config");
    BOOST_TEST(window.send({"GET", "/oauth/callback?code=x", {}, {}}).status == 400u); // no state at all
    check_no_secret({begun.body, page.body, refused.body});
}

BOOST_FIXTURE_TEST_CASE(unknown_things_and_wrong_methods, console_fixture)
{
    BOOST_TEST(client.get("/api/connectors/no-such-connector/properties").status == 404u);
    BOOST_TEST(client.get("/api/nothing").status == 404u);
    BOOST_TEST(client.get("/api/connectors/e2e-fixture/test").status == 405u);
    BOOST_TEST(client.get("/api/sign-in/" + std::string(64, 'f')).status == 404u);
    const http_answer callback = client.send({"GET", "/oauth/callback?code=x&state=unknown", {}, {}});
    BOOST_TEST(callback.status == 400u);
    BOOST_TEST(callback.header("content-type") == "text/html; charset=utf-8");
    // Whatever comes in the address is escaped on the page.
    const http_answer page = client.send({"GET", "/%3Cscript%3Ealert(1)%3C/script%3E", {}, {}});
    BOOST_TEST(page.status == 404u);
    BOOST_TEST(!contains(page.body, "<script>"));
}

BOOST_AUTO_TEST_CASE(listening_off_loopback_needs_tls)
{
    sample_host_runner host{E2E_PLUGIN_DIR};
    const auto refused = host.run({"serve", "--listen", "0.0.0.0:0"});
    BOOST_TEST(refused.exit_code == 1, describe(refused));
    BOOST_TEST(contains(refused.err, "without TLS"), describe(refused));
    BOOST_TEST(refused.out.empty());
    const auto malformed = host.run({"serve", "--listen", "127.0.0.1"});
    BOOST_TEST(malformed.exit_code == 2, describe(malformed));
    const auto half_tls = host.run({"serve", "--tls-cert", "/nonexistent.pem"});
    BOOST_TEST(half_tls.exit_code == 2, describe(half_tls));
}

BOOST_AUTO_TEST_CASE(tls_serves_https_with_a_secure_cookie)
{
    namespace beast = boost::beast;
    namespace http = beast::http;
    namespace net = boost::asio;
    namespace ssl = net::ssl;

    test_support::temp_dir pki{"console-tls"};
    const test_pki::identity ca = test_pki::make_ca("console test CA");
    test_pki::certificate_options leaf_options;
    leaf_options.common_name = "127.0.0.1";
    leaf_options.ip_addresses = {"127.0.0.1"};
    const test_pki::identity leaf = test_pki::make_certificate(ca, leaf_options);
    std::ofstream(pki / "cert.pem") << leaf.cert_pem;
    std::ofstream(pki / "key.pem") << leaf.key_pem;

    sample_host_runner host{E2E_PLUGIN_DIR};
    console_process server{host.plugins(),
                           host.data(),
                           {},
                           {"--tls-cert", (pki / "cert.pem").string(), "--tls-key", (pki / "key.pem").string()}};
    BOOST_TEST(server.first_line().starts_with("console: https://127.0.0.1:"), server.first_line());

    net::io_context ioc;
    ssl::context tls(ssl::context::tls_client);
    tls.add_certificate_authority(net::buffer(ca.cert_pem));
    tls.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
    stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    http::request<http::empty_body> request{http::verb::get, "/?token=" + server.token(), 11};
    request.set(http::field::host, "127.0.0.1:" + std::to_string(server.port()));
    http::response<http::string_body> response;
    beast::flat_buffer buffer;
    beast::error_code failure;
    beast::get_lowest_layer(stream).async_connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()), [&](beast::error_code ec) {
            if (ec)
                return void(failure = ec);
            stream.async_handshake(ssl::stream_base::client, [&](beast::error_code ec2) {
                if (ec2)
                    return void(failure = ec2);
                http::async_write(stream, request, [&](beast::error_code ec3, std::size_t) {
                    if (ec3)
                        return void(failure = ec3);
                    http::async_read(stream, buffer, response,
                                     [&](beast::error_code ec4, std::size_t) { failure = ec4; });
                });
            });
        });
    ioc.run();
    BOOST_TEST_REQUIRE(!failure, failure.message());
    BOOST_TEST(response.result_int() == 303);
    BOOST_TEST(contains(std::string(response[http::field::set_cookie]), "; Secure"));
    BOOST_TEST(std::string(response["Strict-Transport-Security"]) == "max-age=31536000");

    // Plain HTTP to the TLS port gets no answer.
    console_client plain{server.port(), std::chrono::seconds(5)};
    BOOST_TEST(plain.send_raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", std::chrono::seconds(5)).find("200 OK") ==
               std::string::npos);
    BOOST_TEST(server.stop() == 0);
}
