#include "transport/header_text.hpp"

#include <algorithm>

namespace sage {
namespace {

bool is_alnum(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

} // namespace

bool is_b64token(std::string_view text) noexcept
{
    const std::size_t body_end = text.find_last_not_of('=');
    if (body_end == std::string_view::npos)
        return false; // empty, or only padding
    const std::string_view body = text.substr(0, body_end + 1);
    return std::all_of(body.begin(), body.end(), [](char c) {
        return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    });
}

bool is_header_value(std::string_view text) noexcept
{
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u == '\t' || (u >= 0x20 && u != 0x7f);
    });
}

bool is_header_name(std::string_view text) noexcept
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return is_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

} // namespace sage
