// Plain HTTP request/response values exchanged between the sandbox's socket layer and its logic, so
// the OAuth and API logic never sees Beast or Asio types and can be unit-tested without sockets.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sage_sandbox {

// Header names compare case-insensitively (RFC 9110).
struct header_less {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept;
};
using header_map = std::map<std::string, std::string, header_less>;

struct http_request {
    std::string method; // "GET", "POST", ...
    std::string target; // origin-form: "/v3.1/contacts?page=2"
    header_map headers;
    std::string body;

    // The header's value, or "" when absent.
    [[nodiscard]] std::string_view header(std::string_view name) const;
};

struct http_response {
    unsigned status = 200;
    header_map headers; // Content-Length is added by the server
    std::string body;
};

// How the server delivers a reply: faults may degrade the delivery itself, not just the content.
enum class delivery {
    normal,             // write the response
    close_mid_response, // write the headers and half the body, then close the TCP connection
    drop_connection,    // close the connection without writing anything
    oversize_body,      // stream a valid-looking JSON body of oversize_bytes, never held in memory
};

struct reply {
    http_response response;
    delivery how = delivery::normal;
    std::chrono::milliseconds delay{0}; // wait this long before answering
    std::uint64_t oversize_bytes = 0;
};

// A JSON response (Content-Type: application/json; charset=utf-8).
http_response json_response(unsigned status, const boost::json::value& body);

// A response with the given content type.
http_response text_response(unsigned status, std::string_view content_type, std::string body);

// Decodes %XX escapes (and '+' as a space when plus_is_space); nullopt when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Percent-encodes everything but RFC 3986 unreserved characters (so '/' becomes %2F).
std::string percent_encode(std::string_view text);

// The pairs of an application/x-www-form-urlencoded body or a query string, in order;
// nullopt when an escape is malformed.
using form_fields = std::vector<std::pair<std::string, std::string>>;
std::optional<form_fields> parse_form(std::string_view text);

// The value of `name` in `fields`: nullopt when absent; "" for duplicates is reported by count().
std::optional<std::string> form_value(const form_fields& fields, std::string_view name);
std::size_t form_count(const form_fields& fields, std::string_view name);

// Splits an origin-form target into its path and its raw query (without '?').
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

} // namespace sage_sandbox
