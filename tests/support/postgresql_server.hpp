// A throw-away PostgreSQL server for tests: initdb into a temporary folder (as the unprivileged user
// "nobody" when the tests run as root, as CI does), listening on a free port and on a unix socket in
// that folder; stopped and removed when the object goes, and by a watchdog process when the test
// process dies first (a crash, a timeout), so no server outlives its test.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace test_support {

class postgresql_server {
public:
    // Throws std::runtime_error naming what is missing (Debian: apt-get install postgresql) or failed.
    postgresql_server();
    ~postgresql_server();
    postgresql_server(const postgresql_server&) = delete;
    postgresql_server& operator=(const postgresql_server&) = delete;

    // A libpq URL for `database` (user "host", no password; over the unix socket).
    [[nodiscard]] std::string url(std::string_view database = "postgres") const;
    // Creates a new, empty database with a unique name; its name (url(name) reaches it).
    [[nodiscard]] std::string create_database();
    // Runs `sql` with psql in `database`; its standard output (unaligned, tuples only). Throws on error.
    std::string query(std::string_view database, std::string_view sql) const;
    // pg_dump of `database` (schema and data, plain SQL).
    [[nodiscard]] std::string dump(std::string_view database) const;

    [[nodiscard]] int port() const noexcept { return port_; }
    [[nodiscard]] const std::filesystem::path& folder() const noexcept { return folder_; }

private:
    std::filesystem::path bin_;    // initdb, pg_ctl, psql, pg_dump
    std::filesystem::path folder_; // data/, the socket, the log
    int port_ = 0;
    int databases_ = 0;
    pid_t watchdog_ = -1;
    int watchdog_input_ = -1; // closing it makes the watchdog stop the server and remove the folder
};

// Whether this machine can run postgresql_server (the binaries are installed).
[[nodiscard]] bool postgresql_available();

} // namespace test_support
