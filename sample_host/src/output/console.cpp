#include "output/console.hpp"

#include "security/secret_redactor.hpp"

#include <connector_sdk/utf8_text.hpp>

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

namespace {

// Makes every string and key of the tree valid UTF-8 (each stray byte becomes U+FFFD): Boost.JSON
// writes a string's bytes as they are, so a value that reached the host as invalid UTF-8 (a form
// value refused for it, an argument, a file name) would otherwise make the document invalid JSON.
void make_valid_utf8(boost::json::value& value)
{
    namespace utf8 = connector_sdk::utf8;
    if (auto* text = value.if_string()) {
        if (!utf8::is_valid(*text))
            *text = utf8::made_valid(*text);
    } else if (auto* array = value.if_array()) {
        for (auto& item : *array)
            make_valid_utf8(item);
    } else if (auto* object = value.if_object()) {
        bool keys_valid = true;
        for (auto& member : *object) {
            make_valid_utf8(member.value());
            keys_valid = keys_valid && utf8::is_valid(member.key());
        }
        if (!keys_valid) {
            boost::json::object valid;
            for (auto& member : *object)
                valid[utf8::made_valid(member.key())] = std::move(member.value());
            *object = std::move(valid);
        }
    }
}

} // namespace

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
    make_valid_utf8(doc);
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
