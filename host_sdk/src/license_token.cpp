// Signing and verifying marketplace licences. Verification order matters: the signature is checked
// over the exact bytes received before the payload is even decoded, so nothing an attacker writes in
// the payload is ever interpreted unless the marketplace signed it.
#include "base64url.hpp"
#include <connector_support/guarded.hpp>
#include <connector_support/openssl_handles.hpp>
#include <connector_support/result.hpp>
#include <connector_support/time_text.hpp>

#include <connector_sdk/license.hpp>

#include <boost/json.hpp>

#include <stdexcept>

CONNECTOR_SDK_BEGIN_NAMESPACE
namespace {

namespace json = boost::json;
using std::chrono::sys_seconds;
using namespace std::chrono_literals;
using connector_support::days_text;
using connector_support::result;

constexpr std::string_view token_type = "CSL1"; // connector SDK licence, format 1

// Why a licence cannot be used, as the `reason` of an invalid status.
connector_support::failure unusable(std::string reason)
{
    return connector_support::fail(error_category::license, std::move(reason));
}

long long days_until(std::chrono::system_clock::time_point now, sys_seconds end)
{
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(end - now).count();
    return left <= 0 ? 0 : (left + 86399) / 86400; // a part of a day counts as a day
}

std::string premium_name(std::string_view display)
{
    return "Premium " + std::string(display) + " connector";
}

license_evaluation invalid(const license_check& check, std::string reason,
                           std::optional<license_claims> claims = std::nullopt)
{
    license_evaluation e;
    e.status.state = license_state::invalid;
    e.status.user_message = "The licence of the " + premium_name(check.connector_display) + " cannot be used (" +
                            reason + "). " + unlicensed_sentence(check.connector_display);
    e.status.reason = std::move(reason);
    e.claims = std::move(claims);
    return e;
}

std::optional<json::object> parse_object(std::string_view text)
{
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 4;
    json::value value = json::parse(text, ec, {}, options);
    if (ec || !value.is_object())
        return std::nullopt;
    return std::move(value.get_object());
}

const std::string* text_member(const json::object& o, std::string_view key, std::string& storage)
{
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string())
        return nullptr;
    storage = std::string(v->get_string());
    return &storage;
}

std::optional<std::int64_t> integer_member(const json::object& o, std::string_view key)
{
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_int64())
        return std::nullopt;
    return v->get_int64();
}

// The claims from a verified payload, or the name of the member that is missing or wrong.
result<license_claims> claims_from(const json::object& o)
{
    auto wrong = [](std::string_view key) {
        return unusable("malformed licence: '" + std::string(key) + "' is missing or wrong");
    };
    license_claims c;
    std::string s;
    for (auto [key, target] : {std::pair{"license_id", &c.license_id}, std::pair{"key_id", &c.key_id},
                               std::pair{"connector_id", &c.connector_id}, std::pair{"tenant_id", &c.tenant_id},
                               std::pair{"kind", &c.kind}, std::pair{"plan", &c.plan}}) {
        if (text_member(o, key, s) == nullptr || s.empty())
            return wrong(key);
        *target = s;
    }
    for (auto [key, target] : {std::pair{"issued_at", &c.issued_at}, std::pair{"starts_at", &c.starts_at},
                               std::pair{"expires_at", &c.expires_at}}) {
        // 1970 to 2200: later instants overflow the clock's nanoseconds when compared with now.
        constexpr std::int64_t latest_instant = 7'258'118'400; // 2200-01-01T00:00:00Z
        const auto n = integer_member(o, key);
        if (!n || *n < 0 || *n > latest_instant)
            return wrong(key);
        *target = sys_seconds(std::chrono::seconds(*n));
    }
    const auto grace = integer_member(o, "grace_days");
    if (!grace || *grace < 0 || *grace > 365)
        return wrong("grace_days");
    c.grace_days = static_cast<int>(*grace);
    if (o.contains("seats")) {
        const auto seats = integer_member(o, "seats");
        if (!seats || *seats < 1 || *seats > 1'000'000)
            return wrong("seats");
        c.seats = static_cast<int>(*seats);
    }
    if (c.kind != "trial" && c.kind != "subscription")
        return wrong("kind");
    const bool plan_fits = c.kind == "trial" ? c.plan == "trial" : (c.plan == "monthly" || c.plan == "annual");
    if (!plan_fits)
        return wrong("plan");
    if (c.expires_at <= c.starts_at)
        return wrong("expires_at");
    return c;
}

bool verify_signature(const std::array<std::uint8_t, 32>& public_key, std::string_view signed_bytes,
                      std::string_view signature)
{
    connector_support::pkey_ptr key(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
    connector_support::md_ctx_ptr ctx(EVP_MD_CTX_new());
    const bool ok =
        key && ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                         reinterpret_cast<const unsigned char*>(signed_bytes.data()), signed_bytes.size()) == 1;
    ERR_clear_error();
    return ok;
}

// The three dot-separated parts of a licence token, as received.
struct token_parts {
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
    std::string_view signed_bytes; // header.payload, exactly as received
};

