// A fleet of sample hosts for the fleet tests and fleet_bench: three data folders sharing one database
// and one host key, the Sage sandbox issuing 5 s access tokens, and `sample_host test` processes started
// on any host for any connection, the connector keeping its tokens in the host's credential store.
#pragma once

#include "process.hpp"
#include "sandbox_process.hpp"
#include "temp_dir.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sample_host {
class database;
} // namespace sample_host

namespace test_support {

// What one `sample_host test` process did.
struct fleet_test_result {
    int status = -1; // the exit status, or 128 + signal when killed by a signal
    std::string out;
    std::string err;
    std::chrono::steady_clock::time_point ended; // when it was seen to end

    // Exit status 0 and "connection available" on the first line.
    [[nodiscard]] bool available() const;
};

class fleet_driver {
public:
    static constexpr std::size_t host_count = 3;

    // `database_url`: a `postgresql://…` URL (an empty database of the fleet's own), or empty for an
    // SQLite file in the fleet's folder (several processes on one machine). `timeout_seconds` is the
    // Timeout of every TEST: the connector's lease on a connection derives from it. Starts the sandbox,
    // writes the host key and starts the connector's trial; throws std::runtime_error when one fails.
    fleet_driver(std::string database_url, int timeout_seconds);
    ~fleet_driver();
    fleet_driver(const fleet_driver&) = delete;
    fleet_driver& operator=(const fleet_driver&) = delete;

    // `sample_host test` on host `host` (modulo the host count) for the connection named `connection`,
    // with a refresh token of its own in the form: the seed the connector uses while the store holds
    // nothing for the connection, and falls back to when Sage refuses the stored one.
    [[nodiscard]] started_process start_test(std::size_t host, const std::string& connection = "Books") const;

    // Waits for one started TEST (reading both its outputs); for several at once, each seen as it ends.
    static fleet_test_result finish(started_process& test);
    static std::vector<fleet_test_result> finish_all(std::vector<started_process>& tests);

    // The sandbox's counters ("refreshes", "invalid_grant"…), and their reset.
    [[nodiscard]] boost::json::object counters() const;
    [[nodiscard]] std::int64_t counter(const char* name) const;
    void reset_counters() const;
    // The next `count` token requests are processed at once (Sage rotates the refresh token) and
    // answered after `delay`.
    void delay_token_answers(int count, std::chrono::milliseconds delay) const;

    // The connections whose refresh lease is held now, and how long each has left by the database's
    // clock (the clock leases are decided by).
    [[nodiscard]] std::map<std::string, std::chrono::milliseconds> leases_held() const;

    [[nodiscard]] const std::string& database_url() const noexcept { return database_url_; }
    [[nodiscard]] const std::filesystem::path& folder() const noexcept { return shared_.path(); }
    [[nodiscard]] const std::filesystem::path& key_file() const noexcept { return key_file_; }
    [[nodiscard]] const std::filesystem::path& host_data(std::size_t host) const { return data_.at(host); }
    [[nodiscard]] const std::string& client_secret() const noexcept { return client_secret_; }
    [[nodiscard]] int timeout_seconds() const noexcept { return timeout_seconds_; }

private:
    [[nodiscard]] process_options options(std::map<std::string, std::string> extra) const;

    sandbox_process sage_;
    temp_dir shared_{"fleet"};
    std::string database_url_;
    std::filesystem::path key_file_;
    std::vector<std::filesystem::path> data_;
    std::string client_id_;
    std::string client_secret_;
    int timeout_seconds_;
    mutable std::unique_ptr<sample_host::database> database_; // opened on first need, for leases_held
};

} // namespace test_support
