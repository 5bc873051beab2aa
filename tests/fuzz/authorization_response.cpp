// Fuzz target: what the loopback callback listener reads from a local connection — the HTTP request
// (Beast's request parser, configured as plugin/src/oauth/callback_listener.cpp configures it) and the
// request target's query (sage::parse_authorization_response, also used for a pasted callback URL).
// The first byte chooses: even, the input is a raw request; odd, the input is a pasted callback URL.
#include "oauth/authorization_request.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void read_answer(std::string_view target)
{
    const auto answer = sage::parse_authorization_response(target);
    if (answer && !answer->code && !answer->error)
        std::abort(); // an answer carries a code or an error
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace http = boost::beast::http;
    if (size == 0)
        return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 2 == 1) {
        read_answer(input);
        return 0;
    }
    http::request_parser<http::empty_body> parser;
    parser.header_limit(16 * 1024);
    parser.eager(true);
    boost::system::error_code ec;
    std::size_t used = 0;
    while (used < input.size() && !parser.is_done()) {
        const std::size_t n = parser.put(boost::asio::buffer(input.data() + used, input.size() - used), ec);
        if (ec || n == 0)
            break;
        used += n;
    }
    if (!ec && parser.is_header_done())
        read_answer(std::string_view(parser.get().target()));
    return 0;
}
