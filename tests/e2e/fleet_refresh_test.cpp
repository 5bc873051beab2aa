// A fleet refreshing Sage tokens: three sample_host processes' data folders on one PostgreSQL database
// and one host key (and, a second time, on one SQLite file: several processes on one machine), the
// connector keeping its tokens in the host's credential store, against the Sage sandbox issuing access
// tokens that live 5 s (tests/support/fleet_driver). Waves of concurrent TESTs spread across the hosts
// spend exactly one refresh per expiry (the sandbox's counters are the ground truth) and never meet
// invalid_grant; TESTs SIGKILLed while they hold the lease, mid-refresh, hold the others up for the
// lease's TTL only, and lose nothing but the documented window.
//
// FLEET_WAVES (5), FLEET_TESTS_PER_WAVE (8), FLEET_KILL_ROUNDS (20 per engine; rounds on different
// connections share a lease TTL) and FLEET_KILLS_AT_ONCE (10 at most per shared TTL) scale it.
#define BOOST_TEST_MODULE fleet_refresh
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"
#include "fleet_driver.hpp"
#include "postgresql_server.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

using namespace e2e;
using namespace std::chrono_literals;
using test_support::fleet_driver;
using test_support::fleet_test_result;

namespace {

int setting(const char* name, int fallback)
{
    const char* value = std::getenv(name);
    return value != nullptr && std::atoi(value) > 0 ? std::atoi(value) : fallback;
}

test_support::postgresql_server& server()
{
    static test_support::postgresql_server instance;
    return instance;
}

// Every TEST's Timeout, and the lease the connector takes for it: Timeout + 5 s (lease_ttl_for,
// plugin/src/oauth/token_manager.cpp; docs/fleet.md).
constexpr int timeout_seconds = 2;
constexpr auto lease_ttl = std::chrono::seconds(timeout_seconds) + 5s;
// An access token of 5 s is refreshed when a fifth of its life is left: 4 s after it was issued.
constexpr auto until_stale = 4500ms;
// Victims on further connections are killed while the first one's lease has more than this left, up to
// FLEET_KILLS_AT_ONCE (10: their others, three each, then start at once, thirty host processes).
constexpr auto lease_left_for_others = 2s;

std::string seconds_text(std::chrono::steady_clock::duration d)
{
    return std::to_string(std::chrono::duration<double>(d).count()) + " s";
}

void waves_of_tests_refresh_once_per_expiry(fleet_driver& f)
{
    const int waves = setting("FLEET_WAVES", 5);
    const int per_wave = setting("FLEET_TESTS_PER_WAVE", 8);
    f.reset_counters();
    int available = 0;
    // A wave normally ends well inside one token's fresh life: one refresh each. On a starved machine
    // (asan, a loaded CI) a wave can outlast it, and its later TESTs rightly refresh the token that
    // went stale meanwhile: such a wave is allowed one more refresh per fresh life it spanned, never
    // one for two TESTs that saw the same stale token (invalid_grant stays 0 either way).
    const auto fresh_life = until_stale - 500ms;
    std::int64_t allowed = 0;
    std::string durations;
    for (int wave = 0; wave < waves; ++wave) {
        if (wave > 0)
            std::this_thread::sleep_for(until_stale);
        const auto started = std::chrono::steady_clock::now();
        std::vector<test_support::started_process> running;
        for (int i = 0; i < per_wave; ++i)
            running.push_back(f.start_test(static_cast<std::size_t>(i)));
        for (const auto& r : fleet_driver::finish_all(running)) {
            BOOST_TEST(r.available(), "wave " << wave << ": " << r.out << r.err);
            available += r.available() ? 1 : 0;
        }
        const auto took = std::chrono::steady_clock::now() - started;
        allowed += 1 + static_cast<std::int64_t>(took / fresh_life);
        durations += (durations.empty() ? "" : ", ") + seconds_text(took);
    }
    const std::int64_t refreshes = f.counter("refreshes");
    BOOST_TEST(available == waves * per_wave);
    BOOST_TEST(refreshes >= waves); // every expiry was refreshed
    BOOST_TEST(refreshes <= allowed, "at most one refresh per expiry across the fleet; waves took " << durations);
    if (allowed == waves)
        BOOST_TEST(refreshes == waves); // exactly one refresh per expiry
    BOOST_TEST(f.counter("invalid_grant") == 0);
    BOOST_TEST_MESSAGE(waves * per_wave << " TESTs on 3 hosts: " << refreshes << " refreshes for " << allowed
                                        << " expiries (waves took " << durations << "), " << f.counter("invalid_grant")
                                        << " invalid_grant");
}

// A victim killed mid-refresh: its connection, and when the lease it held ends at the earliest.
struct kill_round {
    std::string connection;
    std::chrono::steady_clock::time_point lease_end;
};

// One round on `connection`: the victim takes the connection's lease to refresh its stale token, Sage
// receives the refresh (and rotates the refresh token) but would answer only after 30 s, and the victim
// is SIGKILLed as soon as Sage has its request, verified to hold the lease, well within its Timeout.
kill_round kill_a_lease_holder_mid_refresh(fleet_driver& f, std::size_t round, const std::string& connection)
{
    const std::int64_t before = f.counter("refreshes");
    f.delay_token_answers(1, 30s);
    auto victim = f.start_test(round, connection);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (f.counter("refreshes") == before && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
    const auto measured = std::chrono::steady_clock::now(); // the lease ends no sooner than this + its time left
    const auto leases = f.leases_held();
    test_support::kill_process_group(victim.pid);
    const fleet_test_result r = fleet_driver::finish(victim);
    BOOST_TEST_REQUIRE(r.status == 128 + SIGKILL,
                       connection << ": the victim ended before it was killed: " << r.out << r.err);
    BOOST_TEST_REQUIRE(f.counter("refreshes") == before + 1, connection << ": the victim's refresh never reached Sage");
    const auto held = leases.find(connection);
    BOOST_TEST_REQUIRE((held != leases.end()), connection << ": the victim held no lease when killed");
    BOOST_TEST((held->second <= lease_ttl),
               connection << ": a lease of " << held->second.count() << " ms left, longer than the TTL");
    return {connection, measured + held->second};
}

// Rounds on connections of their own: each victim is killed mid-refresh holding its connection's lease
// (above). Then three TESTs start on each connection, one on each host: they wait for the lease to run
// out; one of them refreshes with the stored refresh token, which Sage has spent (the documented
// window: Sage rotated, the answer reached nobody), meets invalid_grant, reads again, finds no newer
// set and falls back to the refresh token in its form; the two others use what it stored. So each
// round costs exactly one invalid_grant and one more refresh, and every TEST after the kill is
// available. Victims are killed one after another until the first one's lease has 2 s left (or ten are
// dead, FLEET_KILLS_AT_ONCE), then the others of all of them start: several rounds share one TTL, and every lease still
// holds its others up.
void killed_lease_holders_hold_the_others_up_for_the_ttl_only(fleet_driver& f)
{
    const auto rounds = static_cast<std::size_t>(setting("FLEET_KILL_ROUNDS", 20));
    const auto most_victims_at_once = static_cast<std::size_t>(setting("FLEET_KILLS_AT_ONCE", 10));
    const std::size_t hosts = fleet_driver::host_count;
    std::vector<std::string> connections;
    for (std::size_t round = 0; round < rounds; ++round)
        connections.push_back("Killed " + std::to_string(round + 1));

    // Every connection gets a stored token set first (its seed, refreshed); it is stale 4 s later.
    for (std::size_t first = 0; first < rounds; first += 10) {
        std::vector<test_support::started_process> running;
        for (std::size_t round = first; round < std::min(rounds, first + 10); ++round)
            running.push_back(f.start_test(round, connections[round]));
        for (const auto& r : fleet_driver::finish_all(running))
            BOOST_TEST_REQUIRE(r.available(), "a first TEST: " << r.out << r.err);
    }
    std::this_thread::sleep_for(until_stale);
    f.reset_counters();

    std::size_t done = 0;
    std::size_t batches = 0;
    std::size_t available_after = 0;
    auto longest_wait = std::chrono::steady_clock::duration::zero();
    while (done < rounds) {
        ++batches;
        std::vector<kill_round> killed;
        while (
            done < rounds && killed.size() < most_victims_at_once &&
            (killed.empty() || std::chrono::steady_clock::now() + lease_left_for_others < killed.front().lease_end)) {
            killed.push_back(kill_a_lease_holder_mid_refresh(f, done, connections[done]));
            ++done;
        }

        const auto others_started = std::chrono::steady_clock::now();
        std::vector<test_support::started_process> others;
        for (const auto& k : killed)
            for (std::size_t host = 0; host < hosts; ++host)
                others.push_back(f.start_test(host, k.connection));
        const auto results = fleet_driver::finish_all(others);
        for (std::size_t i = 0; i < killed.size(); ++i) {
            const kill_round& k = killed[i];
            auto earliest = std::chrono::steady_clock::time_point::max();
            auto latest = std::chrono::steady_clock::time_point::min();
            for (std::size_t host = 0; host < hosts; ++host) {
                const fleet_test_result& r = results[i * hosts + host];
                BOOST_TEST(r.available(), k.connection << ", host " << host << ": " << r.out << r.err);
                available_after += r.available() ? 1U : 0U;
                earliest = std::min(earliest, r.ended);
                latest = std::max(latest, r.ended);
            }
            // The lease still held them up when they started, nobody got a token under it, and nobody
            // was held up beyond the TTL and the waiters' patience after it (5 s, then they give up):
            // what the dead holder costs the others is its lease's TTL, not more.
            BOOST_TEST((k.lease_end > others_started),
                       k.connection << ": the lease had run out before the others started");
            BOOST_TEST((earliest >= k.lease_end - 100ms), k.connection << ": a TEST got a token "
                                                                       << seconds_text(k.lease_end - earliest)
                                                                       << " before the killed holder's lease ran out");
            BOOST_TEST((latest - others_started < lease_ttl + 5s),
                       k.connection << ": the last TEST ended " << seconds_text(latest - others_started)
                                    << " after the others started (lease TTL " << lease_ttl.count() << " s)");
            longest_wait = std::max(longest_wait, latest - others_started);
        }
        // The exact accounting, so far: every victim's refresh (rotated, never answered), then per
        // connection one invalid_grant on the spent refresh token and one refresh from a form's own
        // refresh token. Nothing else is lost, and no lease is left behind.
        BOOST_TEST(f.counter("refreshes") == static_cast<std::int64_t>(2 * done));
        BOOST_TEST(f.counter("invalid_grant") == static_cast<std::int64_t>(done));
        BOOST_TEST(f.leases_held().empty(), "every lease was given back or ran out");
    }
    BOOST_TEST(available_after == hosts * rounds);
    BOOST_TEST_MESSAGE(rounds << " lease holders SIGKILLed mid-refresh in " << batches << " batches (lease TTL "
                              << lease_ttl.count() << " s): " << available_after << " of " << hosts * rounds
                              << " TESTs after them available, the longest after waiting " << seconds_text(longest_wait)
                              << "; " << f.counter("invalid_grant") << " invalid_grant, " << f.counter("refreshes")
                              << " refreshes");
}

} // namespace

BOOST_AUTO_TEST_CASE(postgresql_fleet_refreshes_once_per_expiry)
{
    const std::string database = server().create_database();
    fleet_driver f(server().url(database), timeout_seconds);
    waves_of_tests_refresh_once_per_expiry(f);
    // Nothing in plain text: not in the database, not in any data folder.
    const std::string dump = server().dump(database);
    BOOST_TEST(!contains(dump, f.client_secret()));
    BOOST_TEST(!contains(dump, "refresh_token"));
    BOOST_TEST(!contains(dump, "access_token"));
    for (std::size_t host = 0; host < fleet_driver::host_count; ++host) {
        const std::string bytes = all_bytes_under(f.host_data(host));
        BOOST_TEST(!contains(bytes, f.client_secret()));
        BOOST_TEST(!contains(bytes, "refresh_token"));
    }
}

BOOST_AUTO_TEST_CASE(sqlite_processes_refresh_once_per_expiry)
{
    fleet_driver f({}, timeout_seconds);
    waves_of_tests_refresh_once_per_expiry(f);
    const auto file = f.folder() / "fleet.db";
    const std::string bytes =
        test_support::read_file(file) +
        (std::filesystem::exists(file.string() + "-wal") ? test_support::read_file(file.string() + "-wal") : "");
    BOOST_TEST(!contains(bytes, "refresh_token"));
    BOOST_TEST(!contains(bytes, f.client_secret()));
}

BOOST_AUTO_TEST_CASE(postgresql_tests_killed_holding_the_lease_hold_the_others_up_for_the_ttl_only)
{
    fleet_driver f(server().url(server().create_database()), timeout_seconds);
    killed_lease_holders_hold_the_others_up_for_the_ttl_only(f);
}

BOOST_AUTO_TEST_CASE(sqlite_processes_killed_holding_the_lease_hold_the_others_up_for_the_ttl_only)
{
    fleet_driver f({}, timeout_seconds);
    killed_lease_holders_hold_the_others_up_for_the_ttl_only(f);
}
