// A URL the connector talks to or listens on (AuthorizeURL, TokenURL, ApiBaseURL, CallbackURL),
// parsed once into the parts an HTTP client and the validator need. The only unit that parses URLs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sage {

struct endpoint {
    std::string url;            // as given, trimmed
    std::string scheme;         // lower-case: "https", "http", ...
    std::string host;           // lower-case name or address; IPv6 without brackets
    std::uint16_t port = 0;     // the explicit port, else the scheme's default (443/80), else 0
    bool explicit_port = false; // the URL spells a port
    std::string target;         // path and query as sent in a request line; "/" at least
    bool has_userinfo = false;  // "user:password@" present (never allowed; kept to say so)
    bool has_fragment = false;
    bool loopback = false; // localhost, 127.0.0.0/8 or ::1

    [[nodiscard]] bool https() const noexcept { return scheme == "https"; }
    [[nodiscard]] bool http() const noexcept { return scheme == "http"; }
};

struct endpoint_parse_result {
    std::optional<endpoint> value;
    std::string error; // why `text` is not a usable absolute URL, when value is empty (no URL text in it)
};

// Parses an absolute URL with an authority ("scheme://host[:port]/path?query"). Never throws.
[[nodiscard]] endpoint_parse_result parse_endpoint(std::string_view text) noexcept;

// The parsed form of a URL this program spells itself (the catalogue's defaults); throws
// std::logic_error when the text does not parse, which would be a defect.
[[nodiscard]] endpoint known_endpoint(std::string_view text);

// Whether `host` (lower-case name, or an address without brackets) is this machine's loopback:
// "localhost", 127.0.0.0/8 or ::1.
[[nodiscard]] bool is_loopback_host(std::string_view host) noexcept;

} // namespace sage
