// Sage's token rules in the sandbox, without HTTP: codes, PKCE, redirect_uri, rotation, revocation,
// expiry on the sandbox clock.
#define BOOST_TEST_MODULE sandbox_token_authority
#include <boost/test/unit_test.hpp>

#include "pkce.hpp"
#include "sandbox_clock.hpp"
#include "token_authority.hpp"

#include <sandbox_printing.hpp>

#include <chrono>
#include <set>

using namespace sage_sandbox;
using namespace std::chrono_literals;

namespace {

const std::string client = "11111111-1111-4111-8111-111111111111/22222222-2222-4222-8222-222222222222";
const std::string other_client = "33333333-3333-4333-8333-333333333333/44444444-4444-4444-8444-444444444444";
const std::string callback = "http://127.0.0.1:3333/callback";
const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"; // RFC 7636 appendix B

struct fixture {
    sandbox_clock clock;
    token_authority tokens{clock, "user-1"};

    std::string code(std::optional<std::string> challenge = std::nullopt, std::string country = "GB")
    {
        authorization_grant grant;
        grant.client_id = client;
        grant.redirect_uri = callback;
        grant.scope = "full_access";
        grant.country = std::move(country);
        grant.code_challenge = std::move(challenge);
        return tokens.issue_code(grant);
    }

