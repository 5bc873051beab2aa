// The one exception type the host's units throw for conditions a user can hit: it carries the exit
// code the command line reports and a message that names the cause and the remedy.
#pragma once

#include <stdexcept>
#include <string>

namespace sample_host {

// Exit codes of sample_host (documented in --help).
enum class exit_code : int {
    ok = 0,
    refused = 1, // refused, unavailable, invalid, not found
    usage = 2,   // the command line itself is wrong
};

class host_error : public std::runtime_error {
public:
    explicit host_error(const std::string& message, exit_code code = exit_code::refused)
        : std::runtime_error(message), code_(code)
    {
    }

    [[nodiscard]] exit_code code() const noexcept { return code_; }

private:
    exit_code code_;
};

// A mistake in how the command was written (a malformed --set, an unreadable --form file...).
class usage_error final : public host_error {
public:
    explicit usage_error(const std::string& message) : host_error(message, exit_code::usage) {}
};

} // namespace sample_host
