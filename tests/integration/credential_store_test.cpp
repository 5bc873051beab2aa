// The connector keeping its tokens in the host's credential store (credential_store.v1), against the
// Sage sandbox (rotating single-use refresh tokens; its refresh counter is the ground truth): several
// connector instances with hosts of their own sharing one store, as the hosts of a fleet share a
// database, refresh exactly once per expiry; a lease holder that never gives the lease back holds the
// others up only for its TTL; a write that loses a compare-and-set never loses the newer refresh
// token; an invalid_grant on a token another process already rotated is recovered by reading again;
// and the management operations go through the store.
#define BOOST_TEST_MODULE credential_store
#include <boost/test/unit_test.hpp>

#include "connector/sage_connector.hpp"
#include "oauth/token_set.hpp"
#include "sandbox.hpp"

#include <connector_sdk/oauth_management.hpp>

#include <fake_host_services.hpp>
#include <memory_credential_store.hpp>
#include <module_sandbox.hpp>
#include <process.hpp>
#include <sandbox_form.hpp>
#include <sdk_printing.hpp>
#include <sign_in_browser.hpp>
#include <temp_dir.hpp>
#include <test_marketplace.hpp>

#include <atomic>
#include <latch>
#include <regex>
#include <thread>

using connector_sdk::error_category;
using sage_sandbox::counter;
using test_support::module_sandbox;
using namespace std::chrono_literals;

namespace {

constexpr char connection[] = "Shared";
constexpr auto access_lifetime = 60s; // short-lived access tokens: every wave finds them expired

// One host of the fleet: its own host_services (clock, state folder) and connector, the shared store.
struct fleet_host {
    test_support::temp_dir state{"credential-store-host"};
    test_support::fake_host_services services{state.path()};
    std::unique_ptr<connector_sdk::connector> connector;

    explicit fleet_host(connector_sdk::credential_store& store)
    {
        services.set_credential_store(&store);
        services.set_license_token(test_support::test_license(services.now()));
        connector = sage::sage_connector::make(services, test_support::test_marketplace_keys());
    }
};

struct fixture {
    sage_sandbox::sandbox& sage = module_sandbox::get();
    test_support::memory_credential_store store;

    fixture()
    {
        sage.service().reset();
        sage.service().set_access_token_lifetime(access_lifetime);
    }

    connector_sdk::form_values form() const
    {
        connector_sdk::form_values f = test_support::sandbox_form(sage, sage.client());
        f.set("ConnectionName", std::string(connection));
        f.set("InitiateOAuth", std::string("GETANDREFRESH"));
        f.set("Timeout", std::string("30"));
        return f;
    }

    // A set as a sign-in at `now` would leave it, from tokens the sandbox minted.
    sage::token_set set_from(const sage_sandbox::token_set& minted, std::chrono::system_clock::time_point now) const
    {
        sage::token_set set;
        set.client_id = sage.client().client_id;
        set.access_token = minted.access_token;
        set.refresh_token = minted.refresh_token;
        set.obtained_at = std::chrono::floor<std::chrono::seconds>(now);
        set.expires_at = set.obtained_at + minted.expires_in;
        set.scope = minted.scope;
        return set;
    }

    // Signs the connection in, as the host's sign-in would have stored it.
    sage::token_set sign_in(std::chrono::system_clock::time_point now)
    {
        const auto set = set_from(sage.service().mint_tokens(sage.client().client_id), now);
        store.put(connection, sage::to_json(set));
        return set;
    }

    [[nodiscard]] sage::token_set stored() const
    {
        const auto value = store.peek(connection);
        BOOST_REQUIRE(value.has_value());
        auto set = sage::token_set_from_json(value->value);
        BOOST_REQUIRE(set.has_value());
        return *set;
    }

    [[nodiscard]] bool active(const std::string& refresh_token) const
    {
        return sage.service().inspect_token(refresh_token).status == sage_sandbox::token_status::active;
    }