// What the header says: the format and the key that signed it.
struct token_header {
    std::string alg;
    std::string typ;
    std::string kid;
};

// Step 1: a token of a sensible size in three parts.
result<token_parts> split_token(std::string_view token)
{
    if (token.size() > max_license_token_size)
        return unusable("the licence token is " + std::to_string(token.size()) +
                        " bytes long, more than a licence can be (" + std::to_string(max_license_token_size) + ")");
    const auto first_dot = token.find('.');
    const auto second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
    if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos)
        return unusable("malformed licence: a licence has three parts separated by dots");
    return token_parts{token.substr(0, first_dot), token.substr(first_dot + 1, second_dot - first_dot - 1),
                       token.substr(second_dot + 1), token.substr(0, second_dot)};
}

// Step 2: the header, of the one format this SDK reads.
result<token_header> read_header(const token_parts& parts)
{
    const auto bytes = host_detail::base64url_decode(parts.header);
    if (!bytes)
        return unusable("malformed licence: the header is not base64url");
    const std::optional<json::object> header = parse_object(*bytes);
    token_header h;
    if (!header || text_member(*header, "alg", h.alg) == nullptr || text_member(*header, "typ", h.typ) == nullptr ||
        text_member(*header, "kid", h.kid) == nullptr)
        return unusable("malformed licence: the header is not {\"alg\",\"typ\",\"kid\"}");
    if (h.alg != "EdDSA" || h.typ != token_type)
        return unusable("unsupported licence format (alg " + h.alg + ", typ " + h.typ + ")");
    return h;
}

// Step 3: the signature, by a trusted key, over the exact bytes received.
result<void> check_signature(const token_parts& parts, const token_header& header,
                             std::span<const trusted_license_key> keys)
{
    const trusted_license_key* key = nullptr;
    for (const auto& k : keys)
        if (k.key_id == header.kid)
            key = &k;
    if (key == nullptr)
        return unusable("signed with key id '" + header.kid.substr(0, 64) +
                        "', which this connector does not trust (unknown key id)");
    const auto signature = host_detail::base64url_decode(parts.signature);
    if (!signature || signature->size() != 64)
        return unusable("malformed licence: the signature is not a base64url Ed25519 signature");
    if (!verify_signature(key->ed25519_public, parts.signed_bytes, *signature))
        return unusable("the signature does not match: the licence was altered or was not issued by the marketplace");
    return {};
}

// Step 4, only once the signature holds: the claims of the payload.
result<license_claims> read_claims(const token_parts& parts)
{
    const auto bytes = host_detail::base64url_decode(parts.payload);
    const std::optional<json::object> payload = bytes ? parse_object(*bytes) : std::nullopt;
    if (!payload)
        return unusable("malformed licence: the payload is not a JSON object");
    return claims_from(*payload);
}

// Step 5: the claims fit this check: the key, the connector, the tenant, and a clock that agrees.
result<void> check_claims(const license_claims& claims, const token_header& header, const license_check& check)
{
    if (claims.key_id != header.kid)
        return unusable("the payload names key id '" + claims.key_id + "' but the header '" + header.kid + "'");
    if (claims.connector_id != check.connector_id)
        return unusable("issued for the connector '" + claims.connector_id + "', not '" +
                        std::string(check.connector_id) + "'");
    if (claims.tenant_id != check.tenant_id)
        return unusable("issued to another tenant ('" + claims.tenant_id + "', this is '" +
                        std::string(check.tenant_id) + "')");
    const auto now = check.now;
    if (claims.issued_at > now + check.max_clock_skew)
        return unusable("issued in the future (" + connector_support::utc_minute_text(claims.issued_at) +
                        "): this machine's clock is behind, or the licence is not genuine");
    if (check.last_seen && now + check.max_clock_skew < *check.last_seen)
        return unusable("the clock was set back: it reads earlier than " +
                        connector_support::utc_minute_text(*check.last_seen) +
                        ", a time this connector has already seen");
    if (now + check.max_clock_skew < claims.starts_at)
        return unusable("not valid before " + connector_support::utc_minute_text(claims.starts_at));
    return {};
}

