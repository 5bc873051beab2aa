// The message of the exception a refused action throws, for tests that check what a refusal says.
#pragma once

#include <boost/test/unit_test.hpp>

#include <exception>
#include <functional>
#include <string>

namespace test_support {

// Runs `action`, which must throw an `Error`; returns its what(). Fails the test when nothing is thrown.
template <typename Error = std::exception>
std::string refusal_of(const std::function<void()>& action)
{
    try {
        action();
    } catch (const Error& e) {
        return e.what();
    }
    BOOST_FAIL("accepted what must be refused");
    return {};
}

} // namespace test_support
