// The few Sage Accounting v3.1 calls a connection test needs (GET /user, GET /businesses), with Sage's
// error arrays, collection envelopes and pagination quirks read correctly.
#pragma once

#include "transport/http_client.hpp"

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sage {

struct sage_user {
    std::string id;
    std::string displayed_as;
    std::string email;
};

struct sage_business {
    std::string id;
    std::string displayed_as;
};

// One entry of Sage's error array: [{"$severity","$dataCode","$message","$source"}].
struct sage_error_item {
    std::string severity;
    std::string data_code;
    std::string message;
    std::string source;
};

struct api_failure {
    unsigned status = 0; // 0 when no answer arrived
    std::vector<sage_error_item> errors;
    transport_failure transport = transport_failure::none;
    std::string transport_message;
    bool malformed = false; // an answer arrived but is not what Sage sends
    std::string request_id; // Sage's request id, for support

    [[nodiscard]] bool has_data_code(std::string_view code) const noexcept;
};

template <typename T>
using api_result = std::variant<T, api_failure>;

// Reads Sage's error array from a body; empty when the body is not one.
[[nodiscard]] std::vector<sage_error_item> parse_sage_errors(std::string_view body);

class sage_api {
public:
    // `base` is ApiBaseURL (e.g. https://api.accounting.sage.com/v3.1).
    sage_api(http_client& http, endpoint base, std::function<void(std::string_view)> log);

    [[nodiscard]] api_result<sage_user> user(const std::string& access_token);

    // Every business the user can reach, following $next until it is null (at most 20 pages).
    [[nodiscard]] api_result<std::vector<sage_business>> businesses(const std::string& access_token);

private:
    [[nodiscard]] std::variant<http_response, api_failure> get(const std::string& path_and_query,
                                                               const std::string& access_token);

    http_client& http_;
    endpoint base_;
    std::function<void(std::string_view)> log_;
};

} // namespace sage
