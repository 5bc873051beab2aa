// The sample host as the marketplace, through sample_host as a process, with the Sage sandbox as a
// child process for TEST: an unlicensed TEST is refused with the marketplace sentence, an
// administrator starts the trial and TEST works, the host clock (SAMPLE_HOST_NOW) moved past the
// trial's end plus grace refuses it again, a subscription makes it work; a second trial is refused
// even after the plugin folder was moved away and back; a user gets the marketplace sentence for
// every marketplace command and for TEST before licensing; renew/cancel; importing signing keys into
// the host database (never a data folder), and moving a key an older host left in the data folder.
//
// Each data folder's host clock only moves forward: the connector refuses a clock set back.
#define BOOST_TEST_MODULE e2e_marketplace
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"
#include "file_mode.hpp"
#include "sandbox_app.hpp"
#include "sandbox_process.hpp"

#include <connector_sdk/license.hpp>

#include <boost/json.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

using namespace e2e;
namespace json = boost::json;
namespace fs = std::filesystem;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_seconds;

namespace {

const std::string sentence =
    "Please request your administrator to start a trial or subscribe to the Premium Sage Cloud Accounting connector.";

std::string iso(sys_seconds t)
{
    const std::time_t seconds_since_epoch = std::chrono::system_clock::to_time_t(t);
    std::tm parts{};
    ::gmtime_r(&seconds_since_epoch, &parts);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return buffer;
}

// The host clock for one run: SAMPLE_HOST_NOW as Unix seconds.
std::map<std::string, std::string> at(sys_seconds t, std::map<std::string, std::string> more = {})
{
    more["SAMPLE_HOST_NOW"] = std::to_string(t.time_since_epoch().count());
    return more;
}

// The key id of the throw-away key this build generated, which the connector trusts.
std::string dev_key_id()
{
    const fs::path key = fs::path(CONNECTOR_TEST_BINARY_DIR) / "marketplace-dev" / "signing-key.pem";
    return connector_sdk::license_key_id(connector_sdk::license_public_key(test_support::read_file(key)));
}

// A private copy of the built Sage plugin folder, so a test may move it away and back.
struct private_plugins {
    test_support::temp_dir dir{"marketplace-plugins"};
    fs::path folder = dir / sage_id;
    private_plugins() { fs::copy(fs::path(CONNECTOR_TEST_PLUGIN_DIR) / sage_id, folder, fs::copy_options::recursive); }
};

// The Sage sandbox and a valid TEST form against it; each TEST run gets a refresh token of its own
// (the memory:// token store starts empty in every process).
struct sage_sandbox_fixture {
    test_support::sandbox_process sage{CONNECTOR_TEST_SAGE_SANDBOX, {"--port", "0"}};
    test_support::sandbox_app app{sage};
    std::vector<std::string> minted; // every refresh token handed out, for the "never printed" check

    std::vector<std::string> test_args() const
    {
        std::vector<std::string> args{"test", sage_id};
        for (auto& a : app.form_arguments("memory://marketplace-e2e"))
            args.push_back(std::move(a));
        return args;
    }

    std::map<std::string, std::string> secrets()
    {
        minted.emplace_back(app.mint_tokens().at("refresh_token").as_string());
        return app.secret_environment(minted.back());
    }

    // sample_host [--as USER] test sage-cloud-accounting FORM at host time `t`.
    test_support::process_result run_test(sample_host_runner& host, sys_seconds t, const std::string& as = "admin")
    {
        std::vector<std::string> args{"--as", as};
        for (auto& a : test_args())
            args.push_back(std::move(a));
        return host.run(args, at(t, secrets()));
    }

