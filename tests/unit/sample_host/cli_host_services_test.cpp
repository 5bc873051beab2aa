// cli_host_services and the host clock: SAMPLE_HOST_NOW parsing, the clock it starts, the state
// folder (mode 0700), tenant and licence token, the host's default OAuth app (from the database, its
// secret sealed; one sealed under another host key is refused and logged), the log (levels, masking),
// and the terminal services that must never block without a person (prompt at end of input).
#define BOOST_TEST_MODULE cli_host_services
#include <boost/test/unit_test.hpp>

#include "connectors/cli_host_services.hpp"
#include "connectors/host_credential_store.hpp"
#include "file_mode.hpp"
#include "marketplace/license_repository.hpp"
#include "output/host_log.hpp"
#include "runtime/host_clock.hpp"
#include "runtime/host_error.hpp"
#include "security/host_key.hpp"
#include "security/secret_cipher.hpp"
#include "security/secret_redactor.hpp"
#include "storage/credential_vault.hpp"
#include "storage/oauth_app_store.hpp"
#include "storage/schema_migrations.hpp"
#include "storage/sqlite_database.hpp"
#include "storage/user_directory.hpp"
#include "temp_dir.hpp"

#include <connector_sdk/credential_store.hpp>
#include <connector_support/time_text.hpp>

#include <sys/stat.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

using namespace sample_host;
using namespace std::chrono;

namespace {

system_clock::time_point at(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0)
{
    return sys_days(year(y) / month(m) / day(d)) + hours(hh) + minutes(mm) + seconds(ss);
}

// A data folder with a migrated database, and services for tenant "default" and connector "demo".
struct services_fixture {
    test_support::temp_dir data{"host-services"};
    sqlite_database db{data / "host.db"};
    license_repository licenses{db};
    secret_redactor redactor;
    host_log log{data / "logs" / "host.log", false, redactor};
    host_clock clock{at(2027, 1, 31)};
    secret_cipher cipher{load_or_create_host_key(data / "host.key")};
    oauth_app_store apps{db, [this]() -> const secret_cipher& { return cipher; }};
    cli_host_services services{{"default", "demo", data.path()},
                               clock,
                               log,
                               licenses,
                               redactor,
                               [this]() -> oauth_app_store& {
            return apps; }};

