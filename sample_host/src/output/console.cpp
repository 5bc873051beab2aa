#include "output/console.hpp"

#include "security/secret_redactor.hpp"

#include <boost/json.hpp>

#include <ostream>

namespace sample_host {

// Inside the tree rather than only the serialised text: a secret holding a quote or a backslash is
// escaped in JSON and would no longer match.
void redact_tree(boost::json::value& value, const secret_redactor& redactor)
{
    if (auto* text = value.if_string()) {
        *text = redactor.redact(*text);
    } else if (auto* array = value.if_array()) {
        for (auto& item : *array)
            redact_tree(item, redactor);
    } else if (auto* object = value.if_object()) {
        for (auto& member : *object)
            redact_tree(member.value(), redactor);
    }
}

console::console(std::ostream& out, std::ostream& err, const secret_redactor& redactor, bool json) noexcept
    : out_(out), err_(err), redactor_(redactor), json_(json)
{
}

void console::line(std::string_view text)
{
    out_ << redactor_.redact(text) << '\n';
}

void console::flush()
{
    out_.flush();
}

void console::document(boost::json::value doc)
{
    redact_tree(doc, redactor_);
    out_ << redactor_.redact(boost::json::serialize(doc)) << '\n';
}

void console::error(std::string_view text)
{
    err_ << "error: " << redactor_.redact(text) << '\n';
}

void console::warning(std::string_view text)
{
    err_ << "warning: " << redactor_.redact(text) << '\n';
}

void console::note(std::string_view text)
{
    err_ << redactor_.redact(text) << '\n';
}

} // namespace sample_host
