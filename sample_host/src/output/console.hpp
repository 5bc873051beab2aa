// Everything sample_host prints goes through here: results on standard output (text, or one JSON
// document with --json), diagnostics on standard error, with known secret values masked in both.
#pragma once

#include <boost/json/value.hpp>

#include <iosfwd>
#include <string_view>

namespace sample_host {

class secret_redactor;

// Masks every known secret in every string of `value` (the web console's answers go through it too).
void redact_tree(boost::json::value& value, const secret_redactor& redactor);

class console final {
public:
    console(std::ostream& out, std::ostream& err, const secret_redactor& redactor, bool json) noexcept;

    [[nodiscard]] bool json() const noexcept { return json_; }

    // A line (or block) of the text result on standard output.
    void line(std::string_view text);
    // Pushes standard output on now (a long-running command's first line is read by another program).
    void flush();
    // The command's result as a JSON document on standard output (its strings redacted first).
    void document(boost::json::value doc);
    // A message for the person on standard error, prefixed "error: " / "warning: ".
    void error(std::string_view text);
    void warning(std::string_view text);
    void note(std::string_view text);

private:
    std::ostream& out_;
    std::ostream& err_;
    const secret_redactor& redactor_;
    bool json_;
};

} // namespace sample_host
