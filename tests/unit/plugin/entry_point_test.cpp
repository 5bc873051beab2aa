// How the connector's entry points run (plugin/src/connector/entry_point.hpp): a body that throws is
// logged and answered with the entry point's own "failed unexpectedly" result; nothing escapes.
#define BOOST_TEST_MODULE entry_point
#include <boost/test/unit_test.hpp>

#include "connector/entry_point.hpp"

#include <connector_sdk/oauth_management.hpp>

#include <fake_host_services.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using connector_sdk::error_category;

bool logged(const test_support::fake_host_services& services, const std::string& fragment)
{
    const auto lines = services.log_lines();
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& line) { return line.find(fragment) != std::string::npos; });
}

} // namespace

BOOST_AUTO_TEST_CASE(a_body_that_succeeds_answers_as_it_is)
{
    test_support::fake_host_services services;
    const auto r = sage::run_entry_point(services, "test", [] {
        connector_sdk::test_result ok;
        ok.available = true;
        ok.category = error_category::none;
        return ok;
    });
    BOOST_TEST(r.available);
    BOOST_TEST(services.log_lines().empty());
}

BOOST_AUTO_TEST_CASE(a_throwing_test_answers_internal_with_the_cause_and_logs_it)
{
    test_support::fake_host_services services;
    const auto r = sage::run_entry_point(services, "test",
                                         []() -> connector_sdk::test_result { throw std::runtime_error("boom"); });
    BOOST_TEST(!r.available);
    BOOST_TEST((r.category == error_category::internal));
    BOOST_TEST(r.message == "the connector failed unexpectedly (boom); please report this to the vendor");
    BOOST_TEST(logged(services, "test failed unexpectedly: boom"));
}

BOOST_AUTO_TEST_CASE(validate_answers_a_form_wide_error)
{
    test_support::fake_host_services services;
    const auto r = sage::run_entry_point(services, "validate", []() -> connector_sdk::validation_result { throw 42; });
    BOOST_REQUIRE(r.errors.size() == 1u);
    BOOST_TEST(r.errors.front().key.empty());
    BOOST_TEST(r.errors.front().message.find("unknown error") != std::string::npos, r.errors.front().message);
    BOOST_TEST(logged(services, "validate failed unexpectedly: unknown error"));
}

BOOST_AUTO_TEST_CASE(results_without_a_message_answer_empty)
{
    test_support::fake_host_services services;
    const auto r =
        sage::run_entry_point(services, "describe_properties", []() -> std::vector<int> { throw std::bad_alloc(); });
    BOOST_TEST(r.empty());
    BOOST_TEST(logged(services, "describe_properties failed unexpectedly"));
}

BOOST_AUTO_TEST_CASE(an_entry_point_may_give_its_own_answer)
{
    test_support::fake_host_services services;
    const auto r = sage::run_entry_point(
        services, "authorize", []() -> connector_sdk::oauth_operation_result { throw std::logic_error("defect"); },
        [](std::string_view what) noexcept {
            connector_sdk::oauth_operation_result own;
            own.category = error_category::remote;
            own.message = std::string("custom: ") + std::string(what);
            return own;
        });
    BOOST_TEST(!r.ok);
    BOOST_TEST((r.category == error_category::remote));
    BOOST_TEST(r.message == "custom: defect");
}
