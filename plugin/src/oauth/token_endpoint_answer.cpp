#include "oauth/token_endpoint_answer.hpp"

#include "transport/header_text.hpp"
#include <connector_sdk/utf8_text.hpp>

#include <boost/json.hpp>

namespace sage {
namespace {

namespace json = boost::json;

// RFC 6749 §5.2: error codes are %x20-21 / %x23-5B / %x5D-7E. Anything else is not an OAuth error
// code and is not repeated in a message.
bool is_error_code(std::string_view text)
{
    if (text.empty() || text.size() > 64)
        return false;
    for (const char c : text)
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
            return false;
    return true;
}

// At most `limit` characters of `text`, as printable UTF-8: control characters become spaces, bytes
// that are not UTF-8 become U+FFFD, and no character is cut.
std::string printable(std::string_view text, std::size_t limit)
{
    namespace utf8 = connector_sdk::utf8;
    std::string out;
    std::size_t count = 0;
    for (std::size_t at = 0; at < text.size() && count < limit; ++count) {
        const std::size_t length = utf8::character_length(text, at);
        const auto byte = static_cast<unsigned char>(text[at]);
        if (length == 0)
            out += "\xef\xbf\xbd";
        else if (byte < 0x20 || byte == 0x7f)
            out += ' ';
        else
            out.append(text.substr(at, length));
        at += length == 0 ? 1 : length;
    }
    return out;
}

} // namespace

oauth_error_answer read_error_answer(std::string_view body)
{
    oauth_error_answer answer;
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 8;
    const json::value v = json::parse(body, ec, {}, options);
    if (!ec && v.is_object()) {
        const auto& o = v.get_object();
        if (const auto* e = o.if_contains("error"); e != nullptr && e->is_string() && is_error_code(e->get_string()))
            answer.error = std::string(e->get_string());
        if (const auto* d = o.if_contains("error_description"); d != nullptr && d->is_string())
            answer.description = printable(d->get_string(), 300);
    }
    return answer;
}

connector_support::result<token_set> read_token_answer(std::string_view body, std::string_view client_id,
                                                       std::chrono::system_clock::time_point now)
{
    auto parsed = token_set_from_token_response(body, client_id, now);
    if (!parsed)
        return parsed;
    if (!is_b64token(parsed->access_token) || (!parsed->refresh_token.empty() && !is_b64token(parsed->refresh_token)))
        return connector_support::fail(connector_sdk::error_category::remote,
                                       std::string("a token in it contains characters no OAuth token has (RFC 6750)"));
    return parsed;
}

} // namespace sage
