// One HTTP request and its answer as the console's routes see them: plain strings, no Beast or Asio
// type, so only http_server.cpp includes the network library.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sample_host {

struct http_request {
    std::string method;                                       // "GET", "POST" ...
    std::string target;                                       // path and query as sent: "/api/connections?x=1"
    std::vector<std::pair<std::string, std::string>> headers; // names in lower case, in the order sent
    std::string body;

    // The first header named `lower_case_name`, or "" when absent.
    [[nodiscard]] std::string_view header(std::string_view lower_case_name) const noexcept
    {
        for (const auto& [name, value] : headers)
            if (name == lower_case_name)
                return value;
        return {};
    }
    [[nodiscard]] bool has_header(std::string_view lower_case_name) const noexcept
    {
        for (const auto& header : headers)
            if (header.first == lower_case_name)
                return true;
        return false;
    }
};

struct http_response {
    unsigned status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; // besides Content-Type and Content-Length

    void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

} // namespace sample_host