    void check_nothing_secret_printed(const sample_host_runner& host) const
    {
        BOOST_TEST(!contains(host.transcript(), app.client_secret()));
        for (const auto& token : minted)
            BOOST_TEST(!contains(host.transcript(), token));
    }
};

const sys_seconds t0 = std::chrono::floor<seconds>(std::chrono::system_clock::now());

const json::object* find_connector(const json::value& status, std::string_view id)
{
    for (const auto& c : status.at("connectors").as_array())
        if (c.at("id").as_string() == id)
            return &c.as_object();
    return nullptr;
}

std::string license_state(sample_host_runner& host, sys_seconds t)
{
    const auto doc = host.run_json({"plugins"}, 0, at(t));
    for (const auto& p : doc.at("plugins").as_array())
        if (p.at("id").as_string() == sage_id)
            return std::string(p.at("license").at("state").as_string());
    BOOST_FAIL("plugins does not list " << sage_id);
    return {};
}

struct pkey_free {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct bio_free {
    void operator()(BIO* p) const noexcept { BIO_free_all(p); }
};

std::string rsa_private_pem()
{
    std::unique_ptr<EVP_PKEY, pkey_free> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
    BOOST_REQUIRE(key);
    std::unique_ptr<BIO, bio_free> bio(BIO_new(BIO_s_mem()));
    BOOST_REQUIRE(PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(licensing_journey, sage_sandbox_fixture)

BOOST_AUTO_TEST_CASE(unlicensed_then_trial_then_expired_then_subscribed)
{
    private_plugins plugins;
    sample_host_runner host(plugins.dir.path());

    // 1. No licence: TEST of a valid form is refused with the marketplace sentence.
    const auto unlicensed = run_test(host, t0);
    BOOST_TEST(unlicensed.exit_code == 1, describe(unlicensed));
    BOOST_TEST(first_line(unlicensed.out) == "Connection unavailable: " + sentence, describe(unlicensed));
    BOOST_TEST(license_state(host, t0 + seconds(1)) == "none");

    // 2. The administrator starts the trial: 30 days and 7 of grace, from the manifest.
    const auto trial = host.run_json({"marketplace", "start-trial", sage_id}, 0, at(t0 + seconds(2)));
    const auto& licence = trial.at("license");
    BOOST_TEST(licence.at("kind").as_string() == "trial");
    BOOST_TEST(licence.at("plan").as_string() == "trial");
    BOOST_TEST(licence.at("tenant_id").as_string() == "default");
    BOOST_TEST(licence.at("connector_id").as_string() == sage_id);
    BOOST_TEST(licence.at("key_id").as_string() == dev_key_id());
    BOOST_TEST(licence.at("issued_at").as_string() == iso(t0 + seconds(2)));
    BOOST_TEST(licence.at("starts_at").as_string() == iso(t0 + seconds(2)));
    BOOST_TEST(licence.at("expires_at").as_string() == iso(t0 + seconds(2) + days(30)));
    BOOST_TEST(licence.at("grace_days").as_int64() == 7);
    BOOST_TEST(std::string(licence.at("license_id").as_string()).rfind("lic-", 0) == 0u);
    BOOST_TEST(trial.at("connector_license").at("state").as_string() == "trial_active");
    BOOST_TEST(trial.at("connector_license").at("days_left").as_int64() == 30);
    // The signing key was put in the host database, sealed: not in the data folder.
    BOOST_TEST(count_rows(host.data() / "host.db", "marketplace_signing_key") == 1);
    BOOST_TEST(!fs::exists(host.data() / "marketplace"));
    BOOST_TEST(!contains(all_bytes_under(host.data()), "PRIVATE KEY"));

    // 3. TEST works.
    const auto trial_test = run_test(host, t0 + hours(1));
    BOOST_TEST(trial_test.exit_code == 0, describe(trial_test));
    BOOST_TEST(first_line(trial_test.out) == "connection available", describe(trial_test));
    const auto listing = host.run({"plugins"}, at(t0 + hours(1)));
    BOOST_TEST(
        contains(listing.out, "trial, 30 days left (until " + iso(t0 + seconds(2) + days(30)).substr(0, 10) + ")"),
        describe(listing));

    // In the grace period it still works.
    const auto grace_test = run_test(host, t0 + days(31));
    BOOST_TEST(grace_test.exit_code == 0, describe(grace_test));
    BOOST_TEST(first_line(grace_test.out) == "connection available", describe(grace_test));
    BOOST_TEST(license_state(host, t0 + days(31)) == "grace");

    // 4. The host clock past the trial's end plus grace: refused again.
    const sys_seconds after = t0 + days(30 + 7) + hours(1);
    const auto expired = run_test(host, after);
    BOOST_TEST(expired.exit_code == 1, describe(expired));
    BOOST_TEST(first_line(expired.out) == "Connection unavailable: " + sentence, describe(expired));
    const auto status = host.run_json({"marketplace", "status", sage_id}, 0, at(after + seconds(1)));
    const auto* sage_status = find_connector(status, sage_id);
    BOOST_REQUIRE(sage_status != nullptr);
    BOOST_TEST(sage_status->at("tier").as_string() == "premium");
    BOOST_TEST(sage_status->at("license").at("state").as_string() == "expired");
    BOOST_TEST(sage_status->at("license").at("user_message").as_string() == sentence);
    BOOST_TEST(sage_status->at("trial").at("used").as_bool());
    BOOST_TEST(sage_status->at("trial").at("ended").as_bool());
    BOOST_TEST(sage_status->at("subscription").is_null());

    // 5. The administrator subscribes: TEST works again.
    const auto subscribed =
        host.run_json({"marketplace", "subscribe", sage_id, "--plan", "monthly"}, 0, at(after + seconds(2)));
    BOOST_TEST(subscribed.at("license").at("kind").as_string() == "subscription");
    BOOST_TEST(subscribed.at("license").at("plan").as_string() == "monthly");
    BOOST_TEST(subscribed.at("connector_license").at("state").as_string() == "subscription_active");
    BOOST_TEST(subscribed.at("subscription").at("plan").as_string() == "monthly");
    const auto subscribed_test = run_test(host, after + hours(1));
    BOOST_TEST(subscribed_test.exit_code == 0, describe(subscribed_test));
    BOOST_TEST(first_line(subscribed_test.out) == "connection available", describe(subscribed_test));

    const auto text_status = host.run({"marketplace", "status"}, at(after + hours(2)));
    BOOST_TEST(text_status.exit_code == 0, describe(text_status));
    BOOST_TEST(contains(text_status.out, "monthly subscription until"), describe(text_status));
    BOOST_TEST(contains(text_status.out, "trial:         used: started " + iso(t0 + seconds(2))),
               describe(text_status));

    check_nothing_secret_printed(host);
    BOOST_TEST(!contains(host.transcript(), "PRIVATE KEY"));
}

BOOST_AUTO_TEST_CASE(a_user_gets_the_marketplace_sentence_for_marketplace_commands_and_for_test)
{
    private_plugins plugins;
    sample_host_runner host(plugins.dir.path());
    BOOST_TEST_REQUIRE(host.run({"users", "add", "bob", "--role", "user"}, at(t0)).exit_code == 0);
    test_support::write_file(host.data().parent_path() / "bob-key.pem", connector_sdk::generate_license_signing_key());

    const std::vector<std::vector<std::string>> commands{
        {"marketplace", "start-trial", sage_id},
        {"marketplace", "subscribe", sage_id, "--plan", "monthly"},
        {"marketplace", "subscribe", sage_id, "--plan", "annual"},
        {"marketplace", "renew", sage_id},
        {"marketplace", "cancel", sage_id},
        {"marketplace", "status", sage_id},
        {"marketplace", "status"},
        {"marketplace", "init", "--signing-key", (host.data().parent_path() / "bob-key.pem").string()},
    };
    for (const auto& command : commands) {
        std::vector<std::string> args{"--as", "bob"};
        args.insert(args.end(), command.begin(), command.end());
        const auto r = host.run(args, at(t0 + seconds(1)));
        BOOST_TEST(r.exit_code == 1, command[1] << describe(r));
        BOOST_TEST(r.err == "error: " + sentence + "\n", command[1] << describe(r));
        BOOST_TEST(r.out.empty(), command[1] << describe(r));
        const auto doc = host.run_json(args, 1, at(t0 + seconds(2)));
        BOOST_TEST(doc.at("error").as_string() == sentence, command[1]);
        BOOST_TEST(doc.at("exit_code").as_int64() == 1);
    }
    // Nothing was issued or imported.
    BOOST_TEST(count_rows(host.data() / "host.db", "marketplace_signing_key") == 0);
    BOOST_TEST(license_state(host, t0 + seconds(3)) == "none");

    // TEST before licensing: the same sentence, from the connector.
    const auto bob_test = run_test(host, t0 + seconds(4), "bob");
    BOOST_TEST(bob_test.exit_code == 1, describe(bob_test));
    BOOST_TEST(first_line(bob_test.out) == "Connection unavailable: " + sentence, describe(bob_test));

    // Once the administrator starts the tenant's trial, bob's TEST works.
    BOOST_TEST_REQUIRE(host.run({"marketplace", "start-trial", sage_id}, at(t0 + seconds(5))).exit_code == 0);
    const auto licensed = run_test(host, t0 + seconds(6), "bob");
    BOOST_TEST(licensed.exit_code == 0, describe(licensed));
    BOOST_TEST(first_line(licensed.out) == "connection available", describe(licensed));
    check_nothing_secret_printed(host);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(trial_once)

BOOST_AUTO_TEST_CASE(a_second_trial_is_refused_even_after_the_plugin_folder_is_moved_away_and_back)
{
    private_plugins plugins;
    sample_host_runner host(plugins.dir.path());
    const auto first = host.run({"marketplace", "start-trial", sage_id}, at(t0));
    BOOST_TEST(first.exit_code == 0, describe(first));
    BOOST_TEST(contains(first.out, "Trial of Sage Cloud Accounting started for tenant 'default': 30 days"),
               describe(first));

    const auto again = host.run({"marketplace", "start-trial", sage_id}, at(t0 + seconds(1)));
    BOOST_TEST(again.exit_code == 1, describe(again));
    BOOST_TEST(contains(again.err, "already used by tenant 'default'"), describe(again));

    // The plugin is removed: the marketplace no longer knows the connector, but the host keeps the record.
    test_support::temp_dir elsewhere{"marketplace-uninstalled"};
    fs::rename(plugins.folder, elsewhere / sage_id);
    const auto missing = host.run({"marketplace", "start-trial", sage_id}, at(t0 + seconds(2)));
    BOOST_TEST(missing.exit_code == 1, describe(missing));
    BOOST_TEST(contains(missing.err, "no connector 'sage-cloud-accounting'"), describe(missing));
    const auto records = host.run_json({"marketplace", "status"}, 0, at(t0 + seconds(3)));
    const auto* kept = find_connector(records, sage_id);
    BOOST_REQUIRE(kept != nullptr);
    BOOST_TEST(!kept->at("installed").as_bool());
    BOOST_TEST(kept->at("trial").at("used").as_bool());

    // Installed again: still no second trial.
    fs::rename(elsewhere / sage_id, plugins.folder);
    const auto reinstalled = host.run_json({"marketplace", "start-trial", sage_id}, 1, at(t0 + seconds(4)));
    BOOST_TEST(contains(std::string(reinstalled.at("error").as_string()), "already used"), reinstalled);
    BOOST_TEST(contains(std::string(reinstalled.at("error").as_string()), "once per tenant"), reinstalled);
    // The first trial's licence still works.
    BOOST_TEST(license_state(host, t0 + seconds(5)) == "trial_active");

    // Another tenant has a trial of its own.
    BOOST_TEST_REQUIRE(
        host.run({"users", "add", "carol", "--role", "admin", "--tenant", "acme"}, at(t0 + seconds(6))).exit_code == 0);
    const auto acme = host.run_json({"--as", "carol", "marketplace", "start-trial", sage_id}, 0, at(t0 + seconds(7)));
    BOOST_TEST(acme.at("license").at("tenant_id").as_string() == "acme");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(licence_clock)

// A trial past its end became "16 days left" again once the clock file was deleted and the clock set
// back. Now the host's floor is sealed under its key: set back, deleted or edited, it fails closed.
BOOST_AUTO_TEST_CASE(setting_the_clock_back_or_deleting_the_floor_revives_no_licence)
{
    sample_host_runner host;
    BOOST_TEST_REQUIRE(host.run({"marketplace", "start-trial", sage_id}, at(t0)).exit_code == 0);
    BOOST_TEST(license_state(host, t0 + days(40)) == "expired");

    const auto back = host.run({"plugins"}, at(t0 + days(14)));
    BOOST_TEST(back.exit_code != 0, describe(back));
    BOOST_TEST(contains(back.err, "a time this host has already seen"), describe(back));
    BOOST_TEST(!contains(back.out, "days left"), describe(back));

    const fs::path db_file = host.data() / "host.db";
    BOOST_TEST_REQUIRE(count_rows(db_file, "clock_floor") == 1);
    run_sql(db_file, "DELETE FROM clock_floor");
    fs::remove(host.data() / "state" / "default" / sage_id / "license-clock");
    const auto deleted = host.run({"plugins"}, at(t0 + days(14)));
    BOOST_TEST(deleted.exit_code != 0, describe(deleted));
    BOOST_TEST(contains(deleted.err, "is missing although licences are held"), describe(deleted));
    BOOST_TEST(!contains(deleted.out, "days left"), describe(deleted));
    BOOST_TEST(count_rows(db_file, "clock_floor") == 0); // nothing recreated: it stays refused, at any time
    const auto later = host.run({"plugins"}, at(t0 + days(41)));
    BOOST_TEST(later.exit_code != 0, describe(later));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(subscriptions)

BOOST_AUTO_TEST_CASE(renew_extends_by_a_period_and_cancel_ends_at_expiry_with_no_renewal)
{
    private_plugins plugins;
    sample_host_runner host(plugins.dir.path());
    const auto sub = host.run_json({"marketplace", "subscribe", sage_id, "--plan", "monthly"}, 0, at(t0));
    const std::string first_expiry(sub.at("license").at("expires_at").as_string());

    const auto twice = host.run_json({"marketplace", "subscribe", sage_id, "--plan", "annual"}, 1, at(t0 + seconds(1)));
    BOOST_TEST(contains(std::string(twice.at("error").as_string()), "marketplace renew"), twice);

    const auto renewed = host.run_json({"marketplace", "renew", sage_id}, 0, at(t0 + days(1)));
    BOOST_TEST(renewed.at("license").at("starts_at").as_string() == iso(t0)); // unbroken
    BOOST_TEST(renewed.at("subscription").at("expires_at") == renewed.at("license").at("expires_at"));
    BOOST_TEST(std::string(renewed.at("license").at("expires_at").as_string()) > first_expiry);
    // Whatever the month lengths, two months on: 59 to 62 days.
    const auto expiry_seconds = [&](const json::value& doc) {
        const std::string text(doc.at("license").at("expires_at").as_string());
        int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
        BOOST_REQUIRE(std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) == 6);
        using namespace std::chrono;
        return sys_seconds(sys_days(year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)})) +
               hours(h) + minutes(mi) + seconds(s);
    };
    const sys_seconds expiry = expiry_seconds(renewed);
    BOOST_TEST(((expiry - t0) >= days(59) && (expiry - t0) <= days(62)), iso(expiry));

    const auto cancelled = host.run_json({"marketplace", "cancel", sage_id}, 0, at(t0 + days(2)));
    BOOST_TEST(cancelled.at("license").at("grace_days").as_int64() == 0);
    BOOST_TEST(cancelled.at("license").at("expires_at").as_string() == iso(expiry));
    BOOST_TEST(cancelled.at("subscription").at("cancelled").as_bool());
    BOOST_TEST(!cancelled.at("subscription").at("renews").as_bool());

    const auto no_renewal = host.run({"marketplace", "renew", sage_id}, at(t0 + days(3)));
    BOOST_TEST(no_renewal.exit_code == 1, describe(no_renewal));
    BOOST_TEST(contains(no_renewal.err, "was cancelled"), describe(no_renewal));

    // Works until the expiry, not after (no grace after a cancellation).
    BOOST_TEST(license_state(host, expiry - hours(1)) == "subscription_active");
    BOOST_TEST(license_state(host, expiry + hours(1)) == "expired");
    const auto status = host.run({"marketplace", "status", sage_id}, at(expiry + hours(2)));
    BOOST_TEST(contains(status.out, "(ends at expiry, not renewed)"), describe(status));
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2)
{
    private_plugins plugins;
    sample_host_runner host(plugins.dir.path());
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"marketplace"},
                                               {"marketplace", "subscribe", sage_id},
                                               {"marketplace", "subscribe", sage_id, "--plan", "weekly"},
                                               {"marketplace", "start-trial"},
                                               {"marketplace", "init"}}) {
        const auto r = host.run(args, at(t0));
        BOOST_TEST(r.exit_code == 2, args.back() << describe(r));
    }
    const auto unknown = host.run({"marketplace", "start-trial", "no-such-connector"}, at(t0));
    BOOST_TEST(unknown.exit_code == 1, describe(unknown));
    BOOST_TEST(contains(unknown.err, "no connector 'no-such-connector'"), describe(unknown));
    for (const char* command : {"start-trial", "subscribe", "renew", "cancel", "status", "init"}) {
        const auto help = host.run({"marketplace", command, "--help"}, at(t0));
        BOOST_TEST(help.exit_code == 0, command << describe(help));
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(signing_key)

BOOST_AUTO_TEST_CASE(init_refuses_a_non_ed25519_key_and_a_key_the_connector_does_not_trust_uses_no_trial)
{
    private_plugins plugins;
    sample_host_runner host(plugins.dir.path());
    const fs::path keys = host.data().parent_path();
    test_support::write_file(keys / "rsa.pem", rsa_private_pem());
    const auto rsa = host.run({"marketplace", "init", "--signing-key", (keys / "rsa.pem").string()}, at(t0));
    BOOST_TEST(rsa.exit_code == 1, describe(rsa));
    BOOST_TEST(contains(rsa.err, "not an Ed25519 key"), describe(rsa));
    BOOST_TEST(count_rows(host.data() / "host.db", "marketplace_signing_key") == 0);

    // An Ed25519 key the connector was not built to trust: imported, but no licence is issued with it.
    test_support::write_file(keys / "other.pem", connector_sdk::generate_license_signing_key());
    const auto imported =
        host.run_json({"marketplace", "init", "--signing-key", (keys / "other.pem").string()}, 0, at(t0));
    BOOST_TEST(imported.at("outcome").as_string() == "imported");
    BOOST_TEST(imported.at("key_id").as_string() != dev_key_id());
    BOOST_TEST(count_rows(host.data() / "host.db", "marketplace_signing_key") == 1);
    BOOST_TEST(!fs::exists(host.data() / "marketplace"));
    const auto untrusted = host.run({"marketplace", "start-trial", sage_id}, at(t0 + seconds(1)));
    BOOST_TEST(untrusted.exit_code == 1, describe(untrusted));
    BOOST_TEST(contains(untrusted.err, "does not accept the licence"), describe(untrusted));
    BOOST_TEST(contains(untrusted.err, "the trial is still unused"), describe(untrusted));
    const auto status = host.run_json({"marketplace", "status", sage_id}, 0, at(t0 + seconds(2)));
    BOOST_TEST(!find_connector(status, sage_id)->at("trial").at("used").as_bool());

    // Replacing it with the key the connector trusts (here: the build's dev key) makes the trial work.
    const fs::path dev = fs::path(CONNECTOR_TEST_BINARY_DIR) / "marketplace-dev" / "signing-key.pem";
    const auto same = host.run({"marketplace", "init", "--signing-key", dev.string()}, at(t0 + seconds(3)));
    BOOST_TEST(same.exit_code == 1, describe(same));
    BOOST_TEST(contains(same.err, "--replace"), describe(same));
    const auto replaced =
        host.run_json({"marketplace", "init", "--signing-key", dev.string(), "--replace"}, 0, at(t0 + seconds(4)));
    BOOST_TEST(replaced.at("outcome").as_string() == "replaced");
    BOOST_TEST(replaced.at("key_id").as_string() == dev_key_id());
    const auto trial = host.run_json({"marketplace", "start-trial", sage_id}, 0, at(t0 + seconds(5)));
    BOOST_TEST(trial.at("connector_license").at("state").as_string() == "trial_active");
    BOOST_TEST(!contains(host.transcript(), "PRIVATE KEY"));
    BOOST_TEST(!contains(host.transcript(), test_support::read_file(keys / "other.pem").substr(28, 40)));
}

BOOST_AUTO_TEST_CASE(a_key_an_older_host_left_in_the_data_folder_is_moved_into_the_database)
{
    private_plugins plugins;
    sample_host_runner host(plugins.dir.path());
    const fs::path dev = fs::path(CONNECTOR_TEST_BINARY_DIR) / "marketplace-dev" / "signing-key.pem";
    const fs::path legacy = host.data() / "marketplace" / "signing-key.pem";
    const std::string pem = test_support::read_file(dev);
    test_support::write_file(legacy, pem);
    fs::permissions(host.data() / "marketplace", fs::perms(0700));
    fs::permissions(legacy, fs::perms(0600));

    const auto trial = host.run({"marketplace", "start-trial", sage_id}, at(t0));
    BOOST_TEST(trial.exit_code == 0, describe(trial));
    BOOST_TEST(contains(trial.err, "moved the marketplace signing key " + dev_key_id() + " from " + legacy.string()),
               describe(trial));
    BOOST_TEST(!fs::exists(legacy));
    BOOST_TEST(!fs::exists(host.data() / "marketplace"));
    BOOST_TEST(count_rows(host.data() / "host.db", "marketplace_signing_key") == 1);
    const std::string stored = all_bytes_under(host.data());
    BOOST_TEST(!contains(stored, "PRIVATE KEY"));
    BOOST_TEST(!contains(stored, pem.substr(28, 40)));
    BOOST_TEST(!contains(host.transcript(), pem.substr(28, 40)));

    // A different key left behind later (a restored backup of the data folder) is refused, naming both.
    const std::string other = connector_sdk::generate_license_signing_key();
    test_support::write_file(legacy, other);
    fs::permissions(legacy, fs::perms(0600));
    const std::string other_id = connector_sdk::license_key_id(connector_sdk::license_public_key(other));
    const auto refused = host.run({"marketplace", "subscribe", sage_id, "--plan", "monthly"}, at(t0 + seconds(1)));
    BOOST_TEST(refused.exit_code == 1, describe(refused));
    BOOST_TEST(contains(refused.err, dev_key_id()), describe(refused));
    BOOST_TEST(contains(refused.err, other_id), describe(refused));
    BOOST_TEST(contains(refused.err, "delete " + legacy.string()), describe(refused));
    BOOST_TEST(contains(refused.err, "--replace"), describe(refused));
    BOOST_TEST(fs::exists(legacy));
    BOOST_TEST(!contains(host.transcript(), other.substr(28, 40)));
}

BOOST_AUTO_TEST_SUITE_END()
