// The one error vocabulary shared by every result that crosses the plugin boundary: a category a
// program can branch on; the sentence a person acts on travels beside it.
#pragma once

#include <connector_sdk/version.hpp>

#include <cstdint>
#include <string_view>

CONNECTOR_SDK_BEGIN_NAMESPACE

enum class error_category : std::uint8_t {
    none,     // success
    config,   // a field is wrong: which field, why
    auth,     // credentials rejected, authorise again
    license,  // not licensed or licence expired: ask your administrator
    tls,      // certificate untrusted, wrong host, expired; keystore unreadable
    network,  // DNS, connection refused, timeout
    remote,   // the service failed: 5xx, 429, subscription ended, malformed answer
    internal, // a defect in the connector; the message says what happened
};

// The stable lower-case name of a category ("config", "auth", ...), for logs and JSON output.
constexpr std::string_view to_string(error_category category) noexcept
{
    switch (category) {
    case error_category::none: return "none";
    case error_category::config: return "config";
    case error_category::auth: return "auth";
    case error_category::license: return "license";
    case error_category::tls: return "tls";
    case error_category::network: return "network";
    case error_category::remote: return "remote";
    case error_category::internal: return "internal";
    }
    return "internal";
}

CONNECTOR_SDK_END_NAMESPACE
