#include "console/console_answers.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace sample_host {

namespace json = boost::json;

http_response json_answer(unsigned status, const json::value& document)
{
    http_response answer;
    answer.status = status;
    answer.content_type = "application/json; charset=utf-8";
    answer.body = json::serialize(document);
    return answer;
}

json::object error_document(std::string_view category, std::string_view message, std::string_view field)
{
    json::object error{{"category", category}, {"message", message}};
    if (!field.empty())
        error["field"] = field;
    return json::object{{"error", std::move(error)}};
}

http_response json_error(unsigned status, std::string_view category, std::string_view message, std::string_view field)
{
    return json_answer(status, error_document(category, message, field));
}

std::string html_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

http_response html_page(unsigned status, std::string_view heading, std::string_view message)
{
    http_response answer;
    answer.status = status;
    answer.content_type = "text/html; charset=utf-8";
    answer.body =
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
        html_escape(heading) +
        "</title>\n<link rel=\"stylesheet\" href=\"/app.css\">\n</head>\n<body>\n<main class=\"notice\">\n<h1>" +
        html_escape(heading) + "</h1>\n<p role=\"status\">" + html_escape(message) +
        "</p>\n</main>\n</body>\n</html>\n";
    return answer;
}

void add_security_headers(http_response& answer, bool tls)
{
    answer.set_header("Content-Security-Policy",
                      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                      "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    answer.set_header("X-Content-Type-Options", "nosniff");
    answer.set_header("Referrer-Policy", "no-referrer");
    answer.set_header("X-Frame-Options", "DENY");
    // The sign-in window is opened by the console and comes back to it: keep the opener for it only.
    answer.set_header("Cross-Origin-Opener-Policy", "same-origin-allow-popups");
    answer.set_header("Cross-Origin-Resource-Policy", "same-origin");
    const bool has_cache_control = std::any_of(answer.headers.begin(), answer.headers.end(),
                                               [](const auto& header) { return header.first == "Cache-Control"; });
    if (!has_cache_control)
        answer.set_header("Cache-Control", "no-store");
    if (tls)
        answer.set_header("Strict-Transport-Security", "max-age=31536000");
}

} // namespace sample_host
