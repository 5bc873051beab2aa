// Fault bookkeeping: which request a fault hits, how many times, and how faults are read from JSON.
#define BOOST_TEST_MODULE sandbox_fault_book
#include <boost/test/unit_test.hpp>

#include "fault_book.hpp"

#include <sandbox_printing.hpp>

#include <boost/json/parse.hpp>

#include <stdexcept>

using namespace sage_sandbox;

namespace {

fault_spec make(std::string endpoint, fault_kind kind, std::optional<std::uint32_t> count)
{
    fault_spec spec;
    spec.endpoint = std::move(endpoint);
    spec.kind = kind;
    spec.count = count;
    return spec;
}

fault_spec from(const char* json)
{
    return fault_from_json(boost::json::parse(json).as_object());
}

} // namespace

BOOST_AUTO_TEST_CASE(a_counted_fault_fires_exactly_count_times_on_its_endpoint)
{
    fault_book book;
    book.arm(make("token", fault_kind::server_error, 2));
    BOOST_TEST(!book.take("user").has_value());
    BOOST_TEST(book.take("token").has_value());
    BOOST_TEST(book.take("token").has_value());
    BOOST_TEST(!book.take("token").has_value());
    BOOST_TEST(book.list().empty());
}

BOOST_AUTO_TEST_CASE(an_uncounted_fault_fires_until_cleared)
{
    fault_book book;
    book.arm(make("*", fault_kind::rate_limited, std::nullopt));
    for (int i = 0; i < 10; ++i)
        BOOST_TEST(book.take(i % 2 == 0 ? "user" : "contacts").has_value());
    BOOST_TEST(book.list().at(0).fired == 10u);
    book.clear();
    BOOST_TEST(!book.take("user").has_value());
}

BOOST_AUTO_TEST_CASE(the_first_armed_matching_fault_wins)
{
    fault_book book;
    book.arm(make("user", fault_kind::delay, 1));
    book.arm(make("*", fault_kind::server_error, 1));
    BOOST_TEST(book.take("contacts")->kind == fault_kind::server_error);
    BOOST_TEST(book.take("user")->kind == fault_kind::delay);
    BOOST_TEST(!book.take("user").has_value());
}

BOOST_AUTO_TEST_CASE(clear_by_endpoint_and_disarm_by_id)
{
    fault_book book;
    const auto a = book.arm(make("user", fault_kind::server_error, std::nullopt));
    book.arm(make("token", fault_kind::server_error, std::nullopt));
    book.arm(make("*", fault_kind::server_error, std::nullopt));
    book.clear(std::string("token"));
    BOOST_TEST(book.list().size() == 2u);
    BOOST_TEST(book.disarm(a));
    BOOST_TEST(!book.disarm(a));
    book.clear(std::string("*"));
    BOOST_TEST(book.list().empty());
}

BOOST_AUTO_TEST_CASE(unknown_endpoints_and_zero_counts_are_refused)
{
    fault_book book;
    BOOST_CHECK_THROW(book.arm(make("userz", fault_kind::server_error, 1)), std::invalid_argument);
    BOOST_CHECK_THROW(book.arm(make("user", fault_kind::server_error, 0)), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(faults_read_from_json)
{
    const auto spec = from(R"({"endpoint":"token","kind":"rate_limited","count":3,"retry_after":5})");
    BOOST_TEST(spec.endpoint == "token");
    BOOST_TEST(spec.kind == fault_kind::rate_limited);
    BOOST_TEST(spec.count.value() == 3u);
    BOOST_TEST(spec.retry_after_seconds.value() == 5u);
    BOOST_TEST(from(R"({"kind":"delay","delay_ms":2500})").delay.count() == 2500);
    BOOST_TEST(from(R"({"kind":"oversize_body","bytes":1048576})").oversize_bytes == 1048576u);
    BOOST_TEST(from(R"({"kind":"oversize_body"})").oversize_bytes == 64u * 1024 * 1024);
    BOOST_TEST(from(R"({"kind":"server_error"})").endpoint == "*");
    BOOST_TEST(!from(R"({"kind":"server_error","count":null})").count.has_value());
    BOOST_CHECK_THROW(from(R"({"kind":"explode"})"), std::invalid_argument);
    BOOST_CHECK_THROW(from(R"({"endpoint":"token"})"), std::invalid_argument);
    BOOST_CHECK_THROW(from(R"({"kind":"delay","delay_ms":-1})"), std::invalid_argument);
    BOOST_CHECK_THROW(from(R"({"kind":"delay","typo":1})"), std::invalid_argument);
    for (const char* name : {"rate_limited", "server_error", "service_unavailable", "delay", "close_mid_response",
                             "drop_connection", "malformed_json", "oversize_body"})
        BOOST_TEST(to_string(parse_fault_kind(name).value()) == name);
}
