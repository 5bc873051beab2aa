#include "token_authority.hpp"

#include "pkce.hpp"
#include "random_ids.hpp"

namespace sage_sandbox {
namespace {

grant_outcome failure(std::string error, std::string description)
{
    return {std::nullopt, std::move(error), std::move(description)};
}

} // namespace

std::string_view to_string(access_check check) noexcept
{
    switch (check) {
    case access_check::valid: return "valid";
    case access_check::expired: return "expired";
    case access_check::revoked: return "revoked";
    case access_check::unknown: break;
    }
    return "unknown";
}

std::string_view to_string(token_kind kind) noexcept
{
    switch (kind) {
    case token_kind::authorization_code: return "authorization_code";
    case token_kind::access_token: return "access_token";
    case token_kind::refresh_token: return "refresh_token";
    case token_kind::unknown: break;
    }
    return "unknown";
}

std::string_view to_string(token_status status) noexcept
{
    switch (status) {
    case token_status::active: return "active";
    case token_status::expired: return "expired";
    case token_status::used: return "used";
    case token_status::superseded: return "superseded";
    case token_status::revoked: return "revoked";
    case token_status::unknown: break;
    }
    return "unknown";
}

token_authority::token_authority(const sandbox_clock& clock, std::string user_id)
    : clock_(clock), user_id_(std::move(user_id))
{
}

std::string token_authority::issue_code(const authorization_grant& grant)
{
    // Sage's codes carry the region before a '/', which is why clients must percent-decode them.
    std::string code = (grant.country.empty() ? std::string("GB") : grant.country) + "/" + random_hex(20);
    std::lock_guard lock(mutex_);
    codes_[code] = code_record{grant, clock_.now() + lifetimes_.authorization_code, false};
    return code;
}

grant_outcome token_authority::redeem_code(std::string_view client_id, std::string_view code,
                                           std::string_view redirect_uri,
                                           const std::optional<std::string>& code_verifier)
{
    std::lock_guard lock(mutex_);
    auto it = codes_.find(code);
    if (it == codes_.end())
        return failure("invalid_grant", "The authorization code is unknown.");
    code_record& record = it->second;
    if (record.grant.client_id != client_id)
        return failure("invalid_grant", "The authorization code was issued to another client.");
    if (record.used)
        return failure("invalid_grant", "The authorization code has already been used.");
    record.used = true;
    if (clock_.now() >= record.expires_at)
        return failure("invalid_grant", "The authorization code has expired.");
    if (record.grant.redirect_uri != redirect_uri)
        return failure("invalid_grant", "The redirect_uri does not match the one used to obtain the code.");
    if (record.grant.code_challenge) {
        if (!code_verifier)
            return failure("invalid_grant", "The code_verifier is missing (PKCE was used to obtain the code).");
        if (!pkce::verify_s256(*code_verifier, *record.grant.code_challenge))
            return failure("invalid_grant", "The code_verifier does not match the code_challenge.");
    }
    const std::uint64_t family = new_family_locked(client_id, record.grant.scope);
    return {issue_locked(family), {}, {}};
}

grant_outcome token_authority::refresh(std::string_view client_id, std::string_view refresh_token)
{
    std::lock_guard lock(mutex_);
    auto it = refresh_tokens_.find(refresh_token);
    if (it == refresh_tokens_.end())
        return failure("invalid_grant", "The refresh token is unknown.");
    refresh_record& record = it->second;
    family_record& family = families_.at(record.family);
    if (family.client_id != client_id)
        return failure("invalid_grant", "The refresh token was issued to another client.");
    if (family.revoked)
        return failure("invalid_grant", "The refresh token has been revoked.");
    if (record.superseded) {
        if (revoke_family_on_reuse_)
            family.revoked = true;
        return failure("invalid_grant", "The refresh token has been used before or is not the most recent one.");
    }
    if (clock_.now() >= record.expires_at)
        return failure("invalid_grant", "The refresh token has expired.");
    record.superseded = true;
    return {issue_locked(record.family), {}, {}};
}

token_set token_authority::mint(std::string_view client_id, std::string_view scope)
{
    std::lock_guard lock(mutex_);
    return issue_locked(new_family_locked(client_id, scope));
}

bool token_authority::revoke(std::string_view client_id, std::string_view token)
{
    std::lock_guard lock(mutex_);
    auto it = refresh_tokens_.find(token);
    if (it == refresh_tokens_.end())
        return false;
    family_record& family = families_.at(it->second.family);
    if (family.client_id != client_id || family.revoked)
        return false;
    family.revoked = true;
    return true;
}

access_check token_authority::check_access(std::string_view access_token) const
{
    std::lock_guard lock(mutex_);
    auto it = access_tokens_.find(access_token);
    if (it == access_tokens_.end())
        return access_check::unknown;
    if (families_.at(it->second.family).revoked)
        return access_check::revoked;
    if (clock_.now() >= it->second.expires_at)
        return access_check::expired;
    return access_check::valid;
}

token_inspection token_authority::inspect(std::string_view token) const
{
    std::lock_guard lock(mutex_);
    const auto now = clock_.now();
    token_inspection out;
    if (auto it = access_tokens_.find(token); it != access_tokens_.end()) {
        const family_record& family = families_.at(it->second.family);
        out.kind = token_kind::access_token;
        out.client_id = family.client_id;
        out.expires_at = it->second.expires_at;
        out.status = family.revoked                 ? token_status::revoked
                     : now >= it->second.expires_at ? token_status::expired
                                                    : token_status::active;
    } else if (auto rt = refresh_tokens_.find(token); rt != refresh_tokens_.end()) {
        const family_record& family = families_.at(rt->second.family);
        out.kind = token_kind::refresh_token;
        out.client_id = family.client_id;
        out.expires_at = rt->second.expires_at;
        out.status = family.revoked                 ? token_status::revoked
                     : rt->second.superseded        ? token_status::superseded
                     : now >= rt->second.expires_at ? token_status::expired
                                                    : token_status::active;
    } else if (auto code = codes_.find(token); code != codes_.end()) {
        out.kind = token_kind::authorization_code;
        out.client_id = code->second.grant.client_id;
        out.expires_at = code->second.expires_at;
        out.status = code->second.used                ? token_status::used
                     : now >= code->second.expires_at ? token_status::expired
                                                      : token_status::active;
    }
    return out;
}

void token_authority::set_lifetimes(const token_lifetimes& lifetimes)
{
    std::lock_guard lock(mutex_);
    lifetimes_ = lifetimes;
}

token_lifetimes token_authority::lifetimes() const
{
    std::lock_guard lock(mutex_);
    return lifetimes_;
}

void token_authority::set_revoke_family_on_reuse(bool on)
{
    std::lock_guard lock(mutex_);
    revoke_family_on_reuse_ = on;
}

bool token_authority::revoke_family_on_reuse() const
{
    std::lock_guard lock(mutex_);
    return revoke_family_on_reuse_;
}

void token_authority::forget_all()
{
    std::lock_guard lock(mutex_);
    codes_.clear();
    families_.clear();
    refresh_tokens_.clear();
    access_tokens_.clear();
}

std::uint64_t token_authority::new_family_locked(std::string_view client_id, std::string_view scope)
{
    const std::uint64_t id = next_family_++;
    families_[id] = family_record{std::string(client_id), std::string(scope), {}, false};
    return id;
}

token_set token_authority::issue_locked(std::uint64_t family_id)
{
    family_record& family = families_.at(family_id);
    const auto now = clock_.now();
    token_set tokens;
    // Opaque, and long like Sage's (clients reserve 2048 bytes for each).
    tokens.access_token = random_base64url(96);
    tokens.refresh_token = random_base64url(48);
    tokens.scope = family.scope;
    tokens.requested_by_id = user_id_;
    tokens.expires_in = lifetimes_.access_token;
    tokens.refresh_token_expires_in = lifetimes_.refresh_token;
    access_tokens_[tokens.access_token] = access_record{family_id, now + lifetimes_.access_token};
    refresh_tokens_[tokens.refresh_token] = refresh_record{family_id, now + lifetimes_.refresh_token, false};
    family.current_refresh_token = tokens.refresh_token;
    return tokens;
}

} // namespace sage_sandbox
