// Behaviour switches a test flips to make the sandbox answer like Sage in its less happy states:
// the user refusing consent, a subscription that has ended, a user whose role lacks access.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sage_sandbox {

enum class consent_mode {
    auto_consent,            // the user consents at once: redirect with a code
    access_denied,           // redirect with error=access_denied
    invalid_scope,           // redirect with error=invalid_scope
    server_error,            // redirect with error=server_error
    temporarily_unavailable, // redirect with error=temporarily_unavailable
};

std::string_view to_string(consent_mode mode) noexcept;
std::optional<consent_mode> parse_consent_mode(std::string_view text) noexcept; // also accepts "auto"

struct sandbox_modes {
    consent_mode consent = consent_mode::auto_consent;
    // Every API call with a valid token gets 401 AuthorizationFailure "No active subscription. (MSE)".
    bool subscription_ended = false;
    // API endpoint names (or "*") answered 403 MultiUserAccessDenied. An entity's collection name
    // ("sales_invoices") also forbids its records ("sales_invoice"), like a role area would.
    std::vector<std::string> forbidden;
    // Business ids whose business-scoped resources answer 403 MultiUserAccessDenied (a user who is
    // not a member of that business's team for the area).
    std::vector<std::string> forbidden_businesses;
    // Status of invalid_client answers: 400 (RFC 6749 §5.2 default for credentials sent in the form
    // body, and what Sage documents for token errors) or 401.
    unsigned invalid_client_status = 400;

    [[nodiscard]] bool is_forbidden(std::string_view endpoint) const;
    [[nodiscard]] bool is_business_forbidden(std::string_view business_id) const;
    [[nodiscard]] boost::json::object to_json() const;
};

// Applies the fields present in `json` ({"consent","subscription_ended","forbidden","forbidden_businesses",
// "invalid_client_status"})
// to `modes`; throws std::invalid_argument naming a bad field.
void apply_modes_json(sandbox_modes& modes, const boost::json::object& json);

} // namespace sage_sandbox