    token_set exchange()
    {
        auto outcome = tokens.redeem_code(client, code(), callback, std::nullopt);
        BOOST_REQUIRE(outcome.tokens);
        return *outcome.tokens;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(pkce_s256_matches_rfc7636_example)
{
    BOOST_TEST(pkce::s256_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    BOOST_TEST(pkce::verify_s256(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    BOOST_TEST(!pkce::verify_s256(verifier + "x", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    BOOST_TEST(!pkce::well_formed("too-short"));
    BOOST_TEST(!pkce::well_formed(std::string(43, '+')));
    BOOST_TEST(pkce::well_formed(std::string(128, 'a')));
    BOOST_TEST(!pkce::well_formed(std::string(129, 'a')));
}

BOOST_AUTO_TEST_CASE(clock_advances_and_resets)
{
    sandbox_clock clock;
    const auto before = clock.now();
    BOOST_TEST(clock.advance(3600s).count() == 3600);
    BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(clock.now() - before).count() >= 3600);
    clock.reset();
    BOOST_TEST(clock.offset().count() == 0);
    BOOST_TEST(iso8601(std::chrono::system_clock::time_point(std::chrono::seconds(0))) == "1970-01-01T00:00:00Z");
}

BOOST_FIXTURE_TEST_CASE(code_carries_region_prefix_and_is_single_use, fixture)
{
    const std::string c = code(std::nullopt, "IE");
    BOOST_TEST(c.rfind("IE/", 0) == 0u);
    BOOST_TEST(code().rfind("GB/", 0) == 0u);
    auto first = tokens.redeem_code(client, c, callback, std::nullopt);
    BOOST_REQUIRE(first.tokens);
    BOOST_TEST(first.tokens->scope == "full_access");
    BOOST_TEST(first.tokens->requested_by_id == "user-1");
    BOOST_TEST(first.tokens->expires_in.count() == 300);
    BOOST_TEST(first.tokens->refresh_token_expires_in.count() == 2678400);
    auto again = tokens.redeem_code(client, c, callback, std::nullopt);
    BOOST_TEST(!again.tokens);
    BOOST_TEST(again.error == "invalid_grant");
    BOOST_TEST(tokens.inspect(c).status == token_status::used);
}

BOOST_FIXTURE_TEST_CASE(code_expires_after_60_seconds_of_sandbox_time, fixture)
{
    const std::string fresh = code();
    const std::string stale = code();
    clock.advance(59s);
    BOOST_TEST(tokens.redeem_code(client, fresh, callback, std::nullopt).tokens.has_value());
    clock.advance(1s);
    auto outcome = tokens.redeem_code(client, stale, callback, std::nullopt);
    BOOST_TEST(!outcome.tokens);
    BOOST_TEST(outcome.error == "invalid_grant");
    BOOST_TEST(outcome.description.find("expired") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(redirect_uri_must_match_exactly_and_a_failed_attempt_spends_the_code, fixture)
{
    const std::string c = code();
    for (const std::string& near_miss : {callback + "/", std::string("http://localhost:3333/callback"),
                                         std::string("HTTP://127.0.0.1:3333/callback")}) {
        const std::string another = code();
        auto outcome = tokens.redeem_code(client, another, near_miss, std::nullopt);
        BOOST_TEST(!outcome.tokens);
        BOOST_TEST(outcome.error == "invalid_grant");
        // Spent: the right redirect_uri no longer helps.
        BOOST_TEST(!tokens.redeem_code(client, another, callback, std::nullopt).tokens);
    }
    BOOST_TEST(tokens.redeem_code(client, c, callback, std::nullopt).tokens.has_value());
}

BOOST_FIXTURE_TEST_CASE(code_of_another_client_is_refused_and_not_spent, fixture)
{
    const std::string c = code();
    BOOST_TEST(tokens.redeem_code(other_client, c, callback, std::nullopt).error == "invalid_grant");
    BOOST_TEST(tokens.redeem_code(client, c, callback, std::nullopt).tokens.has_value());
}

BOOST_FIXTURE_TEST_CASE(pkce_verifier_is_checked_when_a_challenge_was_given, fixture)
{
    const std::string challenge = pkce::s256_challenge(verifier);
    BOOST_TEST(!tokens.redeem_code(client, code(challenge), callback, std::nullopt).tokens);
    BOOST_TEST(!tokens.redeem_code(client, code(challenge), callback, std::string(verifier).replace(0, 1, "X")).tokens);
    BOOST_TEST(tokens.redeem_code(client, code(challenge), callback, verifier).tokens.has_value());
    // Without a challenge, a verifier is not required.
    BOOST_TEST(tokens.redeem_code(client, code(), callback, std::nullopt).tokens.has_value());
}

BOOST_FIXTURE_TEST_CASE(refresh_rotates_and_a_superseded_token_is_refused, fixture)
{
    const token_set first = exchange();
    auto second = tokens.refresh(client, first.refresh_token);
    BOOST_REQUIRE(second.tokens);
    BOOST_TEST(second.tokens->refresh_token != first.refresh_token);
    BOOST_TEST(second.tokens->access_token != first.access_token);
    BOOST_TEST(tokens.inspect(first.refresh_token).status == token_status::superseded);

    auto reuse = tokens.refresh(client, first.refresh_token);
    BOOST_TEST(!reuse.tokens);
    BOOST_TEST(reuse.error == "invalid_grant");
    // The newest one still works (no family revocation by default), and rotates again.
    auto third = tokens.refresh(client, second.tokens->refresh_token);
    BOOST_REQUIRE(third.tokens);
    BOOST_TEST(!tokens.refresh(client, second.tokens->refresh_token).tokens);
    // An earlier access token keeps working until it expires.
    BOOST_TEST(tokens.check_access(first.access_token) == access_check::valid);
}

BOOST_FIXTURE_TEST_CASE(reuse_detection_can_revoke_the_family, fixture)
{
    tokens.set_revoke_family_on_reuse(true);
    const token_set first = exchange();
    auto second = tokens.refresh(client, first.refresh_token);
    BOOST_REQUIRE(second.tokens);
    BOOST_TEST(!tokens.refresh(client, first.refresh_token).tokens);
    BOOST_TEST(!tokens.refresh(client, second.tokens->refresh_token).tokens);
    BOOST_TEST(tokens.check_access(second.tokens->access_token) == access_check::revoked);
}

BOOST_FIXTURE_TEST_CASE(refresh_is_bound_to_its_client, fixture)
{
    const token_set set = exchange();
    auto outcome = tokens.refresh(other_client, set.refresh_token);
    BOOST_TEST(outcome.error == "invalid_grant");
    BOOST_TEST(tokens.refresh(client, set.refresh_token).tokens.has_value());
}

BOOST_FIXTURE_TEST_CASE(access_tokens_expire_on_the_sandbox_clock, fixture)
{
    const token_set set = exchange();
    BOOST_TEST(tokens.check_access(set.access_token) == access_check::valid);
    clock.advance(299s);
    BOOST_TEST(tokens.check_access(set.access_token) == access_check::valid);
    clock.advance(1s);
    BOOST_TEST(tokens.check_access(set.access_token) == access_check::expired);
    BOOST_TEST(tokens.check_access("never-issued") == access_check::unknown);
    // The refresh token lives on.
    BOOST_TEST(tokens.refresh(client, set.refresh_token).tokens.has_value());
}

BOOST_FIXTURE_TEST_CASE(shorter_lifetimes_apply_to_new_tokens, fixture)
{
    tokens.set_lifetimes({5s, 3600s, 60s});
    const token_set set = exchange();
    BOOST_TEST(set.expires_in.count() == 5);
    BOOST_TEST(set.refresh_token_expires_in.count() == 3600);
    clock.advance(5s);
    BOOST_TEST(tokens.check_access(set.access_token) == access_check::expired);
    clock.advance(3600s);
    auto outcome = tokens.refresh(client, set.refresh_token);
    BOOST_TEST(outcome.error == "invalid_grant");
    BOOST_TEST(outcome.description.find("expired") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(refresh_token_lives_31_days, fixture)
{
    const token_set set = exchange();
    clock.advance(std::chrono::hours(24 * 31) - 1s);
    BOOST_TEST(tokens.inspect(set.refresh_token).status == token_status::active);
    clock.advance(1s);
    BOOST_TEST(tokens.inspect(set.refresh_token).status == token_status::expired);
    BOOST_TEST(!tokens.refresh(client, set.refresh_token).tokens);
}

BOOST_FIXTURE_TEST_CASE(revoke_stops_the_refresh_token_and_its_access_tokens, fixture)
{
    const token_set first = exchange();
    auto second = tokens.refresh(client, first.refresh_token);
    BOOST_REQUIRE(second.tokens);
    BOOST_TEST(!tokens.revoke(other_client, second.tokens->refresh_token));
    BOOST_TEST(!tokens.revoke(client, second.tokens->access_token)); // access tokens cannot be revoked
    BOOST_TEST(tokens.revoke(client, second.tokens->refresh_token));
    BOOST_TEST(!tokens.revoke(client, second.tokens->refresh_token)); // already revoked
    BOOST_TEST(tokens.refresh(client, second.tokens->refresh_token).error == "invalid_grant");
    BOOST_TEST(tokens.check_access(first.access_token) == access_check::revoked);
    BOOST_TEST(tokens.check_access(second.tokens->access_token) == access_check::revoked);
    // Another family of the same client is untouched.
    const token_set other = exchange();
    BOOST_TEST(tokens.check_access(other.access_token) == access_check::valid);
}

BOOST_FIXTURE_TEST_CASE(tokens_are_opaque_unique_and_long, fixture)
{
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        const token_set set = tokens.mint(client, "readonly");
        BOOST_TEST(set.scope == "readonly");
        BOOST_TEST(set.access_token.size() >= 100u);
        BOOST_TEST(set.access_token.size() <= 2048u);
        BOOST_TEST(seen.insert(set.access_token).second);
        BOOST_TEST(seen.insert(set.refresh_token).second);
    }
}

BOOST_FIXTURE_TEST_CASE(forget_all_drops_every_token, fixture)
{
    const token_set set = exchange();
    tokens.forget_all();
    BOOST_TEST(tokens.check_access(set.access_token) == access_check::unknown);
    BOOST_TEST(tokens.inspect(set.refresh_token).kind == token_kind::unknown);
}
