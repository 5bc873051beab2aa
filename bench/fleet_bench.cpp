// A fleet's figures (printed, never asserted): three sample_host data folders on one throw-away
// PostgreSQL database and one host key, the Sage sandbox issuing access tokens that live 5 s, the
// connector keeping its tokens in the host's credential store.
//   1. TESTs per second across the fleet: CONCURRENCY `sample_host test` processes kept running for
//      SECONDS, spread over the hosts; refreshes per expiry from the sandbox's counters (the first TEST
//      finds no token, then one is due every 4 s: a fifth of its life before it ends);
//   2. the lease's cost per refresh: the store's round trips around one refresh (acquire lease, read,
//      compare-and-set, release) against the plain read every TEST makes, medians over 300 rounds, on
//      PostgreSQL and on SQLite.
// Usage: fleet_bench [SECONDS (30)] [CONCURRENCY (6)]; needs the dev or bench build's sample_host,
// plugins and sage_sandbox (run from anywhere).
#include "postgresql_server.hpp"
#include "process.hpp"
#include "sandbox_process.hpp"
#include "security/host_key.hpp"
#include "security/secret_cipher.hpp"
#include "storage/credential_vault.hpp"
#include "storage/database_url.hpp"
#include "storage/schema_migrations.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace json = boost::json;
using namespace std::chrono;

namespace {

struct fleet {
    test_support::postgresql_server& server;
    test_support::sandbox_process sage{CONNECTOR_TEST_SAGE_SANDBOX,
                                       {"--port", "0", "--records", "5", "--access-token-lifetime", "5"}};
    test_support::temp_dir shared{"fleet-bench"};
    std::string database = server.create_database();
    std::filesystem::path key_file = shared / "fleet.key";
    std::vector<std::filesystem::path> data;
    std::string client_id;
    std::string client_secret;

    explicit fleet(test_support::postgresql_server& s) : server(s)
    {
        std::string key(32, '\0');
        std::ifstream("/dev/urandom", std::ios::binary).read(key.data(), 32);
        std::ofstream(key_file, std::ios::binary) << key;
        ::chmod(key_file.c_str(), 0600);
        for (int i = 0; i < 3; ++i)
            data.push_back(shared / ("host-" + std::to_string(i)));
        const auto& client = sage.info().at("clients").as_array().at(0).as_object();
        client_id = std::string(client.at("client_id").as_string());
        client_secret = std::string(client.at("client_secret").as_string());
        const auto trial = test_support::run_process({CONNECTOR_TEST_SAMPLE_HOST, "--data", data[0].string(),
                                                      "marketplace", "start-trial", "sage-cloud-accounting"},
                                                     options({}));
        if (trial.exit_code != 0)
            throw std::runtime_error("start-trial failed: " + trial.err);
    }

    test_support::process_options options(std::map<std::string, std::string> extra) const
    {
        test_support::process_options o;
        o.unset_environment = {"SAMPLE_HOST_PLUGINS", "SAMPLE_HOST_DATA", "SAMPLE_HOST_USER", "SAMPLE_HOST_NOW"};
        extra["SAMPLE_HOST_DATABASE"] = server.url(database);
        extra["SAMPLE_HOST_KEY"] = key_file.string();
        o.environment = std::move(extra);
        return o;
    }

    test_support::started_process start_test(std::size_t host) const
    {
        const auto minted = json::parse(sage.control("/tokens", R"({"client_id":")" + client_id + R"("})"));
        auto o = options({{"FLEET_CLIENT_SECRET", client_secret},
                          {"FLEET_REFRESH_TOKEN", std::string(minted.at("refresh_token").as_string())}});
        return test_support::start_process(
            {CONNECTOR_TEST_SAMPLE_HOST,
             "--data",
             data[host].string(),
             "test",
             "sage-cloud-accounting",
             "--set",
             "ConnectionName=Books",
             "--set",
             "InitiateOAuth=REFRESH",
             "--set",
             "ClientId=" + client_id,
             "--secret-env",
             "ClientSecret=FLEET_CLIENT_SECRET",
             "--secret-env",
             "RefreshToken=FLEET_REFRESH_TOKEN",
             "--file",
             "KeystoreFile=" + sage.text("ca_file"),
             "--set",
             "AuthorizeURL=" + sage.text("base_url") + "/oauth2/auth/central?filter=apiv3.1",
             "--set",
             "TokenURL=" + sage.text("token_url"),
             "--set",
             "ApiBaseURL=" + sage.text("api_base_url")},
            o, false);
    }

    std::int64_t counter(const char* name) const
    {
        const auto c = json::parse(sage.control("/counters")).as_object();
        return c.contains(name) ? c.at(name).to_number<std::int64_t>() : 0;
    }
};

double median_ms(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return samples.empty() ? 0 : samples[samples.size() / 2];
}

// Medians of one plain read, and of the store's work around one refresh, on `url`.
std::pair<double, double> lease_cost(const sample_host::database_url& url, const std::filesystem::path& key_file)
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

} // namespace

int main(int argc, char** argv)
{
    const int seconds_to_run = argc > 1 ? std::max(5, std::atoi(argv[1])) : 30;
    const std::size_t concurrency = argc > 2 ? static_cast<std::size_t>(std::max(1, std::atoi(argv[2]))) : 6;
    try {
        test_support::postgresql_server server;
        fleet f(server);
        (void)f.sage.control("/counters/reset", "{}");
        const auto started = steady_clock::now();
        const auto end = started + seconds(seconds_to_run);
        std::vector<test_support::started_process> running;
        std::size_t next_host = 0;
        int done = 0;
        int failed = 0;
        while (steady_clock::now() < end || !running.empty()) {
            while (steady_clock::now() < end && running.size() < concurrency)
                running.push_back(f.start_test(next_host++ % 3));
            auto& p = running.front();
            ::close(p.output);
            ::close(p.error);
            (test_support::wait_for_exit(p.pid) == 0 ? done : failed)++;
            running.erase(running.begin());
        }
        const double elapsed = duration<double>(steady_clock::now() - started).count();
        const auto refreshes = f.counter("refreshes");
        // The first TEST finds no token (one refresh), then one is due every 4 s (a fifth of its 5 s life
        // before it ends).
        const double expiries = 1.0 + std::floor(elapsed / 4.0);
        std::printf("fleet of 3 hosts on PostgreSQL, %zu TESTs at a time for %.1f s (5 s access tokens):\n",
                    concurrency, elapsed);
        std::printf("  TESTs per second across the fleet   %8.2f  (%d available, %d failed)\n", done / elapsed, done,
                    failed);
        std::printf("  refreshes per expiry                %8.2f  (%lld refreshes, %.0f expiries, %lld "
                    "invalid_grant)\n",
                    static_cast<double>(refreshes) / expiries, static_cast<long long>(refreshes), expiries,
                    static_cast<long long>(f.counter("invalid_grant")));

        const auto [pg_read, pg_refresh] =
            lease_cost(sample_host::database_url::parse(server.url(server.create_database()), "bench"), f.key_file);
        const auto [sq_read, sq_refresh] =
            lease_cost(sample_host::database_url::sqlite_file(f.shared / "bench.db"), f.key_file);
        std::printf("the lease's cost per refresh (store round trips, medians of 300):\n");
        std::printf("  PostgreSQL  read %6.3f ms   lease+read+CAS+release %6.3f ms\n", pg_read, pg_refresh);
        std::printf("  SQLite      read %6.3f ms   lease+read+CAS+release %6.3f ms\n", sq_read, sq_refresh);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fleet_bench: %s\n", e.what());
        return 1;
    }
}
