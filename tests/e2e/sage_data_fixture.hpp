// The Sage sandbox as a child process with generated records, a licensed sample_host data folder and
// the form of a connection to it, for the end-to-end suites of `entities`, `schema`, `read` and
// `sync`: each run signs in with a refresh token of its own (the memory:// token store starts empty in
// every process), and the sandbox's ground truth and control API are one call away.
#pragma once

#include "e2e_support.hpp"
#include "sandbox_app.hpp"
#include "sandbox_process.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace e2e {

struct sage_data_options {
    int records = 120;     // --records: every entity of the lead business
    int other_records = 3; // --other-records: every entity of the second business
    int latency_ms = 0;    // --latency-ms
    bool licensed = true;  // start the trial in the data folder
};

class sage_data_fixture {
public:
    explicit sage_data_fixture(sage_data_options options = {});

    // `command` (read, sync, entities, schema) of the Sage connector with the sandbox's form, then
    // `more` (the entity, options...), with a fresh refresh token.
    test_support::process_result run(const std::string& command, const std::vector<std::string>& more);
    // The same, started and left running (its own process group): the caller kills or waits for it.
    test_support::started_process start(const std::string& command, const std::vector<std::string>& more);
    // The argument list and environment `run` and `start` use.
    std::vector<std::string> arguments(const std::string& command, const std::vector<std::string>& more) const;
    std::map<std::string, std::string> environment();

    // GET /_sandbox/records: {"total", "records": [...], "deleted": [...]} of `entity`.
    boost::json::object ground_truth(const std::string& entity, const std::string& business = {}) const;
    // POSTs `body` to the control API and returns the parsed answer.
    boost::json::value control(const std::string& path, const boost::json::object& body) const;
    // GET /_sandbox/counters, and POST /_sandbox/counters/reset.
    boost::json::object counters() const;
    void reset_counters() const;
    void set_latency(int milliseconds) const;

    // Lead and second business ids, from GET /v3.1/businesses... as the sandbox lists them.
    std::vector<std::string> business_ids() const;

    sample_host_runner& host() noexcept { return host_; }
    test_support::sandbox_process& sage() noexcept { return sage_; }
    [[nodiscard]] const std::string& client_secret() const noexcept { return app_.client_secret(); }
    [[nodiscard]] const std::vector<std::string>& minted() const noexcept { return minted_; }

    // Nothing secret (client secret, a refresh token) in anything the host printed.
    void check_nothing_secret_printed() const;

private:
    test_support::sandbox_process sage_;
    test_support::sandbox_app app_{sage_};
    sample_host_runner host_;
    std::vector<std::string> minted_;
};

// The parsed lines of an NDJSON file or text; a line that is not a JSON object fails the test.
std::vector<boost::json::object> ndjson_objects(const std::string& text);

// id -> record of ground_truth()["records"].
std::map<std::string, boost::json::object> by_id(const boost::json::array& records);

// Waits for a started process; its exit status (128 + signal when killed). Closes its pipes.
int finish(test_support::started_process& p, std::chrono::milliseconds timeout = std::chrono::seconds(120));

} // namespace e2e