// Step 6: what valid claims mean now: active (trial or subscription), in grace, or expired.
license_status status_of(const license_claims& claims, const license_check& check)
{
    const std::string display(check.connector_display);
    const auto now = check.now;
    license_status status;
    status.kind = claims.kind;
    status.plan = claims.plan;
    status.expires_at = claims.expires_at;
    const std::string what = claims.kind == "trial" ? "trial" : claims.plan + " subscription";
    if (now >= claims.expires_at) {
        const sys_seconds grace_end = claims.expires_at + std::chrono::days(claims.grace_days);
        if (now < grace_end) {
            const auto left = days_until(now, grace_end);
            status.state = license_state::grace;
            status.days_left = static_cast<int>(left);
            status.reason = "the " + what + " ended on " + connector_support::utc_minute_text(claims.expires_at) +
                            "; grace period of " + days_text(claims.grace_days) + " until " +
                            connector_support::utc_minute_text(grace_end);
            status.user_message = "The " + what + " of the " + premium_name(display) + " ended on " +
                                  connector_support::utc_minute_text(claims.expires_at) + "; it keeps working for " +
                                  days_text(left) + ". Please request your administrator to renew the subscription.";
        } else {
            status.state = license_state::expired;
            status.days_left = 0;
            status.reason =
                "the " + what + " ended on " + connector_support::utc_minute_text(claims.expires_at) +
                (claims.grace_days > 0 ? " and its grace period on " + connector_support::utc_minute_text(grace_end)
                                       : "");
            status.user_message = unlicensed_sentence(display);
        }
        return status;
    }
    const auto left = days_until(now, claims.expires_at);
    status.days_left = static_cast<int>(left);
    if (claims.kind == "trial") {
        status.state = license_state::trial_active;
        status.reason = "trial until " + connector_support::utc_minute_text(claims.expires_at);
        status.user_message = "Trial of the " + premium_name(display) + ": " + days_text(left) + " left.";
    } else {
        status.state = license_state::subscription_active;
        status.reason = claims.plan + " subscription until " + connector_support::utc_minute_text(claims.expires_at);
        status.user_message = "The " + premium_name(display) + " is subscribed (" + claims.plan + ") until " +
                              connector_support::utc_minute_text(claims.expires_at) + ".";
    }
    return status;
}

// The steps in order; the first refusal makes the licence invalid (with its claims, once read).
license_evaluation evaluate(const license_check& check, std::span<const trusted_license_key> keys)
{
    if (check.token.empty()) {
        license_evaluation e;
        e.status.state = license_state::none;
        e.status.reason = "no licence has been issued to this tenant for this connector";
        e.status.user_message = unlicensed_sentence(check.connector_display);
        return e;
    }
    const auto parts = split_token(check.token);
    if (!parts)
        return invalid(check, parts.error().message);
    const auto header = read_header(*parts);
    if (!header)
        return invalid(check, header.error().message);
    if (const auto signed_by = check_signature(*parts, *header, keys); !signed_by)
        return invalid(check, signed_by.error().message);
    auto claims = read_claims(*parts);
    if (!claims)
        return invalid(check, claims.error().message);
    if (const auto fits = check_claims(*claims, *header, check); !fits)
        return invalid(check, fits.error().message, std::move(*claims));
    license_evaluation e;
    e.status = status_of(*claims, check);
    e.claims = std::move(*claims);
    return e;
}

json::object claims_json(const license_claims& c)
{
    json::object o;
    o["license_id"] = c.license_id;
    o["key_id"] = c.key_id;
    o["connector_id"] = c.connector_id;
    o["tenant_id"] = c.tenant_id;
    o["kind"] = c.kind;
    o["plan"] = c.plan;
    o["issued_at"] = c.issued_at.time_since_epoch().count();
    o["starts_at"] = c.starts_at.time_since_epoch().count();
    o["expires_at"] = c.expires_at.time_since_epoch().count();
    o["grace_days"] = c.grace_days;
    if (c.seats)
        o["seats"] = *c.seats;
    return o;
}

} // namespace

std::string unlicensed_sentence(std::string_view connector_display)
{
    return "Please request your administrator to start a trial or subscribe to the " + premium_name(connector_display) +
           ".";
}

license_evaluation evaluate_license(const license_check& check, std::span<const trusted_license_key> keys) noexcept
{
    std::string what;
    return connector_support::guarded([&] { return evaluate(check, keys); },
                                      [&](std::string_view text) noexcept {
                                          try {
                                              what = text;
                                          } catch (...) {
                                          }
                                      },
                                      [&]() noexcept {
                                          try {
                                              return invalid(check, "the licence could not be checked: " + what);
                                          } catch (...) {
                                              license_evaluation fallback;
                                              fallback.status.state = license_state::invalid;
                                              return fallback;
                                          }
                                      });
}

std::string sign_license(const license_claims& claims, std::string_view private_key_pem)
{
    connector_support::pkey_ptr key = connector_support::read_pem_key(private_key_pem);
    if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
        throw std::runtime_error("the marketplace signing key is not an Ed25519 private key");
    if (license_key_id(license_public_key(private_key_pem)) != claims.key_id)
        throw std::runtime_error("claims.key_id does not name the signing key");
    json::object header;
    header["alg"] = "EdDSA";
    header["typ"] = token_type;
    header["kid"] = claims.key_id;
    const std::string signed_part = host_detail::base64url_encode(json::serialize(header)) + "." +
                                    host_detail::base64url_encode(json::serialize(claims_json(claims)));
    connector_support::md_ctx_ptr ctx(EVP_MD_CTX_new());
    unsigned char signature[64];
    std::size_t length = sizeof signature;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), signature, &length, reinterpret_cast<const unsigned char*>(signed_part.data()),
                       signed_part.size()) != 1) {
        ERR_clear_error();
        throw std::runtime_error("OpenSSL could not sign the licence");
    }
    return signed_part + "." +
           host_detail::base64url_encode(std::string_view(reinterpret_cast<const char*>(signature), length));
}

CONNECTOR_SDK_END_NAMESPACE
