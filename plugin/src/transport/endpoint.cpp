#include "transport/endpoint.hpp"

#include <connector_support/ascii_text.hpp>

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>
#include <stdexcept>
#include <utility>

namespace sage {

bool is_loopback_host(std::string_view host) noexcept
{
    if (connector_support::iequals(host, "localhost"))
        return true;
    if (auto v4 = boost::urls::parse_ipv4_address(host))
        return v4->is_loopback();
    if (auto v6 = boost::urls::parse_ipv6_address(host))
        return v6->is_loopback();
    return false;
}

endpoint known_endpoint(std::string_view text)
{
    endpoint_parse_result parsed = parse_endpoint(text);
    if (!parsed.value)
        throw std::logic_error("built-in URL " + std::string(text) + " " + parsed.error);
    return std::move(*parsed.value);
}

endpoint_parse_result parse_endpoint(std::string_view text) noexcept
{
    try {
        text = connector_support::trim(text);
        if (text.empty())
            return {std::nullopt, "is empty"};
        for (char c : text)
            if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
                return {std::nullopt, "contains a space or a control character"};
        auto parsed = boost::urls::parse_uri(text);
        if (!parsed)
            return {std::nullopt, "is not a valid absolute URL (expected e.g. https://host/path)"};
        const boost::urls::url_view& u = *parsed;
        if (!u.has_authority() || u.encoded_host().empty())
            return {std::nullopt, "has no host (expected e.g. https://host/path)"};
        if (u.host_type() == boost::urls::host_type::ipvfuture)
            return {std::nullopt, "uses an IP literal this connector does not understand"};
        if (u.encoded_host().find('%') != boost::urls::string_view::npos)
            return {std::nullopt, "has a percent-encoded host name; write the host name plainly"};

        endpoint e;
        e.url = std::string(text);
        e.scheme = connector_support::to_lower(u.scheme());
        e.host = connector_support::to_lower(u.encoded_host_address());
        e.has_userinfo = u.has_userinfo();
        e.has_fragment = u.has_fragment();
        if (u.has_port()) {
            if (u.port().empty())
                return {std::nullopt, "has an empty port after ':'"};
            // port_number() wraps values above 65535 instead of refusing them: read the digits ourselves.
            const std::string_view digits = u.port();
            unsigned long number = 0;
            const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
            if (ec != std::errc() || end != digits.data() + digits.size() || number == 0 || number > 65535)
                return {std::nullopt, "has port " + std::string(digits.substr(0, 10)) + "; a port is 1 to 65535"};
            e.port = static_cast<std::uint16_t>(number);
            e.explicit_port = true;
        } else if (e.scheme == "https") {
            e.port = 443;
        } else if (e.scheme == "http") {
            e.port = 80;
        }
        e.target = std::string(u.encoded_path());
        if (e.target.empty())
            e.target = "/";
        if (u.has_query()) {
            e.target += '?';
            e.target += std::string(u.encoded_query());
        }
        e.loopback = is_loopback_host(e.host);
        return {std::move(e), {}};
    } catch (...) {
        return {std::nullopt, "could not be read as a URL"};
    }
}

} // namespace sage
