// Runs the real sample_host binary for end-to-end tests: a private --data folder per runner, the
// plugin folder chosen by the test, no SAMPLE_HOST_* variables inherited from the caller, and every
// byte the host printed kept so secret checks can search all of it.
#pragma once

#include "process.hpp"
#include "temp_dir.hpp"

#include <boost/json/value.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace e2e {

inline constexpr const char* sage_id = "sage-cloud-accounting";
inline constexpr const char* fixture_id = "e2e-fixture";

class sample_host_runner {
public:
    explicit sample_host_runner(std::filesystem::path plugins = CONNECTOR_TEST_PLUGIN_DIR);

    // sample_host --plugins P --data D <args...>; `environment` adds variables for this run.
    test_support::process_result run(const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& environment = {});

    // The same with --json; requires exactly one JSON document on standard output and returns it.
    boost::json::value run_json(const std::vector<std::string>& args, int expected_exit = 0,
                                const std::map<std::string, std::string>& environment = {});

    [[nodiscard]] const std::filesystem::path& data() const noexcept { return data_.path(); }
    [[nodiscard]] const std::filesystem::path& plugins() const noexcept { return plugins_; }
    // Everything every run printed (stdout and stderr), for "never printed" checks.
    [[nodiscard]] const std::string& transcript() const noexcept { return transcript_; }

private:
    test_support::temp_dir data_{"sample-host-e2e"};
    std::filesystem::path plugins_;
    std::string transcript_;
};

// The first line of `text`.
[[nodiscard]] std::string first_line(const std::string& text);
[[nodiscard]] bool contains(const std::string& text, const std::string& part);
// Every file under `folder` (recursively), concatenated as raw bytes.
[[nodiscard]] std::string all_bytes_under(const std::filesystem::path& folder);
// "stdout:\n...\nstderr:\n..." for assertion messages.
[[nodiscard]] std::string describe(const test_support::process_result& r);

// Runs SQL on a host's SQLite database (a test standing in for someone editing it behind the host).
void run_sql(const std::filesystem::path& db_file, const std::string& statement);
// The number of rows of `table`.
[[nodiscard]] long long count_rows(const std::filesystem::path& db_file, const std::string& table);

} // namespace e2e
