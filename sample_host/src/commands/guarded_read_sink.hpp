// What the host's read sinks (`read` into a file, `sync` into a database) share: a failure inside a sink
// call (a full disk, a locked database) stops the read, and its text is kept for the command to
// report — an exception never crosses into the connector.
#pragma once

#include <connector_sdk/data_access.hpp>
#include <connector_support/guarded.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

class guarded_read_sink : public connector_sdk::read_sink {
public:
    // Why the sink stopped the read, if it did.
    [[nodiscard]] const std::optional<std::string>& problem() const noexcept { return problem_; }

protected:
    ~guarded_read_sink() = default;

    // Runs `work`; true when it finished, false (the read stops) when it threw.
    template <typename F>
    bool keep_going(F&& work) noexcept
    {
        return connector_support::guarded(
            [&] {
                work();
                return true;
            },
            [this](std::string_view what) noexcept {
                try {
                    problem_ = std::string(what);
                } catch (...) {
                }
            },
            [] { return false; });
    }

private:
    std::optional<std::string> problem_;
};

} // namespace sample_host
