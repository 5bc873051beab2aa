#include "e2e_support.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

namespace e2e {

sample_host_runner::sample_host_runner(std::filesystem::path plugins) : plugins_(std::move(plugins)) {}

test_support::process_result sample_host_runner::run(const std::vector<std::string>& args,
                                                     const std::map<std::string, std::string>& environment)
{
    std::vector<std::string> argv{CONNECTOR_TEST_SAMPLE_HOST, "--plugins", plugins_.string(), "--data",
                                  data_.path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    test_support::process_options options;
    options.unset_environment = {
        "SAMPLE_HOST_PLUGINS", "SAMPLE_HOST_DATA",        "SAMPLE_HOST_USER", "SAMPLE_HOST_NOW", "SAMPLE_HOST_DATABASE",
        "SAMPLE_HOST_KEY",     "SAMPLE_HOST_CREDENTIALS", "DISPLAY",          "WAYLAND_DISPLAY", "BROWSER"};
    options.environment = environment;
    options.timeout = std::chrono::seconds(60);
    auto result = test_support::run_process(argv, options);
    transcript_ += result.out;
    transcript_ += result.err;
    BOOST_REQUIRE_MESSAGE(!result.timed_out, "sample_host timed out\n" << describe(result));
    return result;
}

boost::json::value sample_host_runner::run_json(const std::vector<std::string>& args, int expected_exit,
                                                const std::map<std::string, std::string>& environment)
{
    std::vector<std::string> with_json{"--json"};
    with_json.insert(with_json.end(), args.begin(), args.end());
    const auto result = run(with_json, environment);
    BOOST_TEST_REQUIRE(result.exit_code == expected_exit, describe(result));
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(result.out, ec);
    BOOST_TEST_REQUIRE(!ec, "standard output is not one JSON document: " << ec.message() << "\n" << describe(result));
    return doc;
}

std::string first_line(const std::string& text)
{
    return text.substr(0, text.find('\n'));
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

std::string all_bytes_under(const std::filesystem::path& folder)
{
    std::string bytes;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file())
            bytes += test_support::read_file(it->path());
    return bytes;
}

std::string describe(const test_support::process_result& r)
{
    return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

namespace {

sqlite3* open_database(const std::filesystem::path& db_file)
{
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open(db_file.c_str(), &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

} // namespace

void run_sql(const std::filesystem::path& db_file, const std::string& statement)
{
    sqlite3* db = open_database(db_file);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error);
    const std::string why = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, why);
}

long long count_rows(const std::filesystem::path& db_file, const std::string& table)
{
    sqlite3* db = open_database(db_file);
    sqlite3_stmt* query = nullptr;
    const std::string sql = "SELECT COUNT(*) FROM " + table;
    long long rows = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &query, nullptr) == SQLITE_OK && sqlite3_step(query) == SQLITE_ROW)
        rows = sqlite3_column_int64(query, 0);
    sqlite3_finalize(query);
    sqlite3_close(db);
    return rows;
}

} // namespace e2e
