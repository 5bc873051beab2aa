// Runs the curl command-line client against the sandbox for black-box tests: an independent,
// widely used HTTPS client, so the tests prove the sandbox speaks real HTTP/TLS, not just to itself.
#pragma once

#include "http_message.hpp"

#include <string>
#include <vector>

namespace sage_sandbox::testing {

struct curl_result {
    int exit_code =
        -1; // curl's exit status: 0 ok, 18 partial, 28 timeout, 52 empty reply, 56 recv, 60 cert, 63 max size
    unsigned status = 0; // HTTP status of the last response, 0 when none
    header_map headers;  // headers of the last response
    std::string body;
    std::string error; // curl's stderr
};

// The path of the curl binary ("/usr/bin/curl").
const std::string& curl_path();

// curl -sS <args...> with the response status, headers and body captured; `timeout_seconds` bounds
// the whole process.
curl_result run_curl(const std::vector<std::string>& args, int timeout_seconds = 60);

// The value of query parameter `name` in `url`, percent-decoded; "" when absent.
std::string query_parameter(const std::string& url, const std::string& name);

} // namespace sage_sandbox::testing
