// A fleet's figures (printed, never asserted), driven by tests/support/fleet_driver as the fleet tests
// are: three sample_host data folders on one database and one host key, the Sage sandbox issuing access
// tokens that live 5 s, the connector keeping its tokens in the host's credential store.
//   - TESTs per second across the fleet: CONCURRENCY `sample_host test` processes kept running for
//     SECONDS, spread over the hosts, on a throw-away PostgreSQL database and on one SQLite file;
//     refreshes per expiry from the sandbox's counters (the first TEST finds no token, then one is due
//     every 4 s: a fifth of its life before it ends);
//   - the lease's cost per refresh: the store's round trips around one refresh (acquire lease, read,
//     compare-and-set, release) against the plain read every TEST makes, medians over 300 rounds, on
//     both engines.
// Without PostgreSQL installed it says so and measures SQLite only.
// Usage: fleet_bench [SECONDS (20)] [CONCURRENCY (6)] [--json FILE (the figures as one JSON object)];
// needs the build's sample_host, plugins and sage_sandbox (bench/run.sh --only fleet builds and runs it).
#include "fleet_driver.hpp"
#include "postgresql_server.hpp"
#include "security/host_key.hpp"
#include "security/secret_cipher.hpp"
#include "storage/credential_vault.hpp"
#include "storage/database_url.hpp"
#include "storage/schema_migrations.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace json = boost::json;
using namespace std::chrono;
using test_support::fleet_driver;

