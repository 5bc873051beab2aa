// The throw-away PostgreSQL server of the tests (see postgresql_server.hpp).
#include "postgresql_server.hpp"

#include "free_port.hpp"
#include "process.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace test_support {
namespace {

namespace fs = std::filesystem;

// The newest /usr/lib/postgresql/<version>/bin holding initdb (Debian), else the folder of initdb on PATH.
fs::path find_binaries()
{
    std::vector<fs::path> candidates;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec))
        if (fs::exists(entry.path() / "bin" / "initdb", ec))
            candidates.push_back(entry.path() / "bin");
    std::sort(candidates.begin(), candidates.end(), [](const fs::path& a, const fs::path& b) {
        return std::atoi(a.parent_path().filename().c_str()) < std::atoi(b.parent_path().filename().c_str());
    });
    if (!candidates.empty())
        return candidates.back();
    for (const char* folder : {"/usr/local/bin", "/usr/bin"})
        if (fs::exists(fs::path(folder) / "initdb", ec) && fs::exists(fs::path(folder) / "pg_ctl", ec))
            return folder;
    return {};
}

// PostgreSQL refuses to run as root: as root, the server's programs run as "nobody".
std::vector<std::string> as_server_user(std::vector<std::string> argv)
{
    if (::geteuid() != 0)
        return argv;
    argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "nobody", "--"});
    return argv;
}

void require(const process_result& result, std::string_view what)
{
    if (result.exit_code != 0)
        throw std::runtime_error("PostgreSQL test server: " + std::string(what) + " failed (exit " +
                                 std::to_string(result.exit_code) + "): " + result.err + result.out);
}

std::string quoted(const fs::path& path)
{
    std::string out = "'";
    for (char c : path.string())
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace

bool postgresql_available()
{
    return !find_binaries().empty();
}

postgresql_server::postgresql_server() : bin_(find_binaries())
{
    if (bin_.empty())
        throw std::runtime_error("PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin): install "
                                 "it (Debian: apt-get install postgresql), or run scripts/test.sh, which does");
    std::string pattern = (fs::temp_directory_path() / "connector-pg-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr)
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    folder_ = buffer.data();
    if (::geteuid() == 0) {
        const passwd* nobody = ::getpwnam("nobody");
        if (nobody == nullptr || ::chown(folder_.c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
            throw std::runtime_error("PostgreSQL test server: cannot give " + folder_.string() + " to user nobody");
    }
    ::chmod(folder_.c_str(), 0700);

    // The watchdog: waits for its standard input to close (this object going, or this process dying),
    // then stops the server and removes the folder.
    const std::string stop = (::geteuid() == 0 ? std::string("/usr/sbin/runuser -u nobody -- ") : std::string()) +
                             quoted(bin_ / "pg_ctl") + " -D " + quoted(folder_ / "data") +
                             " -m immediate -w stop >/dev/null 2>&1; rm -rf " + quoted(folder_);
    const started_process watchdog = start_process({"/bin/sh", "-c", "cat >/dev/null; " + stop}, {}, true);
    watchdog_ = watchdog.pid;
    watchdog_input_ = watchdog.input;
    ::close(watchdog.output);
    ::close(watchdog.error);

    require(run_process(as_server_user({(bin_ / "initdb").string(), "-D", (folder_ / "data").string(), "-A", "trust",
                                        "-U", "host", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"})),
            "initdb");
    port_ = free_port();
    const std::string options = "-p " + std::to_string(port_) + " -k " + folder_.string() +
                                " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200";
    require(run_process(as_server_user({(bin_ / "pg_ctl").string(), "-D", (folder_ / "data").string(), "-o", options,
                                        "-l", (folder_ / "server.log").string(), "-w", "-t", "60", "start"})),
            "pg_ctl start");
}

postgresql_server::~postgresql_server()
{
    if (watchdog_input_ >= 0)
        ::close(watchdog_input_);
    if (watchdog_ > 0)
        (void)wait_for_exit(watchdog_);
}

std::string postgresql_server::url(std::string_view database) const
{
    return "postgresql://host@/" + std::string(database) + "?host=" + folder_.string() +
           "&port=" + std::to_string(port_);
}

std::string postgresql_server::query(std::string_view database, std::string_view sql) const
{
    const process_result result =
        run_process({(bin_ / "psql").string(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", folder_.string(),
                     "-p", std::to_string(port_), "-U", "host", "-d", std::string(database), "-c", std::string(sql)});
    require(result, "psql -c " + std::string(sql));
    return result.out;
}

std::string postgresql_server::create_database()
{
    const std::string name = "test_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
    (void)query("postgres", "CREATE DATABASE " + name);
    return name;
}

std::string postgresql_server::dump(std::string_view database) const
{
    const process_result result = run_process({(bin_ / "pg_dump").string(), "-h", folder_.string(), "-p",
                                               std::to_string(port_), "-U", "host", "-d", std::string(database)});
    require(result, "pg_dump");
    return result.out;
}

} // namespace test_support
