// Remembers the secret values this process has handled and blanks them out of any text before it is
// printed or logged: a last line of defence behind connectors and messages that should never carry
// a secret in the first place.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

inline constexpr std::string_view secret_mask = "********";

class secret_redactor final {
public:
    // Values shorter than this are not searched for: masking every "a" or "on" in the output would
    // make it unreadable, and such values offer no secrecy anyway.
    static constexpr std::size_t minimum_length = 4;

    void add(std::string_view secret);

    // `text` with every remembered secret replaced by secret_mask. Thread-safe.
    [[nodiscard]] std::string redact(std::string_view text) const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> secrets_; // longest first, so a secret containing another is masked whole
};

} // namespace sample_host
