// Signing and verifying marketplace licences. Verification order matters: the signature is checked
// over the exact bytes received before the payload is even decoded, so nothing an attacker writes in
// the payload is ever interpreted unless the marketplace signed it.
#include "base64url.hpp"
#include <connector_support/openssl_handles.hpp>

#include <connector_sdk/license.hpp>

#include <boost/json.hpp>

#include <ctime>
#include <stdexcept>

CONNECTOR_SDK_BEGIN_NAMESPACE
namespace {

namespace json = boost::json;
using std::chrono::sys_seconds;
using namespace std::chrono_literals;

constexpr std::string_view token_type = "CSL1"; // connector SDK licence, format 1

std::string date_text(sys_seconds t)
{
    const std::time_t seconds = static_cast<std::time_t>(t.time_since_epoch().count());
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
    return buffer;
}

std::string days_text(long long days)
{
    return std::to_string(days) + (days == 1 ? " day" : " days");
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
std::variant<license_claims, std::string> read_claims(const json::object& o)
{
    license_claims c;
    std::string s;
    for (auto [key, target] : {std::pair{"license_id", &c.license_id}, std::pair{"key_id", &c.key_id},
                               std::pair{"connector_id", &c.connector_id}, std::pair{"tenant_id", &c.tenant_id},
                               std::pair{"kind", &c.kind}, std::pair{"plan", &c.plan}}) {
        if (text_member(o, key, s) == nullptr || s.empty())
            return std::string(key);
        *target = s;
    }
    for (auto [key, target] : {std::pair{"issued_at", &c.issued_at}, std::pair{"starts_at", &c.starts_at},
                               std::pair{"expires_at", &c.expires_at}}) {
        const auto n = integer_member(o, key);
        if (!n)
            return std::string(key);
        *target = sys_seconds(std::chrono::seconds(*n));
    }
    const auto grace = integer_member(o, "grace_days");
    if (!grace || *grace < 0 || *grace > 365)
        return std::string("grace_days");
    c.grace_days = static_cast<int>(*grace);
    if (o.contains("seats")) {
        const auto seats = integer_member(o, "seats");
        if (!seats || *seats < 1 || *seats > 1'000'000)
            return std::string("seats");
        c.seats = static_cast<int>(*seats);
    }
    if (c.kind != "trial" && c.kind != "subscription")
        return std::string("kind");
    const bool plan_fits = c.kind == "trial" ? c.plan == "trial" : (c.plan == "monthly" || c.plan == "annual");
    if (!plan_fits)
        return std::string("plan");
    if (c.expires_at <= c.starts_at)
        return std::string("expires_at");
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

license_evaluation evaluate(const license_check& check, std::span<const trusted_license_key> keys)
{
    const std::string display(check.connector_display);
    if (check.token.empty()) {
        license_evaluation e;
        e.status.state = license_state::none;
        e.status.reason = "no licence has been issued to this tenant for this connector";
        e.status.user_message = unlicensed_sentence(display);
        return e;
    }
    if (check.token.size() > max_license_token_size)
        return invalid(check, "the licence token is " + std::to_string(check.token.size()) +
                                  " bytes long, more than a licence can be (" + std::to_string(max_license_token_size) +
                                  ")");
    const auto first_dot = check.token.find('.');
    const auto second_dot = first_dot == std::string_view::npos ? first_dot : check.token.find('.', first_dot + 1);
    if (second_dot == std::string_view::npos || check.token.find('.', second_dot + 1) != std::string_view::npos)
        return invalid(check, "malformed licence: a licence has three parts separated by dots");
    const std::string_view header_text = check.token.substr(0, first_dot);
    const std::string_view payload_text = check.token.substr(first_dot + 1, second_dot - first_dot - 1);
    const std::string_view signature_text = check.token.substr(second_dot + 1);

    const auto header_bytes = host_detail::base64url_decode(header_text);
    if (!header_bytes)
        return invalid(check, "malformed licence: the header is not base64url");
    const std::optional<json::object> header = parse_object(*header_bytes);
    std::string alg, typ, kid;
    if (!header || text_member(*header, "alg", alg) == nullptr || text_member(*header, "typ", typ) == nullptr ||
        text_member(*header, "kid", kid) == nullptr)
        return invalid(check, "malformed licence: the header is not {\"alg\",\"typ\",\"kid\"}");
    if (alg != "EdDSA" || typ != token_type)
        return invalid(check, "unsupported licence format (alg " + alg + ", typ " + typ + ")");
    const trusted_license_key* key = nullptr;
    for (const auto& k : keys)
        if (k.key_id == kid)
            key = &k;
    if (key == nullptr)
        return invalid(check, "signed with key id '" + kid.substr(0, 64) +
                                  "', which this connector does not trust (unknown key id)");
    const auto signature = host_detail::base64url_decode(signature_text);
    if (!signature || signature->size() != 64)
        return invalid(check, "malformed licence: the signature is not a base64url Ed25519 signature");
    const std::string_view signed_bytes = check.token.substr(0, second_dot);
    if (!verify_signature(key->ed25519_public, signed_bytes, *signature))
        return invalid(check,
                       "the signature does not match: the licence was altered or was not issued by the marketplace");

    // Signed by a trusted key: now the payload may be read.
    const auto payload_bytes = host_detail::base64url_decode(payload_text);
    const std::optional<json::object> payload = payload_bytes ? parse_object(*payload_bytes) : std::nullopt;
    if (!payload)
        return invalid(check, "malformed licence: the payload is not a JSON object");
    auto read = read_claims(*payload);
    if (auto* missing = std::get_if<std::string>(&read))
        return invalid(check, "malformed licence: '" + *missing + "' is missing or wrong");
    license_claims claims = std::get<license_claims>(std::move(read));

    if (claims.key_id != kid)
        return invalid(check, "the payload names key id '" + claims.key_id + "' but the header '" + kid + "'", claims);
    if (claims.connector_id != check.connector_id)
        return invalid(check,
                       "issued for the connector '" + claims.connector_id + "', not '" +
                           std::string(check.connector_id) + "'",
                       claims);
    if (claims.tenant_id != check.tenant_id)
        return invalid(check,
                       "issued to another tenant ('" + claims.tenant_id + "', this is '" +
                           std::string(check.tenant_id) + "')",
                       claims);
    const auto now = check.now;
    if (claims.issued_at > now + check.max_clock_skew)
        return invalid(check,
                       "issued in the future (" + date_text(claims.issued_at) +
                           "): this machine's clock is behind, or the licence is not genuine",
                       claims);
    if (check.last_seen && now + check.max_clock_skew < *check.last_seen)
        return invalid(check,
                       "the clock was set back: it reads earlier than " + date_text(*check.last_seen) +
                           ", a time this connector has already seen",
                       claims);
    if (now + check.max_clock_skew < claims.starts_at)
        return invalid(check, "not valid before " + date_text(claims.starts_at), claims);

    license_evaluation e;
    e.status.kind = claims.kind;
    e.status.plan = claims.plan;
    e.status.expires_at = claims.expires_at;
    const std::string what = claims.kind == "trial" ? "trial" : claims.plan + " subscription";
    if (now >= claims.expires_at) {
        const sys_seconds grace_end = claims.expires_at + std::chrono::days(claims.grace_days);
        if (now < grace_end) {
            const auto left = days_until(now, grace_end);
            e.status.state = license_state::grace;
            e.status.days_left = static_cast<int>(left);
            e.status.reason = "the " + what + " ended on " + date_text(claims.expires_at) + "; grace period of " +
                              days_text(claims.grace_days) + " until " + date_text(grace_end);
            e.status.user_message = "The " + what + " of the " + premium_name(display) + " ended on " +
                                    date_text(claims.expires_at) + "; it keeps working for " + days_text(left) +
                                    ". Please request your administrator to renew the subscription.";
        } else {
            e.status.state = license_state::expired;
            e.status.days_left = 0;
            e.status.reason = "the " + what + " ended on " + date_text(claims.expires_at) +
                              (claims.grace_days > 0 ? " and its grace period on " + date_text(grace_end) : "");
            e.status.user_message = unlicensed_sentence(display);
        }
    } else {
        const auto left = days_until(now, claims.expires_at);
        e.status.days_left = static_cast<int>(left);
        if (claims.kind == "trial") {
            e.status.state = license_state::trial_active;
            e.status.reason = "trial until " + date_text(claims.expires_at);
            e.status.user_message = "Trial of the " + premium_name(display) + ": " + days_text(left) + " left.";
        } else {
            e.status.state = license_state::subscription_active;
            e.status.reason = claims.plan + " subscription until " + date_text(claims.expires_at);
            e.status.user_message = "The " + premium_name(display) + " is subscribed (" + claims.plan + ") until " +
                                    date_text(claims.expires_at) + ".";
        }
    }
    e.claims = std::move(claims);
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
    try {
        return evaluate(check, keys);
    } catch (const std::exception& e) {
        try {
            return invalid(check, std::string("the licence could not be checked: ") + e.what());
        } catch (...) {
        }
    } catch (...) {
    }
    license_evaluation fallback;
    fallback.status.state = license_state::invalid;
    return fallback;
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
