// The credential store across processes, as a fleet uses it: several forked processes, each with its
// own database connection, follow credential_store.v1's refresh protocol against one database (SQLite
// on one machine; PostgreSQL when registered a second time) over short-lived "access tokens". An
// append-only file stands in for the authorization server: every refresh spends the generation it
// read, so a generation spent twice is the invalid_grant a fleet must never cause. Then holders of the
// lease are SIGKILLed mid-refresh, repeatedly: the others must go on once the lease's TTL has passed.
#define BOOST_TEST_MODULE credential_processes
#include <boost/test/unit_test.hpp>

#include "security/host_key.hpp"
#include "security/secret_cipher.hpp"
#include "storage/credential_vault.hpp"
#include "storage/database.hpp"
#include "storage/schema_migrations.hpp"
#include "test_database.hpp"

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace sample_host;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

const credential_owner sage{"default", "sage-cloud-accounting"};

// What one process counts, written to its report file when it ends.
struct tally {
    int uses = 0;      // "TESTs" that found a fresh token
    int refreshes = 0; // generations it spent
    int conflicts = 0; // compare-and-set refused after a refresh: never expected
};

std::int64_t now_ms()
{
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The token set: "generation expiry_ms".
std::pair<std::int64_t, std::int64_t> parse(const std::string& value)
{
    const auto space = value.find(' ');
    std::int64_t generation = 0;
    std::int64_t expiry = 0;
    std::from_chars(value.data(), value.data() + space, generation);
    std::from_chars(value.data() + space + 1, value.data() + value.size(), expiry);
    return {generation, expiry};
}

// The stand-in for the authorization server: spends `generation` (appends it to the file).
void spend(const std::filesystem::path& server_log, std::int64_t generation)
{
    const int fd = ::open(server_log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    const std::string line = std::to_string(generation) + "\n";
    (void)!::write(fd, line.data(), line.size());
    ::close(fd);
}

struct scenario {
    std::filesystem::path dir;
    database_url url;
    std::filesystem::path key_file;
    std::filesystem::path server_log;
    milliseconds token_life{400};
    milliseconds lease_ttl{600};
};

// One process's work: `tests` TESTs, each reading the token and refreshing it when stale, by the
// protocol. With `die_holding_lease`, the first refresh ends with SIGKILL right after taking the lease.
tally run_tests(const scenario& s, int tests, bool die_holding_lease, milliseconds pause)
{
    auto db = open_database(s.url);
    const secret_cipher cipher(load_host_key(s.key_file));
    credential_vault vault(*db, [&]() -> const secret_cipher& { return cipher; });
    const std::string owner = "pid-" + std::to_string(::getpid());
    tally counted;
    for (int test = 0; test < tests; ++test) {
        for (;;) {
            const auto read = vault.read(sage, "Books");
            const auto [generation, expiry] = parse(read->value);
            if (now_ms() < expiry) {
                ++counted.uses;
                break;
            }
            if (!vault.acquire_lease(sage, "Books", owner, s.lease_ttl).acquired) {
                std::this_thread::sleep_for(20ms); // held: wait for the version to change or the lease to end
                continue;
            }
            if (die_holding_lease)
                ::raise(SIGKILL);
            const auto again = vault.read(sage, "Books");
            const auto [current, current_expiry] = parse(again->value);
            if (now_ms() < current_expiry) { // refreshed meanwhile by another process
                vault.release_lease(sage, "Books", owner);
                continue;
            }
            spend(s.server_log, current);
            ++counted.refreshes;
            const std::string next =
                std::to_string(current + 1) + " " + std::to_string(now_ms() + s.token_life.count());
            if (!vault.compare_and_set(sage, "Books", again->version, next).stored)
                ++counted.conflicts;
            vault.release_lease(sage, "Books", owner);
        }
        std::this_thread::sleep_for(pause);
    }
    return counted;
}

// Forks a process running run_tests; its tally goes to `report`.
pid_t fork_tests(const scenario& s, int tests, bool die_holding_lease, milliseconds pause,
                 const std::filesystem::path& report)
{
    const pid_t pid = ::fork();
    if (pid != 0)
        return pid;
    int code = 0;
    try {
        const tally t = run_tests(s, tests, die_holding_lease, pause);
        std::ofstream(report) << t.uses << ' ' << t.refreshes << ' ' << t.conflicts << '\n';
    } catch (const std::exception& e) {
        std::ofstream(report) << "error " << e.what() << '\n';
        code = 1;
    }
    ::_exit(code); // never the parent's exit handlers (its database connection, the test server)
}

tally read_report(const std::filesystem::path& report)
{
    std::ifstream in(report);
    tally t;
    in >> t.uses >> t.refreshes >> t.conflicts;
    if (!in) {
        BOOST_ERROR("a process failed: " + test_support::read_file(report));
        return {};
    }
    return t;
}

std::vector<std::int64_t> spent_generations(const std::filesystem::path& server_log)
{
    std::ifstream in(server_log);
    std::vector<std::int64_t> out;
    for (std::int64_t g = 0; in >> g;)
        out.push_back(g);
    return out;
}

struct processes_fixture {
    test_support::temp_dir dir{"credential-processes"};
    scenario s;

    processes_fixture()
    {
        s.dir = dir.path();
        s.url = test_database::location(dir.path());
        s.key_file = dir / "host.key";
        s.server_log = dir / "authorization-server.log";
        auto db = test_database::open(dir.path());
        migrate(*db, host_migrations());
        const secret_cipher cipher(load_or_create_host_key(s.key_file));
        credential_vault vault(*db, [&]() -> const secret_cipher& { return cipher; });
        BOOST_REQUIRE(vault.compare_and_set(sage, "Books", 0, "1 0").stored); // generation 1, already stale
    }
};

int env_count(const char* name, int fallback)
{
    const char* value = std::getenv(name);
    return value != nullptr && std::atoi(value) > 0 ? std::atoi(value) : fallback;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(refresh_race, processes_fixture)

BOOST_AUTO_TEST_CASE(processes_sharing_a_token_spend_each_generation_exactly_once)
{
    constexpr int processes = 4;
    constexpr int tests = 40; // ~2 s at 50 ms apart: about 5 expiries of a 400 ms token
    std::vector<pid_t> children;
    for (int i = 0; i < processes; ++i)
        children.push_back(fork_tests(s, tests, false, 50ms, dir / ("report-" + std::to_string(i))));
    for (pid_t child : children) {
        int status = 0;
        ::waitpid(child, &status, 0);
        BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }
    tally total;
    for (int i = 0; i < processes; ++i) {
        const tally t = read_report(dir / ("report-" + std::to_string(i)));
        total.uses += t.uses;
        total.refreshes += t.refreshes;
        total.conflicts += t.conflicts;
    }
    const auto spent = spent_generations(s.server_log);
    const std::set<std::int64_t> distinct(spent.begin(), spent.end());
    BOOST_TEST(total.uses == processes * tests); // every TEST found a usable token
    BOOST_TEST(total.conflicts == 0);
    BOOST_TEST(spent.size() == distinct.size()); // no generation spent twice: no invalid_grant
    BOOST_TEST(total.refreshes == static_cast<int>(spent.size()));
    BOOST_TEST(total.refreshes >= 3); // the tokens did expire during the run
    BOOST_TEST_MESSAGE(to_string(test_database::engine())
                       << ": " << total.uses << " TESTs, " << total.refreshes << " refreshes, one per expiry");
}

BOOST_AUTO_TEST_CASE(a_process_killed_holding_the_lease_holds_up_the_others_for_the_ttl_only)
{
    const int kills = env_count("CREDENTIAL_KILL_ROUNDS", 20);
    for (int round = 0; round < kills; ++round) {
        // The token is stale; the victim takes the lease and dies before spending the refresh token.
        {
            auto db = test_database::open(dir.path());
            const secret_cipher cipher(load_host_key(s.key_file));
            credential_vault vault(*db, [&]() -> const secret_cipher& { return cipher; });
            const auto current = vault.read(sage, "Books");
            const auto [generation, expiry] = parse(current->value);
            BOOST_REQUIRE(vault
                              .compare_and_set(sage, "Books", current->version,
                                               std::to_string(generation) + " " + std::to_string(now_ms() - 1))
                              .stored);
        }
        const pid_t victim = fork_tests(s, 1, true, 0ms, dir / "victim");
        int status = 0;
        ::waitpid(victim, &status, 0);
        BOOST_REQUIRE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        const auto started = steady_clock::now();
        std::vector<pid_t> survivors;
        for (int i = 0; i < 2; ++i)
            survivors.push_back(fork_tests(s, 1, false, 0ms, dir / ("survivor-" + std::to_string(i))));
        for (pid_t child : survivors) {
            ::waitpid(child, &status, 0);
            BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
        }
        const auto waited = steady_clock::now() - started;
        BOOST_TEST(waited < s.lease_ttl + 2s,
                   "round " << round << ": the others waited " << duration_cast<milliseconds>(waited).count() << " ms");
        for (int i = 0; i < 2; ++i)
            BOOST_TEST(read_report(dir / ("survivor-" + std::to_string(i))).conflicts == 0);
    }
    const auto spent = spent_generations(s.server_log);
    const std::set<std::int64_t> distinct(spent.begin(), spent.end());
    BOOST_TEST(spent.size() == static_cast<std::size_t>(kills)); // one refresh per round, by a survivor
    BOOST_TEST(distinct.size() == spent.size());
}

BOOST_AUTO_TEST_SUITE_END()