    // Another fleet member's refresh, done behind the connector's back (curl against the token
    // endpoint); answers the rotated set.
    sage::token_set refresh_elsewhere(const std::string& refresh_token, std::chrono::system_clock::time_point now)
    {
        const auto run = test_support::run_process(
            {"/usr/bin/curl", "-s", "--cacert", sage.info().ca_file.string(), "-d", "grant_type=refresh_token",
             "--data-urlencode", "refresh_token=" + refresh_token, "--data-urlencode",
             "client_id=" + sage.client().client_id, "--data-urlencode", "client_secret=" + sage.client().client_secret,
             sage.info().base_url + "/token"});
        auto set = sage::token_set_from_token_response(run.out, sage.client().client_id, now);
        BOOST_REQUIRE_MESSAGE(set.has_value(), "the refresh behind the connector's back failed: " << run.out);
        return *set;
    }
};

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(module_sandbox);

BOOST_FIXTURE_TEST_SUITE(fleet, fixture)

BOOST_AUTO_TEST_CASE(four_hosts_and_sixteen_concurrent_tests_refresh_once_per_expiry)
{
    std::vector<std::unique_ptr<fleet_host>> hosts;
    for (int i = 0; i < 4; ++i)
        hosts.push_back(std::make_unique<fleet_host>(store));
    sign_in(hosts[0]->services.now());

    // The tokens are read from the host's store: no refresh while they are fresh, and TEST says where.
    const auto first = hosts[0]->connector->test(form());
    BOOST_TEST_REQUIRE(first.available, first.message);
    BOOST_TEST(first.detail.find("OAuthSettingsLocation: the host's credential store (the test's in-memory store)") !=
                   std::string::npos,
               first.detail);
    BOOST_TEST(sage.counters()[counter::refreshes] == 0u);

    for (int wave = 0; wave < 4; ++wave) {
        sage.service().advance_clock(access_lifetime + 1s);
        for (auto& host : hosts)
            host->services.advance(access_lifetime + 1s);
        const auto before = sage.counters()[counter::refreshes];
        std::latch start(16);
        std::atomic<int> available{0};
        std::vector<std::string> failures;
        std::mutex failures_mutex;
        std::vector<std::thread> threads;
        for (int i = 0; i < 16; ++i)
            threads.emplace_back([&, i] {
                const auto f = form();
                start.arrive_and_wait();
                const auto r = hosts[static_cast<std::size_t>(i % 4)]->connector->test(f);
                if (r.available) {
                    ++available;
                } else {
                    std::lock_guard lock(failures_mutex);
                    failures.push_back(r.message);
                }
            });
        for (auto& t : threads)
            t.join();
        BOOST_TEST(available.load() == 16, "wave " << wave << ": " << (failures.empty() ? "" : failures.front()));
        BOOST_TEST(sage.counters()[counter::refreshes] - before == 1u, "wave " << wave);
        BOOST_TEST(sage.counters()[counter::invalid_grant] == 0u, "wave " << wave);
        BOOST_TEST(active(stored().refresh_token), "wave " << wave);
    }
    // Every lease taken was given back.
    const auto counts = store.count();
    BOOST_TEST(counts.leases_acquired == counts.leases_released);
    BOOST_TEST(!store.lease_owner(connection).has_value());
    BOOST_TEST_MESSAGE("4 waves x 16 TESTs on 4 hosts: " << counts.reads << " reads, " << counts.writes << " writes, "
                                                         << counts.leases_acquired << " leases taken, "
                                                         << counts.leases_refused << " lease requests waited");
}

BOOST_AUTO_TEST_CASE(a_lease_holder_that_never_gives_it_back_holds_the_others_up_only_for_its_ttl)
{
    fleet_host a(store);
    fleet_host b(store);
    sign_in(a.services.now());
    sage.service().advance_clock(access_lifetime + 1s);
    a.services.advance(access_lifetime + 1s);
    b.services.advance(access_lifetime + 1s);
    // A host took the lease and died.
    const auto dead = store.acquire_lease(connection, "a-host-that-died", 2s);
    BOOST_TEST_REQUIRE((dead.outcome == connector_sdk::lease_outcome::acquired));

    const auto started = std::chrono::steady_clock::now();
    std::atomic<int> available{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&, i] {
            if ((i % 2 == 0 ? a : b).connector->test(form()).available)
                ++available;
        });
    for (auto& t : threads)
        t.join();
    const auto waited = std::chrono::steady_clock::now() - started;
    BOOST_TEST(available.load() == 4);
    BOOST_TEST(sage.counters()[counter::refreshes] == 1u);
    BOOST_TEST(sage.counters()[counter::invalid_grant] == 0u);
    BOOST_TEST((waited >= 1500ms), "the others waited for the lease's TTL");
    BOOST_TEST((waited < 10s), "and not much longer");
    BOOST_TEST(store.count().leases_refused > 0u);
}

