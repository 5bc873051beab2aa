// The one wrapper every noexcept entry point runs its body in: an exception escaping the body (a
// defect or std::bad_alloc) is logged by the caller's `report` and turned into the entry point's
// own "failed unexpectedly" answer, so nothing ever throws across the plugin boundary or out of a
// host's noexcept service.
#pragma once

#include <exception>
#include <string_view>
#include <utility>

namespace connector_support {

// Runs `body()`; if it throws, calls `report(what)` with the exception's text (or "unknown error")
// and returns `on_failure()`. `report` and `on_failure` must not throw.
template <typename Body, typename Report, typename OnFailure>
auto guarded(Body&& body, Report&& report, OnFailure&& on_failure) noexcept -> decltype(body())
{
    try {
        return std::forward<Body>(body)();
    } catch (const std::exception& e) {
        report(std::string_view(e.what()));
    } catch (...) {
        report(std::string_view("unknown error"));
    }
    return std::forward<OnFailure>(on_failure)();
}

} // namespace connector_support
