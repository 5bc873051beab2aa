#include "sage_data_fixture.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

namespace e2e {

namespace json = boost::json;

namespace {

std::vector<std::string> sandbox_arguments(const sage_data_options& options)
{
    return {"--port",          "0",
            "--records",       std::to_string(options.records),
            "--other-records", std::to_string(options.other_records),
            "--latency-ms",    std::to_string(options.latency_ms)};
}

json::value parsed(const std::string& text, const std::string& what)
{
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    BOOST_TEST_REQUIRE(!ec, what << " answered something that is not JSON: " << text.substr(0, 300));
    return value;
}

} // namespace

sage_data_fixture::sage_data_fixture(sage_data_options options)
    : sage_(CONNECTOR_TEST_SAGE_SANDBOX, sandbox_arguments(options))
{
    if (options.licensed) {
        const auto trial = host_.run({"marketplace", "start-trial", sage_id});
        BOOST_TEST_REQUIRE(trial.exit_code == 0, describe(trial));
    }
}

std::vector<std::string> sage_data_fixture::arguments(const std::string& command,
                                                      const std::vector<std::string>& more) const
{
    std::vector<std::string> args{command};
    std::vector<std::string> positional;
    std::vector<std::string> options = more;
    // The entity (read, schema) comes right after the connector id; the form and options follow.
    args.emplace_back(sage_id);
    if ((command == "read" || command == "schema") && !options.empty() && options.front().rfind("--", 0) != 0) {
        args.push_back(options.front());
        options.erase(options.begin());
    }
    for (auto& a : app_.form_arguments("memory://data-e2e"))
        args.push_back(std::move(a));
    args.insert(args.end(), options.begin(), options.end());
    return args;
}

std::map<std::string, std::string> sage_data_fixture::environment()
{
    minted_.emplace_back(app_.mint_tokens().at("refresh_token").as_string());
    return app_.secret_environment(minted_.back());
}

test_support::process_result sage_data_fixture::run(const std::string& command, const std::vector<std::string>& more)
{
    return host_.run(arguments(command, more), environment());
}

test_support::started_process sage_data_fixture::start(const std::string& command, const std::vector<std::string>& more)
{
    std::vector<std::string> argv{CONNECTOR_TEST_SAMPLE_HOST, "--plugins", host_.plugins().string(), "--data",
                                  host_.data().string()};
    const auto args = arguments(command, more);
    argv.insert(argv.end(), args.begin(), args.end());
    test_support::process_options options;
    options.unset_environment = {
        "SAMPLE_HOST_PLUGINS", "SAMPLE_HOST_DATA", "SAMPLE_HOST_USER", "SAMPLE_HOST_NOW", "DISPLAY",
        "WAYLAND_DISPLAY",     "BROWSER"};
    options.environment = environment();
    return test_support::start_process(argv, options, false);
}

json::object sage_data_fixture::ground_truth(const std::string& entity, const std::string& business) const
{
    std::string path = "/records?entity=" + entity;
    if (!business.empty())
        path += "&business=" + business;
    auto truth = parsed(sage_.control(path), "/_sandbox/records");
    BOOST_TEST_REQUIRE(truth.is_object());
    return std::move(truth.as_object());
}

json::value sage_data_fixture::control(const std::string& path, const json::object& body) const
{
    return parsed(sage_.control(path, json::serialize(body)), path);
}

json::object sage_data_fixture::counters() const
{
    auto value = parsed(sage_.control("/counters"), "/_sandbox/counters");
    return std::move(value.as_object());
}

void sage_data_fixture::reset_counters() const
{
    (void)sage_.control("/counters/reset", "{}");
}

void sage_data_fixture::set_latency(int milliseconds) const
{
    (void)control("/latency", json::object{{"latency_ms", milliseconds}});
}

std::vector<std::string> sage_data_fixture::business_ids() const
{
    const std::string token(app_.mint_tokens().at("access_token").as_string());
    const auto answer =
        test_support::run_process({"/usr/bin/curl", "-s", "--cacert", sage_.text("ca_file"), "-H",
                                   "Authorization: Bearer " + token, sage_.text("api_base_url") + "/businesses"});
    const auto list = parsed(answer.out, "/v3.1/businesses");
    std::vector<std::string> ids;
    for (const auto& b : list.at("$items").as_array())
        ids.emplace_back(b.at("id").as_string());
    return ids;
}

void sage_data_fixture::check_nothing_secret_printed() const
{
    BOOST_TEST(!contains(host_.transcript(), app_.client_secret()));
    for (const auto& token : minted_)
        BOOST_TEST(!contains(host_.transcript(), token));
}

std::vector<json::object> ndjson_objects(const std::string& text)
{
    std::vector<json::object> objects;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        BOOST_TEST_REQUIRE(end != std::string::npos, "the last line has no newline: " << text.substr(start, 200));
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        boost::system::error_code ec;
        json::value value = json::parse(line, ec);
        BOOST_TEST_REQUIRE((!ec && value.is_object()), "a line is not a JSON object: " << line.substr(0, 200));
        objects.push_back(std::move(value.as_object()));
    }
    return objects;
}

std::map<std::string, json::object> by_id(const json::array& records)
{
    std::map<std::string, json::object> out;
    for (const auto& r : records)
        out.emplace(std::string(r.at("id").as_string()), r.as_object());
    return out;
}

int finish(test_support::started_process& p, std::chrono::milliseconds timeout)
{
    // Drain both pipes so a chatty child never blocks, until it exits or the deadline passes.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[4096];
    int status = -1;
    for (;;) {
        const pid_t done = ::waitpid(p.pid, &status, WNOHANG);
        if (done == p.pid)
            break;
        if (std::chrono::steady_clock::now() > deadline) {
            test_support::kill_process_group(p.pid);
            ::waitpid(p.pid, &status, 0);
            BOOST_ERROR("sample_host did not finish in time");
            break;
        }
        for (int fd : {p.output, p.error}) {
            if (fd < 0)
                continue;
            pollfd one{fd, POLLIN, 0};
            if (::poll(&one, 1, 0) > 0)
                (void)!::read(fd, buffer, sizeof buffer);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (int* fd : {&p.input, &p.output, &p.error})
        if (*fd >= 0) {
            ::close(*fd);
            *fd = -1;
        }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

} // namespace e2e