    services_fixture()
    {
        migrate(db, host_migrations());
        user_directory(db).bootstrap(floor<seconds>(clock.now()));
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(sample_host_now)

BOOST_AUTO_TEST_CASE(iso_8601_utc_and_unix_seconds_are_accepted)
{
    BOOST_TEST((parse_instant("2027-01-31T00:00:00Z") == at(2027, 1, 31)));
    BOOST_TEST((parse_instant("2027-01-31T23:59:58z") == at(2027, 1, 31, 23, 59, 58)));
    BOOST_TEST((parse_instant("2024-02-29T12:30:00+00:00") == at(2024, 2, 29, 12, 30)));
    BOOST_TEST((parse_instant("2027-01-31T00:00:00.123Z") == at(2027, 1, 31)));
    BOOST_TEST((parse_instant("1801353600") == at(2027, 1, 31)));
    BOOST_TEST((parse_instant("0") == system_clock::time_point{}));
}

BOOST_AUTO_TEST_CASE(anything_else_is_refused)
{
    for (const char* bad : {"", "yesterday", "2027-01-31", "2027-01-31T00:00:00", "2027-01-31 00:00:00Z",
                            "2027-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2027-01-31T24:00:00Z",
                            "2027-01-31T00:00:00+01:00", "2027-01-31T00:00:00.Z", "-5", "12345678901234", "1e9"})
        BOOST_TEST(!parse_instant(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(instants_format_back_to_iso_8601)
{
    BOOST_TEST(connector_support::utc_iso_text(at(2027, 1, 31, 8, 5, 9)) == "2027-01-31T08:05:09Z");
    BOOST_TEST(connector_support::utc_iso_text(*parse_instant("1801353600")) == "2027-01-31T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(the_environment_variable_starts_the_clock_there)
{
    ::setenv("SAMPLE_HOST_NOW", "2030-06-01T00:00:00Z", 1);
    const host_clock clock = host_clock::from_environment();
    BOOST_TEST(clock.overridden());
    const auto drift = clock.now() - at(2030, 6, 1);
    BOOST_TEST((drift >= system_clock::duration::zero() && drift < seconds(5)));

    ::setenv("SAMPLE_HOST_NOW", "next tuesday", 1);
    try {
        (void)host_clock::from_environment();
        BOOST_FAIL("a bad SAMPLE_HOST_NOW was accepted");
    } catch (const usage_error& e) {
        BOOST_TEST(std::string(e.what()).find("SAMPLE_HOST_NOW=\"next tuesday\" is not an instant") == 0u, e.what());
    }
    ::unsetenv("SAMPLE_HOST_NOW");
    BOOST_TEST(!host_clock::from_environment().overridden());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(services, services_fixture)

BOOST_AUTO_TEST_CASE(now_comes_from_the_host_clock)
{
    const auto drift = services.now() - at(2027, 1, 31);
    BOOST_TEST((drift >= system_clock::duration::zero() && drift < seconds(5)));
}

BOOST_AUTO_TEST_CASE(the_state_folder_is_per_tenant_and_connector_with_mode_0700)
{
    const auto folder = services.state_directory();
    BOOST_TEST(folder == data / "state" / "default" / "demo");
    BOOST_TEST(std::filesystem::is_directory(folder));
    BOOST_TEST(test_support::file_mode(folder) == 0700u);
    BOOST_TEST(test_support::file_mode(data / "state") == 0700u);
    BOOST_TEST(services.state_directory() == folder); // asking again is harmless
}

BOOST_AUTO_TEST_CASE(tenant_and_licence_token_come_from_the_store)
{
    BOOST_TEST(services.tenant_id() == "default");
    BOOST_TEST(!services.license_token("demo").has_value());
    licenses.store("default", "demo", "header.payload.signature", floor<seconds>(clock.now()));
    BOOST_TEST(services.license_token("demo").value() == "header.payload.signature");
    BOOST_TEST(!services.license_token("another").has_value());
}

// A service whose body throws (here the licence store's table is gone) never lets the exception
// reach the connector: it answers "nothing" and the host log says why.
BOOST_AUTO_TEST_CASE(a_failing_service_answers_nothing_and_logs_why)
{
    db.execute("DROP TABLE licenses");
    BOOST_TEST(!services.license_token("demo").has_value());
    const std::string text = test_support::read_file(data / "logs" / "host.log");
    BOOST_TEST(text.find("[error] host: cannot read the licence of demo: ") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(the_default_oauth_app_comes_from_the_database_and_its_secret_is_masked)
{
    BOOST_TEST(!services.default_oauth_app("demo").has_value());
    apps.put("demo", oauth_app("host-app", "host-app-secret"), "admin", floor<seconds>(clock.now()));
    const auto app = services.default_oauth_app("demo");
    BOOST_REQUIRE(app.has_value());
    BOOST_TEST(app->client_id == "host-app");
    BOOST_TEST(app->client_secret == "host-app-secret");
    BOOST_TEST(!services.default_oauth_app("other").has_value());
    // The host's secret is now masked wherever the host prints.
    BOOST_TEST(redactor.redact("x host-app-secret y") == "x ******** y");
    // A data folder's oauth_apps.json is no longer read here: host_context moves it into the database.
    test_support::write_file(data / "oauth_apps.json", R"({"other": {"client_id": "a", "client_secret": "b"}})");
    BOOST_TEST(!services.default_oauth_app("other").has_value());
}

BOOST_AUTO_TEST_CASE(an_app_sealed_under_another_host_key_is_refused_and_logged_without_its_secret)
{
    test_support::temp_dir elsewhere{"other-host-key"};
    const secret_cipher other{load_or_create_host_key(elsewhere / "host.key")};
    oauth_app_store(db, [&]() -> const secret_cipher& {
        return other;
    }).put("demo", oauth_app("host-app", "sealed-elsewhere-secret"), "admin", floor<seconds>(clock.now()));
    BOOST_TEST(!services.default_oauth_app("demo").has_value());
    const std::string text = test_support::read_file(data / "logs" / "host.log");
    BOOST_TEST(text.find("default_oauth_app failed") != std::string::npos, text);
    BOOST_TEST(text.find("another host key") != std::string::npos, text);
    BOOST_TEST(text.find("--host-key") != std::string::npos, text);
    BOOST_TEST(text.find("sealed-elsewhere-secret") == std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(log_lines_carry_their_level_and_never_a_known_secret)
{
    redactor.add("hunter2-secret");
    services.log(connector_sdk::log_level::warning, "token hunter2-secret refused\nforged line");
    const std::string text = test_support::read_file(data / "logs" / "host.log");
    BOOST_TEST(text.find("[warning] demo: token ******** refused forged line") != std::string::npos, text);
    BOOST_TEST(text.find("hunter2") == std::string::npos, text);
    BOOST_TEST(test_support::file_mode(data / "logs" / "host.log") == 0600u);
    BOOST_TEST(test_support::file_mode(data / "logs") == 0700u);
}

BOOST_AUTO_TEST_CASE(no_browser_without_browser_or_a_desktop)
{
    ::unsetenv("BROWSER");
    ::unsetenv("DISPLAY");
    ::unsetenv("WAYLAND_DISPLAY");
    BOOST_TEST(!services.open_browser("https://example.com/authorize"));
    const std::string text = test_support::read_file(data / "logs" / "host.log");
    BOOST_TEST(text.find("no browser opened") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(browser_names_the_program_to_start)
{
    const auto marker = data / "opened";
    test_support::write_file(data / "browser.sh", "#!/bin/sh\nprintf '%s' \"$1\" > \"" + marker.string() +
                                                      ".tmp\"\nmv \"" + marker.string() + ".tmp\" \"" +
                                                      marker.string() + "\"\n");
    ::chmod((data / "browser.sh").c_str(), 0700);
    ::setenv("BROWSER", (data / "browser.sh").c_str(), 1);
    ::unsetenv("DISPLAY");
    ::unsetenv("WAYLAND_DISPLAY");
    const bool opened = services.open_browser("https://example.com/authorize?state=abc&x=1");
    ::unsetenv("BROWSER");
    BOOST_TEST(opened);
    for (int i = 0; i < 100 && !std::filesystem::exists(marker); ++i)
        ::usleep(50000);
    BOOST_TEST(test_support::read_file(marker) == "https://example.com/authorize?state=abc&x=1");
}

BOOST_AUTO_TEST_CASE(prompt_returns_nothing_at_end_of_input)
{
    BOOST_REQUIRE(std::freopen("/dev/null", "r", stdin) != nullptr);
    BOOST_TEST(!services.prompt_user("Paste the callback URL:").has_value());
}

BOOST_AUTO_TEST_CASE(prompt_reads_one_line_and_masks_the_answer_from_then_on)
{
    test_support::write_file(data / "answer",
                             "http://127.0.0.1:3333/callback?code=GB%2Fsecret-code-42&state=s1\r\nnext\n");
    BOOST_REQUIRE(std::freopen((data / "answer").c_str(), "r", stdin) != nullptr);
    std::cin.clear(); // an earlier case left std::cin at end of input
    const auto answer = services.prompt_user("Paste the callback URL:");
    BOOST_REQUIRE(answer.has_value());
    BOOST_TEST(*answer == "http://127.0.0.1:3333/callback?code=GB%2Fsecret-code-42&state=s1");
    // The code, as pasted and decoded, never appears in anything printed or logged afterwards.
    BOOST_TEST(redactor.redact("code GB/secret-code-42 and GB%2Fsecret-code-42") == "code ******** and ********");
    services.log(connector_sdk::log_level::info, "exchanging GB/secret-code-42");
    BOOST_TEST(test_support::read_file(data / "logs" / "host.log").find("secret-code") == std::string::npos);
    BOOST_REQUIRE(std::freopen("/dev/null", "r", stdin) != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(redaction)

BOOST_AUTO_TEST_CASE(every_occurrence_is_masked_longest_first)
{
    secret_redactor r;
    r.add("abc"); // too short to be searched for
    r.add("secret");
    r.add("secret-longer");
    BOOST_TEST(r.redact("secret-longer and secret and abc") == "******** and ******** and abc");
    BOOST_TEST(r.redact("") == "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(credential_store_service, services_fixture)

BOOST_AUTO_TEST_CASE(without_a_store_no_service_is_offered)
{
    BOOST_TEST(connector_sdk::find_service<connector_sdk::credential_store>(services) == nullptr);
    BOOST_TEST(services.query_service("no_such_service.v1") == nullptr);
}

BOOST_AUTO_TEST_CASE(the_store_is_offered_for_the_scope_s_tenant_and_connector_only)
{
    credential_vault vault(db, [&]() -> const secret_cipher& { return cipher; });
    cli_host_services with_store{{"default", "demo", data.path()},
                                 clock,
                                 log,
                                 licenses,
                                 redactor,
                                 {},
                                 std::make_unique<host_credential_store>([&]() -> credential_vault& { return vault; },
                                                                         credential_owner{"default", "demo"},
                                                                         db.location(), log)};
    auto* store = connector_sdk::find_service<connector_sdk::credential_store>(with_store);
    BOOST_REQUIRE(store != nullptr);
    BOOST_TEST(with_store.query_service("credential_store.v2") == nullptr);
    BOOST_TEST(
        (store->compare_and_set("Books", 0, "token set").outcome == connector_sdk::credential_write_outcome::stored));
    BOOST_TEST(vault.read({"default", "demo"}, "Books")->value == "token set");
    BOOST_TEST(!vault.read({"default", "other"}, "Books").has_value());
    BOOST_TEST(!vault.read({"acme", "demo"}, "Books").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
