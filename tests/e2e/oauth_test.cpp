// `sample_host oauth authorize|status|revoke` against the Sage sandbox, both as child processes. Each
// test starts its own sandbox with its own client and a free loopback CallbackURL, so tests run in
// parallel. tests/tools/sandbox_browser.sh, named by BROWSER, plays the person's browser: it visits
// the authorize URL and follows Sage's redirect to the CallbackURL. Covered: the browser sign-in, then
// TEST without a browser, status (masked), revoke, and TEST afterwards asking to sign in; the headless
// sign-in with the callback address pasted on standard input, and finished later with OAuthVerifier;
// a saved connection (--connection) signing in and testing by name; refusals and usage errors. No
// token, code or client secret may appear in any output or in the data folder outside the token store.
#define BOOST_TEST_MODULE e2e_oauth
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"
#include "file_mode.hpp"
#include "free_port.hpp"
#include "interactive_process.hpp"
#include "sandbox_process.hpp"
#include "sign_in_browser.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <random>
#include <regex>
#include <thread>

using namespace e2e;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string random_hex(std::size_t digits)
{
    static std::mt19937_64 generator{std::random_device{}()};
    std::string out;
    while (out.size() < digits) {
        char buffer[17];
        std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(generator()));
        out += buffer;
    }
    return out.substr(0, digits);
}