BOOST_AUTO_TEST_CASE(a_store_unreachable_is_named)
{
    fleet_host a(store);
    sign_in(a.services.now());
    store.set_unreachable(true);
    const auto r = a.connector->test(form());
    BOOST_TEST(!r.available);
    BOOST_TEST(r.message.find("credential store is unreachable") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(races, fixture)

// The set we refreshed from is stored again under a new version while our refresh runs (a writer whose
// lease ran out, a restored backup): our rotated set is the newer one and must replace it, else the
// only working refresh token would be lost.
BOOST_AUTO_TEST_CASE(a_conflict_with_an_older_set_keeps_the_newer_refresh_token)
{
    fleet_host a(store);
    const auto signed_in = sign_in(a.services.now());
    sage.service().advance_clock(access_lifetime + 1s);
    a.services.advance(access_lifetime + 1s);
    store.before_next_compare_and_set([&] { store.put(connection, sage::to_json(signed_in)); });

    const auto r = a.connector->test(form());
    BOOST_TEST_REQUIRE(r.available, r.message);
    BOOST_TEST(store.count().conflicts == 1u);
    BOOST_TEST(sage.counters()[counter::refreshes] == 1u);
    const auto kept = stored();
    BOOST_TEST(kept.refresh_token != signed_in.refresh_token);
    BOOST_TEST(active(kept.refresh_token), "the rotated refresh token was stored after the conflict");
    BOOST_TEST(!active(signed_in.refresh_token));

    // And the connection goes on from it.
    sage.service().advance_clock(access_lifetime + 1s);
    a.services.advance(access_lifetime + 1s);
    BOOST_TEST(a.connector->test(form()).available);
    BOOST_TEST(sage.counters()[counter::refreshes] == 2u);
    BOOST_TEST(sage.counters()[counter::invalid_grant] == 0u);
}

// A newer set lands while our refresh runs (the user signed in again elsewhere): it is kept and used,
// ours is dropped.
BOOST_AUTO_TEST_CASE(a_conflict_with_a_newer_set_keeps_that_set)
{
    fleet_host a(store);
    sign_in(a.services.now());
    sage.service().advance_clock(access_lifetime + 1s);
    a.services.advance(access_lifetime + 1s);
    sage::token_set newer;
    store.before_next_compare_and_set([&] {
        newer = set_from(sage.service().mint_tokens(sage.client().client_id), a.services.now() + 10s);
        store.put(connection, sage::to_json(newer));
    });

    const auto r = a.connector->test(form());
    BOOST_TEST_REQUIRE(r.available, r.message);
    BOOST_TEST(store.count().conflicts == 1u);
    BOOST_TEST(stored().refresh_token == newer.refresh_token);
    BOOST_TEST(active(newer.refresh_token));
}

// Another process rotated the token between our read under the lease and our refresh (its lease had
// run out): Sage answers invalid_grant, and reading again finds its set, fresh.
BOOST_AUTO_TEST_CASE(a_stale_invalid_grant_is_recovered_by_reading_again)
{
    fleet_host a(store);
    const auto signed_in = sign_in(a.services.now());
    sage.service().advance_clock(access_lifetime + 1s);
    a.services.advance(access_lifetime + 1s);
    sage::token_set theirs;
    store.after_next_read_under_lease([&] {
        theirs = refresh_elsewhere(signed_in.refresh_token, a.services.now());
        store.put(connection, sage::to_json(theirs));
    });

    const auto r = a.connector->test(form());
    BOOST_TEST_REQUIRE(r.available, r.message);
    BOOST_TEST(sage.counters()[counter::invalid_grant] == 1u); // ours, on the token already spent
    BOOST_TEST(sage.counters()[counter::refreshes] == 1u);     // theirs
    BOOST_TEST(stored().refresh_token == theirs.refresh_token);
    BOOST_TEST(active(theirs.refresh_token));
}

// The store stops answering between Sage's rotation and the write: the write is tried again for a few
// seconds, then the user is told the new tokens could not be kept; no copy is written anywhere else.
BOOST_AUTO_TEST_CASE(a_store_that_cannot_keep_the_rotated_set_is_named)
{
    fleet_host a(store);
    sign_in(a.services.now());
    sage.service().advance_clock(access_lifetime + 1s);
    a.services.advance(access_lifetime + 1s);
    store.before_next_compare_and_set([&] { store.set_unreachable(true); });

    const auto r = a.connector->test(form());
    BOOST_TEST(!r.available);
    BOOST_TEST(r.category == error_category::config);
    BOOST_TEST(r.message.find("Sage issued new tokens but the host's credential store") != std::string::npos,
               r.message);
    BOOST_TEST(r.message.find("unreachable") != std::string::npos, r.message);
    BOOST_TEST(sage.counters()[counter::refreshes] == 1u);
    BOOST_TEST(!std::filesystem::exists(a.state / "recovered-tokens"));
    store.set_unreachable(false);
}

// The token refused is the one stored: nobody has a newer one, the user must sign in; the stored set
// is left for the user to see (status) and replace.
BOOST_AUTO_TEST_CASE(invalid_grant_on_the_stored_version_asks_to_sign_in)
{
    fleet_host a(store);
    const auto signed_in = sign_in(a.services.now());
    refresh_elsewhere(signed_in.refresh_token, a.services.now()); // spent, and the answer lost
    sage.service().advance_clock(access_lifetime + 1s);
    a.services.advance(access_lifetime + 1s);

    const auto r = a.connector->test(form());
    BOOST_TEST(!r.available);
    BOOST_TEST(r.category == error_category::auth);
    BOOST_TEST(r.message.find("authorise again") != std::string::npos, r.message);
    BOOST_TEST(stored().refresh_token == signed_in.refresh_token);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(management, fixture)

BOOST_AUTO_TEST_CASE(status_and_revoke_go_through_the_store)
{
    fleet_host a(store);
    auto* oauth = connector_sdk::find_extension<connector_sdk::oauth_management>(*a.connector);
    BOOST_REQUIRE(oauth != nullptr);
    auto status = oauth->status(form());
    BOOST_TEST(!status.present);
    BOOST_TEST(status.location == "the host's credential store (the test's in-memory store)");
    const auto signed_in = sign_in(a.services.now());
    status = oauth->status(form());
    BOOST_TEST(status.present, status.message);
    BOOST_TEST(status.message.find("the host's credential store") != std::string::npos, status.message);
    BOOST_TEST(status.message.find(signed_in.refresh_token) == std::string::npos);

    // A location in the form is not used, and TEST says so.
    connector_sdk::form_values f = form();
    f.set("OAuthSettingsLocation", std::string("memory://elsewhere"));
    const auto tested = a.connector->test(f);
    BOOST_TEST_REQUIRE(tested.available, tested.message);
    BOOST_TEST(tested.detail.find("OAuthSettingsLocation is not used") != std::string::npos, tested.detail);

    const auto revoked = oauth->revoke(form());
    BOOST_TEST(revoked.ok, revoked.message);
    BOOST_TEST(!store.peek(connection).has_value());
    BOOST_TEST(!active(signed_in.refresh_token));
    BOOST_TEST(!store.lease_owner(connection).has_value());
    // No file holds a token in the host's state folder.
    for (const auto& entry : std::filesystem::recursive_directory_iterator(a.state.path()))
        if (entry.is_regular_file())
            BOOST_TEST(test_support::read_file(entry.path()).find(signed_in.refresh_token) == std::string::npos,
                       entry.path());
}

// A headless sign-in finished later with OAuthVerifier: the pending request (no token) waits in the
// state folder, the tokens go to the host's store.
BOOST_AUTO_TEST_CASE(a_headless_sign_in_stores_its_tokens_in_the_store)
{
    sage_sandbox::oauth_client client;
    client.client_id = sage_sandbox::make_client_id();
    client.client_secret = "headless-secret";
    client.redirect_uris = {"http://127.0.0.1:53682/callback"};
    sage.service().register_client(client);
    fleet_host a(store);
    auto* oauth = connector_sdk::find_extension<connector_sdk::oauth_management>(*a.connector);
    BOOST_REQUIRE(oauth != nullptr);
    connector_sdk::form_values f = form();
    f.set("ClientId", client.client_id);
    f.set("ClientSecret", client.client_secret);
    f.set("CallbackURL", client.redirect_uris.front());

    const auto started = oauth->authorize(f, {.headless = true, .wait = std::nullopt}); // nobody answers now
    BOOST_TEST_REQUIRE(started.awaiting_verifier, started.message);
    std::smatch m;
    const std::string said = a.services.everything_said();
    BOOST_REQUIRE(std::regex_search(said, m, std::regex("https://\\S+/oauth2/auth/central\\?\\S+")));
    const auto visit = test_support::visit_sage(m.str(0), sage.info().ca_file);
    connector_sdk::form_values finish = f;
    finish.set("OAuthVerifier", visit.location);
    const auto done = oauth->authorize(finish, {});
    BOOST_TEST_REQUIRE(done.ok, done.message);
    BOOST_TEST(done.message.find("tokens stored in the host's credential store") != std::string::npos, done.message);
    BOOST_TEST_REQUIRE(store.peek(connection).has_value());
    BOOST_TEST(a.connector->test(f).available);
}

BOOST_AUTO_TEST_SUITE_END()
