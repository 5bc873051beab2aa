// How every noexcept entry point of the connector runs its body: inside connector_support::guarded,
// so an exception escaping it (a defect, std::bad_alloc) is logged to the host and answered with the
// entry point's own "failed unexpectedly" result instead of crossing the plugin boundary.
#pragma once

#include <connector_sdk/host_services.hpp>
#include <connector_sdk/results.hpp>
#include <connector_support/guarded.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace sage {

// "the connector failed unexpectedly (what); please report this to the vendor"
[[nodiscard]] std::string failed_unexpectedly_sentence(std::string_view what);

// The "failed unexpectedly" answer of an entry point returning `Result`: a form-wide field error for
// validate, category internal and the sentence for results that carry them, an empty value otherwise.
template <typename Result>
[[nodiscard]] Result failed_unexpectedly(std::string_view what) noexcept
{
    Result answer{};
    try {
        if constexpr (std::is_same_v<Result, connector_sdk::validation_result>) {
            answer.errors = {{"", failed_unexpectedly_sentence(what)}};
        } else if constexpr (requires {
                                 answer.category = connector_sdk::error_category::internal;
                                 answer.message;
                             }) {
            answer.category = connector_sdk::error_category::internal;
            answer.message = failed_unexpectedly_sentence(what);
        }
    } catch (...) {
        // out of memory while writing the sentence: the bare answer still says "internal"
    }
    return answer;
}

// Logs "<entry_point> failed unexpectedly: <what>" at error level; never throws.
void log_unexpected(connector_sdk::host_services& services, std::string_view entry_point,
                    std::string_view what) noexcept;

// Runs `body()` for the entry point named `entry_point`; if it throws, logs the exception's text and
// answers `on_failure(what)` (which must not throw).
template <typename Body, typename OnFailure>
[[nodiscard]] auto run_entry_point(connector_sdk::host_services& services, std::string_view entry_point, Body&& body,
                                   OnFailure&& on_failure) noexcept -> decltype(body())
{
    std::string_view what = "unknown error";
    std::string kept; // the exception's text outlives its catch block here
    return connector_support::guarded(
        std::forward<Body>(body),
        [&](std::string_view text) noexcept {
            try {
                kept = text;
                what = kept;
            } catch (...) {
            }
            log_unexpected(services, entry_point, what);
        },
        [&]() noexcept { return on_failure(what); });
}

// The same, answering failed_unexpectedly<Result> if the body throws.
template <typename Body>
[[nodiscard]] auto run_entry_point(connector_sdk::host_services& services, std::string_view entry_point,
                                   Body&& body) noexcept -> decltype(body())
{
    return run_entry_point(services, entry_point, std::forward<Body>(body),
                           [](std::string_view what) noexcept { return failed_unexpectedly<decltype(body())>(what); });
}

} // namespace sage
