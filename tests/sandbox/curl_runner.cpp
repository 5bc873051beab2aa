#include "curl_runner.hpp"

#include "process.hpp"
#include "temp_dir.hpp"

#include <chrono>
#include <sstream>

namespace sage_sandbox::testing {

const std::string& curl_path()
{
    static const std::string path = "/usr/bin/curl";
    return path;
}

curl_result run_curl(const std::vector<std::string>& args, int timeout_seconds)
{
    test_support::temp_dir dir("sandbox-curl");
    const auto header_file = dir / "headers";
    const auto body_file = dir / "body";
    std::vector<std::string> argv{curl_path(),        "-sS", "-D",          header_file.string(), "-o",
                                  body_file.string(), "-w",  "%{http_code}"};
    argv.insert(argv.end(), args.begin(), args.end());
    test_support::process_options options;
    options.timeout = std::chrono::seconds(timeout_seconds);
    // A proxy in the environment would change what is being tested.
    options.unset_environment = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"};
    const test_support::process_result run = test_support::run_process(argv, options);

    curl_result result;
    result.exit_code = run.exit_code;
    result.error = run.err;
    try {
        result.status = static_cast<unsigned>(std::stoul(run.out));
    } catch (const std::exception&) {
        result.status = 0;
    }
    try {
        result.body = test_support::read_file(body_file);
    } catch (const std::exception&) {
    }
    std::string headers;
    try {
        headers = test_support::read_file(header_file);
    } catch (const std::exception&) {
    }
    // Keep the last response's block (after a 100 Continue or a proxy's 200 there are several).
    std::istringstream lines(headers);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.rfind("HTTP/", 0) == 0) {
            result.headers.clear();
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.erase(value.begin());
        result.headers.insert_or_assign(line.substr(0, colon), value);
    }
    return result;
}

std::string query_parameter(const std::string& url, const std::string& name)
{
    const auto q = url.find('?');
    if (q == std::string::npos)
        return {};
    auto fields = parse_form(std::string_view(url).substr(q + 1));
    if (!fields)
        return {};
    return form_value(*fields, name).value_or("");
}

} // namespace sage_sandbox::testing
