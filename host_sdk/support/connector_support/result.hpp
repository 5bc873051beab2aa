// The one result type of this repository's fallible internal calls (connector and sample host):
// result<T> holds a T or a failure — the SDK's error category (what a program branches on) and the
// sentence a person acts on (the cause and the remedy, never a secret). Built on
// boost::system::result; results crossing the plugin boundary stay the SDK's own value types.
#pragma once

#include <connector_sdk/error_category.hpp>

#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace connector_support {

struct failure {
    connector_sdk::error_category category = connector_sdk::error_category::internal;
    std::string message;
};

// result<T>: a T, or why there is none. result<void> for calls that only succeed or fail.
template <typename T = void>
using result = boost::system::result<T, failure>;

// Thrown by result<T>::value() on a failure; code should test the result instead of relying on it.
class failure_error final : public std::runtime_error {
public:
    explicit failure_error(failure f) : std::runtime_error(f.message), failure_(std::move(f)) {}
    [[nodiscard]] const failure& what_failed() const noexcept { return failure_; }

private:
    failure failure_;
};

// Found by boost::system::result through argument-dependent lookup.
[[noreturn]] inline void throw_exception_from_error(const failure& f, const boost::source_location&)
{
    throw failure_error(f);
}

// A failure of `category` saying `message`, for `return fail(...)` in a function returning result<T>.
inline failure fail(connector_sdk::error_category category, std::string message)
{
    return failure{category, std::move(message)};
}

} // namespace connector_support