namespace {

// The connector's default Timeout: the lease the fleet's TESTs take is the one users get.
constexpr int timeout_seconds = 60;

struct fleet_figures {
    double seconds = 0;
    int available = 0;
    int failed = 0;
    std::int64_t refreshes = 0;
    double expiries = 0;
    std::int64_t invalid_grant = 0;
};

// CONCURRENCY TESTs kept running for `run_for`, round-robin over the hosts.
fleet_figures run_fleet(const fleet_driver& f, seconds run_for, std::size_t concurrency)
{
    f.reset_counters();
    fleet_figures out;
    const auto started = steady_clock::now();
    const auto end = started + run_for;
    std::vector<test_support::started_process> running;
    std::size_t next_host = 0;
    while (steady_clock::now() < end || !running.empty()) {
        while (steady_clock::now() < end && running.size() < concurrency)
            running.push_back(f.start_test(next_host++));
        (fleet_driver::finish(running.front()).available() ? out.available : out.failed)++;
        running.erase(running.begin());
    }
    out.seconds = duration<double>(steady_clock::now() - started).count();
    out.refreshes = f.counter("refreshes");
    out.invalid_grant = f.counter("invalid_grant");
    // The first TEST finds no token (one refresh), then one is due every 4 s.
    out.expiries = 1.0 + std::floor(out.seconds / 4.0);
    return out;
}

double median_ms(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return samples.empty() ? 0 : samples[samples.size() / 2];
}

struct lease_figures {
    double read_ms = 0;
    double refresh_ms = 0;
};

// Medians of one plain read, and of the store's work around one refresh, on `url`.
lease_figures lease_cost(const sample_host::database_url& url, const std::filesystem::path& key_file)
{
    using namespace sample_host;
    auto db = open_database(url);
    migrate(*db, host_migrations());
    const secret_cipher cipher(load_host_key(key_file));
    credential_vault vault(*db, [&]() -> const secret_cipher& { return cipher; });
    const credential_owner owner{"default", "bench"};
    const std::string value(1200, 'x'); // about a Sage token set's size
    (void)vault.compare_and_set(owner, "Books", 0, value);
    std::vector<double> reads;
    std::vector<double> refreshes;
    for (int i = 0; i < 300; ++i) {
        auto start = steady_clock::now();
        const auto current = vault.read(owner, "Books");
        reads.push_back(duration<double, std::milli>(steady_clock::now() - start).count());
        start = steady_clock::now();
        (void)vault.acquire_lease(owner, "Books", "bench", 12s);
        const auto again = vault.read(owner, "Books");
        (void)vault.compare_and_set(owner, "Books", again->version, value);
        vault.release_lease(owner, "Books", "bench");
        refreshes.push_back(duration<double, std::milli>(steady_clock::now() - start).count());
    }
    return {median_ms(reads), median_ms(refreshes)};
}

void print_fleet(const char* engine, std::size_t concurrency, const fleet_figures& r)
{
    std::printf("fleet of 3 hosts on %s, %zu TESTs at a time for %.1f s (5 s access tokens):\n", engine, concurrency,
                r.seconds);
    std::printf("  TESTs per second across the fleet   %8.2f  (%d available, %d failed)\n", r.available / r.seconds,
                r.available, r.failed);
    std::printf("  refreshes per expiry                %8.2f  (%lld refreshes, %.0f expiries, %lld invalid_grant)\n",
                static_cast<double>(r.refreshes) / r.expiries, static_cast<long long>(r.refreshes), r.expiries,
                static_cast<long long>(r.invalid_grant));
}

void add_fleet(json::object& out, const std::string& engine, const fleet_figures& r)
{
    out["fleet_" + engine + "_seconds"] = std::round(r.seconds * 10) / 10;
    out["fleet_" + engine + "_tests_per_second"] = std::round(r.available / r.seconds * 100) / 100;
    out["fleet_" + engine + "_tests_available"] = r.available;
    out["fleet_" + engine + "_tests_failed"] = r.failed;
    out["fleet_" + engine + "_refreshes_per_expiry"] =
        std::round(static_cast<double>(r.refreshes) / r.expiries * 100) / 100;
    out["fleet_" + engine + "_invalid_grant"] = r.invalid_grant;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> numbers;
    std::string json_file;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json" && i + 1 < argc)
            json_file = argv[++i];
        else if (arg == "-h" || arg == "--help") {
            std::printf("usage: fleet_bench [SECONDS (20)] [CONCURRENCY (6)] [--json FILE]\n");
            return 0;
        } else if (!arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos)
            numbers.push_back(arg);
        else {
            std::fprintf(stderr, "fleet_bench: unknown argument '%s' (see --help)\n", arg.c_str());
            return 2;
        }
    }
    const seconds run_for(numbers.size() > 0 ? std::max(5, std::atoi(numbers[0].c_str())) : 20);
    const std::size_t concurrency =
        numbers.size() > 1 ? static_cast<std::size_t>(std::max(1, std::atoi(numbers[1].c_str()))) : 6;
    try {
        json::object figures{{"fleet_concurrency", concurrency}};
        std::optional<lease_figures> pg_lease;
        std::unique_ptr<test_support::postgresql_server> server;
        if (test_support::postgresql_available()) {
            server = std::make_unique<test_support::postgresql_server>();
            const fleet_driver f(server->url(server->create_database()), timeout_seconds);
            const auto r = run_fleet(f, run_for, concurrency);
            print_fleet("PostgreSQL", concurrency, r);
            add_fleet(figures, "postgresql", r);
            pg_lease = lease_cost(sample_host::database_url::parse(server->url(server->create_database()), "bench"),
                                  f.key_file());
        } else {
            std::fprintf(stderr, "fleet_bench: PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin;"
                                 " Debian: apt-get install postgresql): skipping the fleet on PostgreSQL\n");
        }
        const fleet_driver f({}, timeout_seconds);
        const auto r = run_fleet(f, run_for, concurrency);
        print_fleet("one SQLite file", concurrency, r);
        add_fleet(figures, "sqlite", r);
        const auto sq_lease = lease_cost(sample_host::database_url::sqlite_file(f.folder() / "bench.db"), f.key_file());

        if (pg_lease) {
            figures["lease_postgresql_read_ms"] = std::round(pg_lease->read_ms * 1000) / 1000;
            figures["lease_postgresql_refresh_ms"] = std::round(pg_lease->refresh_ms * 1000) / 1000;
        }
        figures["lease_sqlite_read_ms"] = std::round(sq_lease.read_ms * 1000) / 1000;
        figures["lease_sqlite_refresh_ms"] = std::round(sq_lease.refresh_ms * 1000) / 1000;
        std::printf("the lease's cost per refresh (store round trips, medians of 300):\n");
        if (pg_lease)
            std::printf("  PostgreSQL  read %6.3f ms   lease+read+CAS+release %6.3f ms\n", pg_lease->read_ms,
                        pg_lease->refresh_ms);
        std::printf("  SQLite      read %6.3f ms   lease+read+CAS+release %6.3f ms\n", sq_lease.read_ms,
                    sq_lease.refresh_ms);
        if (!json_file.empty()) {
            std::ofstream out(json_file);
            out << json::serialize(figures) << '\n';
            if (!out)
                throw std::runtime_error("cannot write " + json_file);
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fleet_bench: %s\n", e.what());
        return 1;
    }
}
