// The host process never dumps core: after forbid_core_dumps, RLIMIT_CORE is 0 (soft and hard, as
// /proc/self/limits shows it) and the process is not dumpable. Checked in a child process, so the
// test runner itself keeps its own settings.
#define BOOST_TEST_MODULE process_hardening
#include <boost/test/unit_test.hpp>

#include "runtime/process_hardening.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace {

// "Max core file size  0  0  bytes" in /proc/self/limits: both limits zero.
bool proc_limits_say_no_core()
{
    std::ifstream limits("/proc/self/limits");
    std::string line;
    while (std::getline(limits, line))
        if (line.starts_with("Max core file size")) {
            std::istringstream fields(line.substr(std::string("Max core file size").size()));
            std::string soft, hard;
            fields >> soft >> hard;
            return soft == "0" && hard == "0";
        }
    return false;
}

// Runs `check` in a child; its exit status is the number of the first failed check (0: all held).
int in_child(int (*check)())
{
    const pid_t child = ::fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0)
        ::_exit(check());
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
    BOOST_TEST_REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

} // namespace

BOOST_AUTO_TEST_CASE(no_core_dump_and_not_dumpable)
{
    const int failed = in_child([] {
        if (!sample_host::forbid_core_dumps())
            return 1;
        rlimit core{};
        if (::getrlimit(RLIMIT_CORE, &core) != 0 || core.rlim_cur != 0 || core.rlim_max != 0)
            return 2;
        if (!proc_limits_say_no_core())
            return 3;
        if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
            return 4;
        return 0;
    });
    BOOST_TEST(failed == 0, "check " << failed << " failed (1 call, 2 getrlimit, 3 /proc/self/limits, 4 dumpable)");
}
