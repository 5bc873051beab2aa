// The engine the storage suites run against: SQLite by default; with SAMPLE_HOST_TEST_ENGINE=postgresql
// (CTest registers each storage suite a second time so) a throw-away PostgreSQL server, one per test
// process, with a fresh database per test folder. The same tests thus prove both engines.
#pragma once

#include "postgresql_server.hpp"
#include "storage/database.hpp"
#include "storage/database_url.hpp"
#include "storage/schema_migrations.hpp"
#include "storage/user_directory.hpp"
#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace test_database {

inline sample_host::database_engine engine()
{
    const char* chosen = std::getenv("SAMPLE_HOST_TEST_ENGINE");
    return chosen != nullptr && std::string_view(chosen) == "postgresql" ? sample_host::database_engine::postgresql
                                                                         : sample_host::database_engine::sqlite;
}

inline test_support::postgresql_server& server()
{
    static test_support::postgresql_server instance; // stopped (and removed) when the process ends
    return instance;
}

// The database name of `dir`'s PostgreSQL database, created on first use.
inline const std::string& postgresql_name(const std::filesystem::path& dir)
{
    static std::mutex mutex;
    static std::map<std::filesystem::path, std::string> names;
    const std::lock_guard lock(mutex);
    auto found = names.find(dir);
    if (found == names.end())
        found = names.emplace(dir, server().create_database()).first;
    return found->second;
}

// What `dir`'s test database is: sqlite:<dir>/host.db, or its PostgreSQL database.
inline sample_host::database_url location(const std::filesystem::path& dir)
{
    if (engine() == sample_host::database_engine::sqlite)
        return sample_host::database_url::sqlite_file(dir / "host.db");
    return sample_host::database_url::parse(server().url(postgresql_name(dir)), "the test");
}

// A new connection to `dir`'s test database (the same database on every call with the same `dir`).
inline std::unique_ptr<sample_host::database> open(const std::filesystem::path& dir)
{
    return sample_host::open_database(location(dir));
}

// open(dir), migrated to the current schema and past the first-use bootstrap at `now` (tenant "default",
// user "admin").
inline std::unique_ptr<sample_host::database> open_bootstrapped(const std::filesystem::path& dir,
                                                                std::chrono::sys_seconds now)
{
    auto db = open(dir);
    sample_host::migrate(*db, sample_host::host_migrations());
    sample_host::user_directory(*db).bootstrap(now);
    return db;
}

// A test database of its own: a temporary folder named after `prefix` and open_bootstrapped(folder, now).
struct bootstrapped_database {
    bootstrapped_database(std::string_view prefix, std::chrono::sys_seconds now)
        : dir(prefix), db_owner(open_bootstrapped(dir.path(), now)), db(*db_owner)
    {
    }

    test_support::temp_dir dir;
    std::unique_ptr<sample_host::database> db_owner;
    sample_host::database& db;
};

// Everything the database holds as stored: the SQLite file and its WAL, or a pg_dump of the PostgreSQL
// database (bytea in hex: what an attacker with a dump sees, searched for the hex of a secret too).
inline std::string stored_bytes(const std::filesystem::path& dir)
{
    if (engine() == sample_host::database_engine::postgresql) {
        // The dump, then every bytea value in it decoded (a dump shows them as \x<hex>).
        const std::string dump = server().dump(postgresql_name(dir));
        std::string decoded;
        const auto hex = [](char c) {
            return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        };
        for (std::size_t i = dump.find("\\x"); i != std::string::npos; i = dump.find("\\x", i + 1)) {
            std::size_t j = i + 2;
            while (j + 1 < dump.size() && hex(dump[j]) >= 0 && hex(dump[j + 1]) >= 0) {
                decoded += static_cast<char>(hex(dump[j]) * 16 + hex(dump[j + 1]));
                j += 2;
            }
            decoded += '\n';
        }
        return dump + decoded;
    }
    std::string bytes;
    for (const char* name : {"host.db", "host.db-wal"}) {
        std::error_code ec;
        if (std::filesystem::exists(dir / name, ec))
            bytes += test_support::read_file(dir / name);
    }
    return bytes;
}

// A precondition for tests of SQLite itself (its files, its pragmas): skipped on PostgreSQL.
struct only_on_sqlite {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const
    {
        return engine() == sample_host::database_engine::sqlite;
    }
};

} // namespace test_database