// Sage's client ids look like uuid/uuid.
std::string random_uuid()
{
    const std::string h = random_hex(32);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string percent_decoded(const std::string& text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The query parameter `name` of `url`, as it appears there (still percent-encoded).
std::string query_parameter(const std::string& url, const std::string& name)
{
    std::smatch found;
    if (!std::regex_search(url, found, std::regex("[?&]" + name + "=([^&#\\s]*)")))
        return {};
    return found[1];
}

// The sign-in address sample_host printed on standard error.
std::string printed_authorize_url(const std::string& err)
{
    std::smatch found;
    if (!std::regex_search(err, found, std::regex("https://127\\.0\\.0\\.1:[0-9]+/oauth2/auth/central\\?[^\\s]+")))
        return {};
    return found[0];
}

// What a browser does with the authorize URL, stopped before it follows Sage's redirect: the address
// the browser is sent to (the CallbackURL with code and state), for pasting by hand.
std::string consent_without_following(const std::string& url, const std::string& ca)
{
    const test_support::browser_visit visit = test_support::visit_sage(url, ca);
    BOOST_TEST_REQUIRE(visit.status == 302, "Sage did not redirect: " << visit.status << " " << visit.location);
    return visit.location;
}

struct sandbox_fixture {
    unsigned short port = test_support::free_port();
    std::string callback = "http://127.0.0.1:" + std::to_string(port) + "/callback";
    std::string client_id = random_uuid() + "/" + random_uuid();
    std::string client_secret = "e2e-oauth-client-secret-" + random_hex(16);
    test_support::sandbox_process sage{
        CONNECTOR_TEST_SAGE_SANDBOX,
        {"--port", "0", "--client-id", client_id, "--client-secret", client_secret, "--redirect-uri", callback}};
    sample_host_runner host;
    test_support::temp_dir scratch{"e2e-oauth"};
    std::vector<std::string> codes; // every authorization code issued in this test
    std::string interactive_output; // what interactive runs printed (the runner's transcript has the rest)

    sandbox_fixture()
    {
        const auto trial = host.run({"marketplace", "start-trial", sage_id});
        BOOST_TEST_REQUIRE(trial.exit_code == 0, describe(trial));
    }

    [[nodiscard]] std::string ca() const { return sage.text("ca_file"); }

    [[nodiscard]] std::vector<std::string> form() const
    {
        return {"--set",        "ConnectionName=Books",
                "--set",        "ClientId=" + client_id,
                "--secret-env", "ClientSecret=E2E_CLIENT_SECRET",
                "--set",        "CallbackURL=" + callback,
                "--file",       "KeystoreFile=" + ca(),
                "--set",        "AuthorizeURL=" + sage.text("base_url") + "/oauth2/auth/central?filter=apiv3.1",
                "--set",        "TokenURL=" + sage.text("token_url"),
                "--set",        "ApiBaseURL=" + sage.text("api_base_url"),
                "--set",        "OAuthAuthorizationTimeout=20"};
    }

    [[nodiscard]] std::vector<std::string> with(std::vector<std::string> args,
                                                const std::vector<std::string>& form_args) const
    {
        args.insert(args.end(), form_args.begin(), form_args.end());
        return args;
    }

    [[nodiscard]] fs::path browser_log() const { return scratch / "browser.log"; }

    // The environment of a run: the client secret for --secret-env, and the browser script or none.
    [[nodiscard]] std::map<std::string, std::string> env(bool browser,
                                                         std::map<std::string, std::string> more = {}) const
    {
        more["E2E_CLIENT_SECRET"] = client_secret;
        more["SANDBOX_CA"] = ca();
        // This suite proves the connector's own token files; e2e_fleet_refresh proves the host's store.
        more.emplace("SAMPLE_HOST_CREDENTIALS", "connector");
        more["BROWSER_LOG"] = browser_log().string();
        more["BROWSER"] = browser ? std::string(E2E_SANDBOX_BROWSER) : std::string(); // empty: no browser
        return more;
    }

    [[nodiscard]] json::object counters() const { return json::parse(sage.control("/counters")).as_object(); }

    [[nodiscard]] std::int64_t counter(std::string_view name) const { return counters().at(name).as_int64(); }

    // The browser script's log: the URL it was given, then where Sage sent it back. The script writes
    // that second line when its request to the callback has ended, which may be after sample_host has
    // exited: a visit with only its first line is waited for (10 s at most).
    [[nodiscard]] std::vector<std::string> browser_visits() const
    {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        for (;;) {
            std::vector<std::string> lines;
            if (!fs::exists(browser_log()))
                return lines;
            const std::string text = test_support::read_file(browser_log());
            std::size_t start = 0;
            for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
                lines.push_back(text.substr(start, end - start));
            if (lines.size() % 2 == 0 || std::chrono::steady_clock::now() > give_up)
                return lines;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    void remember_code_from(const std::string& callback_address)
    {
        const std::string code = query_parameter(callback_address, "code");
        BOOST_TEST_REQUIRE(!code.empty(), "no code in " << callback_address.substr(0, callback_address.find('?')));
        codes.push_back(code);
        codes.push_back(percent_decoded(code));
    }

    [[nodiscard]] json::object status_json(const std::vector<std::string>& form_args)
    {
        return host.run_json(with({"oauth", "status", sage_id}, form_args), 0, env(false)).as_object();
    }

    // The token store's path, from `oauth status`: "the file <path>".
    [[nodiscard]] fs::path token_file(const std::vector<std::string>& form_args)
    {
        const std::string location(status_json(form_args).at("location").as_string());
        BOOST_TEST_REQUIRE(location.rfind("the file ", 0) == 0u, location);
        return location.substr(std::string("the file ").size());
    }

    // Every secret that must never be printed: the client secret, the codes, and the tokens now stored.
    [[nodiscard]] std::vector<std::string> secrets(const fs::path& store) const
    {
        std::vector<std::string> out{client_secret};
        out.insert(out.end(), codes.begin(), codes.end());
        if (fs::exists(store)) {
            const auto set = json::parse(test_support::read_file(store)).as_object();
            for (const char* member : {"access_token", "refresh_token"})
                if (const auto* token = set.if_contains(member); token != nullptr && token->is_string())
                    out.emplace_back(token->get_string());
        }
        return out;
    }

    // Nothing in any output, and nothing in the data folder but the token store (and its lock and notes).
    void require_no_secret_shown(const std::vector<std::string>& secret_values, const fs::path& store) const
    {
        const std::string printed = host.transcript() + interactive_output;
        std::string at_rest;
        for (const auto& entry : fs::recursive_directory_iterator(host.data()))
            if (entry.is_regular_file() && entry.path().string().rfind(store.string(), 0) != 0)
                at_rest += test_support::read_file(entry.path());
        BOOST_TEST_REQUIRE(secret_values.size() >= 1u);
        for (const auto& secret : secret_values) {
            BOOST_TEST_REQUIRE(secret.size() >= 8u);
            BOOST_TEST(printed.find(secret) == std::string::npos,
                       "a secret of " << secret.size() << " characters was printed");
            BOOST_TEST(at_rest.find(secret) == std::string::npos,
                       "a secret of " << secret.size() << " characters is stored outside the token store");
        }
    }

    // After a sign-in: tokens are stored, TEST works without a browser, and no secret was shown.
    void require_signed_in_and_test_works()
    {
        BOOST_TEST(status_json(form()).at("present").as_bool());
        const auto tested = host.run(with({"test", sage_id}, form()), env(false));
        BOOST_TEST(tested.exit_code == 0, describe(tested));
        const fs::path store = token_file(form());
        require_no_secret_shown(secrets(store), store);
    }

    // `oauth authorize` with the browser script: signs in.
    void sign_in_with_browser(const std::vector<std::string>& form_args)
    {
        const auto r = host.run(with({"oauth", "authorize", sage_id}, form_args), env(true));
        BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
        BOOST_TEST(contains(r.out, "signed in to Sage; tokens stored in the file "), describe(r));
        const auto visits = browser_visits();
        BOOST_TEST_REQUIRE(visits.size() >= 2u);
        remember_code_from(visits.back());
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(browser_sign_in, sandbox_fixture)

BOOST_AUTO_TEST_CASE(authorize_then_test_without_a_browser_then_revoke_then_test_asks_to_sign_in)
{
    // Nothing stored yet: status says so (exit 0, it could be read).
    auto status = status_json(form());
    BOOST_TEST(status.at("ok").as_bool());
    BOOST_TEST(!status.at("present").as_bool());

    // The browser signs in: the URL it was given is the one printed on standard error, with PKCE and
    // our exact CallbackURL.
    const auto r = host.run(with({"oauth", "authorize", sage_id}, form()), env(true));
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(contains(r.out, "signed in to Sage"), describe(r));
    const auto visits = browser_visits();
    BOOST_TEST_REQUIRE(visits.size() == 2u);
    BOOST_TEST(visits[0] == printed_authorize_url(r.err), describe(r));
    BOOST_TEST(contains(visits[0], "code_challenge_method=S256"));
    BOOST_TEST(percent_decoded(query_parameter(visits[0], "redirect_uri")) == callback);
    BOOST_TEST(visits[1].rfind(callback + "?code=", 0) == 0u, "Sage sent the browser back to the CallbackURL");
    remember_code_from(visits[1]);
    BOOST_TEST(counter("codes_redeemed") == 1);

    // status: present, masked, private file in the host's state folder for this tenant and connector.
    status = status_json(form());
    BOOST_TEST(status.at("present").as_bool());
    BOOST_TEST(status.at("scope").as_string() == "full_access");
    BOOST_TEST(status.at("client_id").as_string() == client_id);
    BOOST_TEST(status.at("access_token").as_string().starts_with("******** ("));
    BOOST_TEST(status.at("refresh_token").as_string().starts_with("******** ("));
    BOOST_TEST(status.at("access_expires_at").is_string());
    const fs::path store = token_file(form());
    BOOST_TEST(store.string().rfind((host.data() / "state" / "default" / sage_id).string(), 0) == 0u, store);
    BOOST_TEST(test_support::file_mode(store) == 0600u);
    const auto table = host.run(with({"oauth", "status", sage_id}, form()), env(false));
    BOOST_TEST(table.exit_code == 0, describe(table));
    BOOST_TEST(contains(table.out, "access token:   ******** ("), describe(table));
    const auto stored = secrets(store);

    // TEST works without any browser now.
    const auto tested = host.run(with({"test", sage_id}, form()), env(false));
    BOOST_TEST(tested.exit_code == 0, describe(tested));
    BOOST_TEST(first_line(tested.out) == "connection available");
    BOOST_TEST(browser_visits().size() == 2u);

    // Revoke: Sage's endpoint is called and the stored set removed.
    const auto revoked = host.run_json(with({"oauth", "revoke", sage_id}, form()), 0, env(false));
    BOOST_TEST(revoked.at("ok").as_bool());
    BOOST_TEST(counter("revocations") == 1);
    BOOST_TEST(!fs::exists(store));
    status = status_json(form());
    BOOST_TEST(!status.at("present").as_bool());
    BOOST_TEST(status.at("access_token").as_string().empty());

    // A TEST with no browser at hand answers at once and says how to sign in.
    const auto after = host.run(with({"test", sage_id}, form()), env(false));
    BOOST_TEST(after.exit_code == 1, describe(after));
    BOOST_TEST(first_line(after.out).starts_with("Connection unavailable: no OAuth tokens are stored"),
               describe(after));
    BOOST_TEST(contains(after.out, "sample_host oauth authorize"), describe(after));
    BOOST_TEST(browser_visits().size() == 2u);

    // Revoking again: nothing to revoke (1).
    const auto again = host.run(with({"oauth", "revoke", sage_id}, form()), env(false));
    BOOST_TEST(again.exit_code == 1, describe(again));
    BOOST_TEST(contains(again.out, "nothing to revoke"), describe(again));

    require_no_secret_shown(stored, store);
}

BOOST_AUTO_TEST_CASE(no_browser_and_no_redirect_before_the_wait_ends_is_refused_with_the_address_shown)
{
    const auto r = host.run(with({"oauth", "authorize", sage_id, "--wait", "2"}, form()), env(false));
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.out, "sign-in failed (auth): no answer from the browser within 2 seconds"), describe(r));
    BOOST_TEST(!printed_authorize_url(r.err).empty(), "the address is shown for opening by hand\n" << describe(r));
    BOOST_TEST(contains(r.err, "Open this address"), describe(r));
    BOOST_TEST(!status_json(form()).at("present").as_bool());
    BOOST_TEST(counter("codes_redeemed") == 0);
}

BOOST_AUTO_TEST_CASE(json_documents_for_authorize_and_status)
{
    const auto doc = host.run_json(with({"oauth", "authorize", sage_id}, form()), 0, env(true));
    BOOST_TEST(doc.at("operation").as_string() == "authorize");
    BOOST_TEST(doc.at("ok").as_bool());
    BOOST_TEST(!doc.at("awaiting_verifier").as_bool());
    BOOST_TEST(doc.at("category").as_string() == "none");
    BOOST_TEST(doc.at("connection").is_null());
    remember_code_from(browser_visits().back());
    const fs::path store = token_file(form());
    require_no_secret_shown(secrets(store), store);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(headless_sign_in, sandbox_fixture)

BOOST_AUTO_TEST_CASE(the_callback_address_pasted_on_standard_input)
{
    std::vector<std::string> argv{CONNECTOR_TEST_SAMPLE_HOST,
                                  "--plugins",
                                  host.plugins().string(),
                                  "--data",
                                  host.data().string(),
                                  "oauth",
                                  "authorize",
                                  sage_id,
                                  "--headless"};
    const auto form_args = form();
    argv.insert(argv.end(), form_args.begin(), form_args.end());
    test_support::process_options options;
    options.environment = env(false);
    options.unset_environment = {"SAMPLE_HOST_PLUGINS", "SAMPLE_HOST_DATA", "SAMPLE_HOST_USER",
                                 "SAMPLE_HOST_NOW",     "DISPLAY",          "WAYLAND_DISPLAY"};
    interactive_process sample_host(argv, options);
    const bool asked = sample_host.wait_for_stderr(
        [](const std::string& err) { return err.find("or just its code:") != std::string::npos; },
        std::chrono::seconds(30));
    BOOST_TEST_REQUIRE(asked, "no question on standard error:\n" << sample_host.err());
    const std::string url = printed_authorize_url(sample_host.err());
    BOOST_TEST_REQUIRE(!url.empty(), sample_host.err());
    const std::string address = consent_without_following(url, ca());
    remember_code_from(address);
    sample_host.answer(address + "\n");
    const auto r = sample_host.finish(std::chrono::seconds(60));
    interactive_output += r.out + r.err;
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(contains(r.out, "signed in to Sage"), describe(r));
    BOOST_TEST(browser_visits().empty()); // headless: no browser started
    BOOST_TEST(counter("codes_redeemed") == 1);

    require_signed_in_and_test_works();
}

BOOST_AUTO_TEST_CASE(nobody_answers_then_oauth_verifier_finishes_the_sign_in)
{
    // Standard input at its end (as in CI): the sign-in is started and kept pending; exit 0.
    const auto started = host.run(with({"--json", "oauth", "authorize", sage_id, "--headless"}, form()), env(false));
    BOOST_TEST_REQUIRE(started.exit_code == 0, describe(started));
    const auto doc = json::parse(started.out).as_object();
    BOOST_TEST(!doc.at("ok").as_bool());
    BOOST_TEST(doc.at("awaiting_verifier").as_bool());
    BOOST_TEST(contains(std::string(doc.at("message").as_string()), "OAuthVerifier"));
    BOOST_TEST(contains(std::string(doc.at("next").as_string()), "--secret-env OAuthVerifier=VAR"));
    const std::string url = printed_authorize_url(started.err);
    BOOST_TEST_REQUIRE(!url.empty(), describe(started));
    BOOST_TEST(!status_json(form()).at("present").as_bool());

    // The text form says the same in words.
    const auto text = host.run(with({"oauth", "authorize", sage_id, "--headless"}, form()), env(false));
    BOOST_TEST(text.exit_code == 0, describe(text));
    BOOST_TEST(contains(text.out, "no tokens are stored yet"), describe(text));
    // That second start replaced the pending request: the address to consent to is the newest one.
    const std::string newest = printed_authorize_url(text.err);
    BOOST_TEST_REQUIRE(!newest.empty());
    BOOST_TEST(query_parameter(newest, "state") != query_parameter(url, "state"));

    // Later, the address the browser was sent to, given as OAuthVerifier (through the environment).
    const std::string address = consent_without_following(newest, ca());
    remember_code_from(address);
    const auto finished =
        host.run(with({"oauth", "authorize", sage_id, "--secret-env", "OAuthVerifier=E2E_VERIFIER"}, form()),
                 env(false, {{"E2E_VERIFIER", address}}));
    BOOST_TEST_REQUIRE(finished.exit_code == 0, describe(finished));
    BOOST_TEST(contains(finished.out, "signed in to Sage"), describe(finished));
    BOOST_TEST(counter("codes_redeemed") == 1);
    require_signed_in_and_test_works();
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(saved_connection, sandbox_fixture)

BOOST_AUTO_TEST_CASE(authorize_and_test_by_connection_name)
{
    const auto created = host.run(with({"create", sage_id, "--no-test"}, form()), env(false));
    BOOST_TEST_REQUIRE(created.exit_code == 0, describe(created));
    const std::vector<std::string> by_name{"--connection", "Books"};

    auto status = status_json(by_name);
    BOOST_TEST(status.at("connection").as_string() == "Books");
    BOOST_TEST(!status.at("present").as_bool());
    const auto hint = host.run(with({"oauth", "status", sage_id}, by_name), env(false));
    BOOST_TEST(
        contains(hint.out, "sign in with: sample_host oauth authorize sage-cloud-accounting --connection 'Books'"),
        describe(hint));

    sign_in_with_browser(by_name);
    status = status_json(by_name);
    BOOST_TEST(status.at("present").as_bool());
    // The same token store as the command-line form with the same Connection Name and client.
    const fs::path store = token_file(by_name);
    BOOST_TEST(token_file(form()) == store);
    const auto stored = secrets(store);

    const auto tested = host.run(with({"test", sage_id}, by_name), env(false));
    BOOST_TEST(tested.exit_code == 0, describe(tested));
    BOOST_TEST(first_line(tested.out) == "connection available");

    // FORM options override the saved values for one run only.
    const auto overridden = host.run(
        with({"test", sage_id, "--set", "ApiBaseURL=" + sage.text("api_base_url") + "-nowhere"}, by_name), env(false));
    BOOST_TEST(overridden.exit_code == 1, describe(overridden));
    const auto again = host.run(with({"test", sage_id}, by_name), env(false));
    BOOST_TEST(again.exit_code == 0, describe(again));

    const auto revoked = host.run(with({"oauth", "revoke", sage_id}, by_name), env(false));
    BOOST_TEST(revoked.exit_code == 0, describe(revoked));
    BOOST_TEST(!status_json(by_name).at("present").as_bool());

    require_no_secret_shown(stored, store);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(refusals)

BOOST_AUTO_TEST_CASE(a_connector_without_the_extension_is_refused_clearly)
{
    sample_host_runner host(E2E_PLUGIN_DIR);
    const auto r = host.run({"oauth", "status", fixture_id});
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.err, "the connector 'e2e-fixture' offers no OAuth sign-in for the host to manage"),
               describe(r));
    BOOST_TEST(contains(r.err, "oauth_management.v1"), describe(r));
    const auto doc = host.run_json({"oauth", "authorize", fixture_id}, 1);
    BOOST_TEST(contains(std::string(doc.at("error").as_string()), "oauth_management.v1"));
    BOOST_TEST(doc.at("exit_code").as_int64() == 1);
    BOOST_TEST(host.run({"oauth", "revoke", fixture_id}).exit_code == 1);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2)
{
    sample_host_runner host;
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"oauth"},
                                               {"oauth", "authorize"},
                                               {"oauth", "sign-in", sage_id},
                                               {"oauth", "authorize", sage_id, "--wait", "0"},
                                               {"oauth", "authorize", sage_id, "--wait", "soon"},
                                               {"oauth", "authorize", sage_id, "--headless", "--wait", "5"},
                                               {"oauth", "status", sage_id, "--set", "novalue"},
                                               {"oauth", "revoke", sage_id, "--connection"}}) {
        const auto r = host.run(args);
        BOOST_TEST(r.exit_code == 2, describe(r));
        BOOST_TEST(r.out.empty(), describe(r));
    }
}

BOOST_AUTO_TEST_CASE(help_tells_how_the_browser_is_chosen_and_what_the_exit_codes_mean)
{
    sample_host_runner host;
    const auto authorize = host.run({"oauth", "authorize", "--help"});
    BOOST_TEST(authorize.exit_code == 0, describe(authorize));
    for (const char* part : {"--headless", "--wait", "--connection", "BROWSER", "xdg-open", "OAuthVerifier",
                             "awaiting_verifier", "Exit 0"})
        BOOST_TEST(contains(authorize.out, part), part);
    for (const char* command : {"status", "revoke"}) {
        const auto r = host.run({"oauth", command, "--help"});
        BOOST_TEST(r.exit_code == 0, describe(r));
        BOOST_TEST(contains(r.out, "--connection"), command);
        BOOST_TEST(contains(r.out, "Exit 0"), command);
    }
    const auto top = host.run({"--help"});
    BOOST_TEST(contains(top.out, "oauth"), describe(top));
}

BOOST_AUTO_TEST_SUITE_END()
