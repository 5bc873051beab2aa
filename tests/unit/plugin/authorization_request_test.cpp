#define BOOST_TEST_MODULE authorization_request
#include <boost/test/unit_test.hpp>

#include "oauth/authorization_request.hpp"

#include <string_view>

using sage::parse_authorization_response;

BOOST_AUTO_TEST_CASE(reads_code_state_and_country_from_a_callback_target)
{
    const auto answer = parse_authorization_response("/callback?code=abc&state=xyz&country=GB");
    BOOST_REQUIRE(answer);
    BOOST_TEST(answer->code.value_or("") == "abc");
    BOOST_TEST(answer->state.value_or("") == "xyz");
    BOOST_TEST(answer->country.value_or("") == "GB");
}

BOOST_AUTO_TEST_CASE(reads_an_error_from_a_pasted_callback_url)
{
    const auto answer = parse_authorization_response(" \"http://localhost:8080/cb?error=access_denied&state=s\"\n");
    BOOST_REQUIRE(answer);
    BOOST_TEST(!answer->code);
    BOOST_TEST(answer->error.value_or("") == "access_denied");
}

// Found by tests/fuzz/authorization_response: Boost.URL 1.81 runs past an empty query that a fragment
// follows, which crashed the process (a local request "GET /?# HTTP/1.1" to the callback listener).
BOOST_AUTO_TEST_CASE(an_empty_query_before_a_fragment_is_no_answer)
{
    for (const std::string_view text : {"?#", "/callback?#x", "http://127.0.0.1:8080/?#", "/callback?", "/callback"})
        BOOST_TEST(!parse_authorization_response(text), text);
}
