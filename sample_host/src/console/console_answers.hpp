// The console's answers: JSON documents, the one error shape {"error": {"category", "message",
// "field"?}}, small HTML pages with every text escaped, and the security headers every answer carries.
#pragma once

#include "console/http_exchange.hpp"

#include <boost/json/value.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace sample_host {

// A request the API refuses: its status, category and message (and the field it concerns).
class api_error final : public std::runtime_error {
public:
    api_error(unsigned status, std::string category, const std::string& message, std::string field = {})
        : std::runtime_error(message), status_(status), category_(std::move(category)), field_(std::move(field))
    {
    }
    [[nodiscard]] unsigned status() const noexcept { return status_; }
    [[nodiscard]] const std::string& category() const noexcept { return category_; }
    [[nodiscard]] const std::string& field() const noexcept { return field_; }

private:
    unsigned status_;
    std::string category_;
    std::string field_;
};

// `document` as application/json.
[[nodiscard]] http_response json_answer(unsigned status, const boost::json::value& document);

// {"error": {"category", "message", "field"?}}
[[nodiscard]] boost::json::object error_document(std::string_view category, std::string_view message,
                                                 std::string_view field = {});
[[nodiscard]] http_response json_error(unsigned status, std::string_view category, std::string_view message,
                                       std::string_view field = {});

// `text` with & < > " ' replaced by character references.
[[nodiscard]] std::string html_escape(std::string_view text);

// A small page (no script, the console's stylesheet) saying `heading` and `message`, both escaped.
[[nodiscard]] http_response html_page(unsigned status, std::string_view heading, std::string_view message);

// Adds the headers every answer carries: the strict Content-Security-Policy, nosniff, no referrer, no
// framing, Cache-Control (no-store unless the answer set one), HSTS under TLS.
void add_security_headers(http_response& answer, bool tls);

} // namespace sample_host
