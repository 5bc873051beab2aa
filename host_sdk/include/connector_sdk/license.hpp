// Marketplace licences: compact Ed25519-signed tokens (JWS compact form, "EdDSA") that a marketplace
// issues to a tenant for a connector, and that a connector verifies offline with public keys compiled
// into it. Host side (signing) and connector side (verification) share this one definition.
#pragma once

#include <connector_sdk/results.hpp>
#include <connector_sdk/version.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

CONNECTOR_SDK_BEGIN_NAMESPACE

// What a licence says. Times are whole seconds (UTC).
struct license_claims {
    std::string license_id;   // unique per issued token
    std::string key_id;       // which marketplace key signed it (also in the token header)
    std::string connector_id; // e.g. "acme-books"
    std::string tenant_id;
    std::string kind; // "trial" | "subscription"
    std::string plan; // "trial" | "monthly" | "annual"
    std::chrono::sys_seconds issued_at{};
    std::chrono::sys_seconds starts_at{};
    std::chrono::sys_seconds expires_at{};
    int grace_days = 0;
    std::optional<int> seats;
};

// A public key a connector trusts, by key id.
struct trusted_license_key {
    std::string_view key_id;
    std::array<std::uint8_t, 32> ed25519_public{};
};

// Tokens larger than this are refused before any decoding.
inline constexpr std::size_t max_license_token_size = 4096;

struct license_check {
    std::string_view token;
    std::string_view connector_id;      // the verifying connector's id
    std::string_view connector_display; // e.g. "Acme Books", for the sentences users read
    std::string_view tenant_id;         // from host_services::tenant_id()
    std::chrono::system_clock::time_point now;
    // The latest time this connector has seen for the tenant; an earlier `now` means the clock was
    // set back (beyond max_clock_skew), which is refused.
    std::optional<std::chrono::sys_seconds> last_seen;
    std::chrono::seconds max_clock_skew = std::chrono::minutes(5);
};

struct license_evaluation {
    license_status status;
    std::optional<license_claims> claims; // set once the signature verified and the payload parsed
};

// The marketplace sentence users see when a premium connector has no usable licence:
// "Please request your administrator to start a trial or subscribe to the Premium <display> connector."
std::string unlicensed_sentence(std::string_view connector_display);

// Verifies the signature over the exact bytes received, then parses and checks the claims, and maps
// them onto a license_status (state, precise reason, user sentence, days left). A missing token
// (empty) is state none. Never throws.
license_evaluation evaluate_license(const license_check& check, std::span<const trusted_license_key> keys) noexcept;

// --- marketplace side -------------------------------------------------------------------------

// A new Ed25519 private key, PKCS#8 PEM. Throws std::runtime_error on failure.
std::string generate_license_signing_key();

// The raw 32-byte public key of a PEM private (or public) Ed25519 key. Throws std::runtime_error.
std::array<std::uint8_t, 32> license_public_key(std::string_view pem);

// The key id derived from a public key: "mk-" + the first 16 hex digits of its SHA-256.
std::string license_key_id(const std::array<std::uint8_t, 32>& public_key);

// Signs `claims` (claims.key_id must be the id of `private_key_pem`). Throws std::runtime_error.
std::string sign_license(const license_claims& claims, std::string_view private_key_pem);

CONNECTOR_SDK_END_NAMESPACE
