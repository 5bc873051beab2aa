#include "fleet_driver.hpp"

#include "storage/database.hpp"
#include "storage/database_url.hpp"

#include <boost/json.hpp>

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

namespace test_support {

namespace json = boost::json;

namespace {

constexpr const char* connector_id = "sage-cloud-accounting";

} // namespace

bool fleet_test_result::available() const
{
    return status == 0 && out.substr(0, out.find('\n')) == "connection available";
}

fleet_driver::fleet_driver(std::string database_url, int timeout_seconds)
    : sage_(CONNECTOR_TEST_SAGE_SANDBOX, {"--port", "0", "--records", "5", "--access-token-lifetime", "5"}),
      database_url_(database_url.empty() ? "sqlite:" + (shared_ / "fleet.db").string() : std::move(database_url)),
      key_file_(shared_ / "fleet.key"), timeout_seconds_(timeout_seconds)
{
    std::string key(32, '\0');
    std::ifstream("/dev/urandom", std::ios::binary).read(key.data(), 32);
    write_file(key_file_, key);
    ::chmod(key_file_.c_str(), 0600);
    for (std::size_t i = 0; i < host_count; ++i)
        data_.push_back(shared_ / ("host-" + std::to_string(i)));
    const auto& client = sage_.info().at("clients").as_array().at(0).as_object();
    client_id_ = std::string(client.at("client_id").as_string());
    client_secret_ = std::string(client.at("client_secret").as_string());
    const auto trial = run_process({CONNECTOR_TEST_SAMPLE_HOST, "--plugins", CONNECTOR_TEST_PLUGIN_DIR, "--data",
                                    data_[0].string(), "marketplace", "start-trial", connector_id},
                                   options({}));
    if (trial.exit_code != 0)
        throw std::runtime_error("the fleet's `sample_host marketplace start-trial` failed: " + trial.err);
}

fleet_driver::~fleet_driver() = default;

process_options fleet_driver::options(std::map<std::string, std::string> extra) const
{
    process_options o;
    o.unset_environment = {"SAMPLE_HOST_PLUGINS", "SAMPLE_HOST_DATA", "SAMPLE_HOST_USER", "SAMPLE_HOST_NOW", "DISPLAY",
                           "WAYLAND_DISPLAY",     "BROWSER"};
    extra["SAMPLE_HOST_DATABASE"] = database_url_;
    extra["SAMPLE_HOST_KEY"] = key_file_.string();
    o.environment = std::move(extra);
    return o;
}

started_process fleet_driver::start_test(std::size_t host, const std::string& connection) const
{
    const auto minted = json::parse(sage_.control("/tokens", R"({"client_id":")" + client_id_ + R"("})"));
    const auto options = this->options({{"FLEET_CLIENT_SECRET", client_secret_},
                                        {"FLEET_REFRESH_TOKEN", std::string(minted.at("refresh_token").as_string())}});
    return start_process({CONNECTOR_TEST_SAMPLE_HOST,
                          "--plugins",
                          CONNECTOR_TEST_PLUGIN_DIR,
                          "--data",
                          data_[host % host_count].string(),
                          "test",
                          connector_id,
                          "--set",
                          "ConnectionName=" + connection,
                          "--set",
                          "InitiateOAuth=REFRESH",
                          "--set",
                          "ClientId=" + client_id_,
                          "--secret-env",
                          "ClientSecret=FLEET_CLIENT_SECRET",
                          "--secret-env",
                          "RefreshToken=FLEET_REFRESH_TOKEN",
                          "--file",
                          "KeystoreFile=" + sage_.text("ca_file"),
                          "--set",
                          "Timeout=" + std::to_string(timeout_seconds_),
                          "--set",
                          "AuthorizeURL=" + sage_.text("base_url") + "/oauth2/auth/central?filter=apiv3.1",
                          "--set",
                          "TokenURL=" + sage_.text("token_url"),
                          "--set",
                          "ApiBaseURL=" + sage_.text("api_base_url")},
                         options, false);
}

fleet_test_result fleet_driver::finish(started_process& test)
{
    test_support::process_result finished = test_support::finish_process(test);
    fleet_test_result result;
    result.out = std::move(finished.out);
    result.err = std::move(finished.err);
    result.status = finished.exit_code;
    result.ended = std::chrono::steady_clock::now();
    return result;
}

std::vector<fleet_test_result> fleet_driver::finish_all(std::vector<started_process>& tests)
{
    std::vector<fleet_test_result> results(tests.size());
    std::vector<std::thread> waiting;
    waiting.reserve(tests.size());
    for (std::size_t i = 0; i < tests.size(); ++i)
        waiting.emplace_back([&, i] { results[i] = finish(tests[i]); });
    for (auto& t : waiting)
        t.join();
    return results;
}

json::object fleet_driver::counters() const
{
    return json::parse(sage_.control("/counters")).as_object();
}

std::int64_t fleet_driver::counter(const char* name) const
{
    const auto c = counters();
    return c.contains(name) ? c.at(name).to_number<std::int64_t>() : 0;
}

void fleet_driver::reset_counters() const
{
    (void)sage_.control("/counters/reset", "{}");
}

void fleet_driver::delay_token_answers(int count, std::chrono::milliseconds delay) const
{
    const std::string armed =
        sage_.control("/faults", R"({"endpoint":"token","kind":"delay","delay_ms":)" + std::to_string(delay.count()) +
                                     R"(,"count":)" + std::to_string(count) + "}");
    if (armed.find("\"id\"") == std::string::npos) // the fault's id: armed
        throw std::runtime_error("the sandbox refused the token endpoint's delay: " + armed);
}

std::map<std::string, std::chrono::milliseconds> fleet_driver::leases_held() const
{
    if (!database_)
        database_ = sample_host::open_database(sample_host::database_url::parse(database_url_, "the fleet"));
    const std::string now(sample_host::now_milliseconds_sql(database_->engine()));
    auto held = database_->prepare("SELECT connection, expires_at - " + now +
                                   " FROM credential_leases WHERE connector_id = ?1 AND expires_at > " + now);
    held.bind(1, connector_id);
    std::map<std::string, std::chrono::milliseconds> out;
    while (held.step())
        out.emplace(held.text(0), std::chrono::milliseconds(held.integer(1)));
    return out;
}

} // namespace test_support
