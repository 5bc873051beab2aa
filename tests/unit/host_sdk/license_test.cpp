// Marketplace licences: the tamper matrix (each forgery refused with its own reason), every state,
// and the strict base64url underneath.
#define BOOST_TEST_MODULE license
#include <boost/test/unit_test.hpp>

#include "base64url.hpp"
#include "sdk_printing.hpp"
#include "test_marketplace.hpp"

#include <connector_sdk/license.hpp>

#include <vector>

using namespace connector_sdk;
using namespace std::chrono_literals;
using connector_sdk::host_detail::base64url_decode;
using connector_sdk::host_detail::base64url_encode;

namespace {

const std::string marketplace_key = generate_license_signing_key();
const std::string attacker_key = generate_license_signing_key();
const std::chrono::sys_seconds t0{std::chrono::seconds(1'800'000'000)}; // 2027-01-15

std::string key_id_of(const std::string& pem)
{
    return license_key_id(license_public_key(pem));
}

struct fixture {
    std::string kid = key_id_of(marketplace_key);
    std::vector<trusted_license_key> trusted{{kid, license_public_key(marketplace_key)}};

    license_claims trial() const
    {
        license_claims c = test_support::test_license_claims(t0, "acme");
        c.license_id = "lic-1";
        c.key_id = kid;
        return c;
    }

    license_claims subscription() const
    {
        license_claims c = trial();
        c.kind = "subscription";
        c.plan = "monthly";
        c.seats = 5;
        return c;
    }

    license_evaluation check(const std::string& token, std::chrono::system_clock::time_point now = t0 + 1h,
                             std::optional<std::chrono::sys_seconds> last_seen = std::nullopt) const
    {
        license_check c;
        c.token = token;
        c.connector_id = "sage-cloud-accounting";
        c.connector_display = "Sage Cloud Accounting";
        c.tenant_id = "acme";
        c.now = now;
        c.last_seen = last_seen;
        return evaluate_license(c, trusted);
    }
};

struct parts {
    std::string header, payload, signature;
};

parts split(const std::string& token)
{
    const auto a = token.find('.');
    const auto b = token.find('.', a + 1);
    return {token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

std::string join(const parts& p)
{
    return p.header + "." + p.payload + "." + p.signature;
}

std::string replace(std::string text, const std::string& from, const std::string& to)
{
    const auto at = text.find(from);
    BOOST_REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

void expect_invalid(const license_evaluation& e, const std::string& fragment)
{
    BOOST_TEST(e.status.state == license_state::invalid);
    BOOST_TEST(!e.status.permits_use());
    BOOST_TEST(e.status.reason.find(fragment) != std::string::npos, e.status.reason);
    BOOST_TEST(e.status.user_message.find("Please request your administrator to start a trial or subscribe to the "
                                          "Premium Sage Cloud Accounting connector.") != std::string::npos);
}

const std::string marketplace_sentence =
    "Please request your administrator to start a trial or subscribe to the Premium Sage Cloud Accounting connector.";

} // namespace

BOOST_FIXTURE_TEST_SUITE(states, fixture)

BOOST_AUTO_TEST_CASE(no_token_is_none_with_the_marketplace_sentence)
{
    const auto e = check("");
    BOOST_TEST(e.status.state == license_state::none);
    BOOST_TEST(e.status.user_message == marketplace_sentence);
    BOOST_TEST(unlicensed_sentence("Sage Cloud Accounting") == marketplace_sentence);
}

BOOST_AUTO_TEST_CASE(an_active_trial_counts_its_days)
{
    const auto e = check(sign_license(trial(), marketplace_key));
    BOOST_TEST(e.status.state == license_state::trial_active, e.status.reason);
    BOOST_TEST(e.status.permits_use());
    BOOST_TEST(e.status.days_left.value() == 30);
    BOOST_TEST(e.status.kind == "trial");
    BOOST_TEST(e.status.user_message.find("30 days left") != std::string::npos, e.status.user_message);
    BOOST_REQUIRE(e.claims.has_value());
    BOOST_TEST(e.claims->license_id == "lic-1");
    BOOST_TEST(!e.claims->seats.has_value());
}

BOOST_AUTO_TEST_CASE(an_active_subscription)
{
    const auto e = check(sign_license(subscription(), marketplace_key), t0 + std::chrono::days(29) + 23h);
    BOOST_TEST(e.status.state == license_state::subscription_active, e.status.reason);
    BOOST_TEST(e.status.days_left.value() == 1);
    BOOST_TEST(e.status.plan == "monthly");
    BOOST_TEST(e.claims->seats.value() == 5);
}

BOOST_AUTO_TEST_CASE(in_grace_it_works_with_a_warning)
{
    const auto e = check(sign_license(subscription(), marketplace_key), t0 + std::chrono::days(32));
    BOOST_TEST(e.status.state == license_state::grace, e.status.reason);
    BOOST_TEST(e.status.permits_use());
    BOOST_TEST(e.status.days_left.value() == 5);
    BOOST_TEST(e.status.user_message.find("keeps working for 5 days") != std::string::npos, e.status.user_message);
}

BOOST_AUTO_TEST_CASE(after_grace_it_is_expired_with_the_marketplace_sentence)
{
    const auto e = check(sign_license(trial(), marketplace_key), t0 + std::chrono::days(37) + 1s);
    BOOST_TEST(e.status.state == license_state::expired, e.status.reason);
    BOOST_TEST(!e.status.permits_use());
    BOOST_TEST(e.status.user_message == marketplace_sentence);
    BOOST_TEST(e.status.reason.find("ended on") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_grace_means_expired_at_the_end)
{
    auto c = trial();
    c.grace_days = 0;
    BOOST_TEST(check(sign_license(c, marketplace_key), t0 + std::chrono::days(30)).status.state ==
               license_state::expired);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(tamper_matrix, fixture)

BOOST_AUTO_TEST_CASE(a_changed_byte_in_the_header)
{
    auto p = split(sign_license(trial(), marketplace_key));
    const std::string header = *base64url_decode(p.header);
    p.header = base64url_encode(replace(header, "{\"alg\"", "{ \"alg\"")); // same meaning, other bytes
    expect_invalid(check(join(p)), "signature does not match");
}

BOOST_AUTO_TEST_CASE(a_changed_byte_in_the_payload)
{
    auto p = split(sign_license(trial(), marketplace_key));
    p.payload = base64url_encode(replace(*base64url_decode(p.payload), "\"kind\":\"trial\"", "\"kind\":\"trian\""));
    expect_invalid(check(join(p)), "signature does not match");
}

BOOST_AUTO_TEST_CASE(an_extended_expiry)
{
    auto p = split(sign_license(trial(), marketplace_key));
    const std::string longer = std::to_string((t0 + std::chrono::days(3650)).time_since_epoch().count());
    const std::string original = std::to_string((t0 + std::chrono::days(30)).time_since_epoch().count());
    p.payload = base64url_encode(replace(*base64url_decode(p.payload), original, longer));
    expect_invalid(check(join(p)), "signature does not match");
}

BOOST_AUTO_TEST_CASE(a_flipped_bit_in_the_signature)
{
    auto p = split(sign_license(trial(), marketplace_key));
    std::string signature = *base64url_decode(p.signature);
    signature[10] = static_cast<char>(signature[10] ^ 0x01);
    p.signature = base64url_encode(signature);
    expect_invalid(check(join(p)), "signature does not match");
}

BOOST_AUTO_TEST_CASE(another_tenants_licence)
{
    auto c = trial();
    c.tenant_id = "globex";
    expect_invalid(check(sign_license(c, marketplace_key)), "issued to another tenant");
}

BOOST_AUTO_TEST_CASE(another_connectors_licence)
{
    auto c = trial();
    c.connector_id = "xero-accounting";
    expect_invalid(check(sign_license(c, marketplace_key)), "issued for the connector 'xero-accounting'");
}

BOOST_AUTO_TEST_CASE(a_key_the_connector_does_not_trust_posing_as_the_marketplace)
{
    // The attacker signs with its own key but names the marketplace's key id.
    auto c = trial();
    const std::string forged_header = base64url_encode("{\"alg\":\"EdDSA\",\"typ\":\"CSL1\",\"kid\":\"" + kid + "\"}");
    c.key_id = key_id_of(attacker_key);
    auto p = split(sign_license(c, attacker_key));
    p.header = forged_header;
    expect_invalid(check(join(p)), "signature does not match");
}

BOOST_AUTO_TEST_CASE(an_unknown_key_id)
{
    auto c = trial();
    c.key_id = key_id_of(attacker_key);
    expect_invalid(check(sign_license(c, attacker_key)), "unknown key id");
}

BOOST_AUTO_TEST_CASE(a_truncated_token)
{
    const std::string token = sign_license(trial(), marketplace_key);
    expect_invalid(check(token.substr(0, token.size() - 5)), "signature");
    expect_invalid(check(token.substr(0, token.find('.') + 10)), "three parts");
}

BOOST_AUTO_TEST_CASE(not_base64url)
{
    auto p = split(sign_license(trial(), marketplace_key));
    p.header.insert(3, "+");
    expect_invalid(check(join(p)), "header is not base64url");
    auto q = split(sign_license(trial(), marketplace_key));
    q.signature += "==";
    expect_invalid(check(join(q)), "signature is not a base64url");
}

BOOST_AUTO_TEST_CASE(a_one_megabyte_token)
{
    expect_invalid(check(std::string(1024 * 1024, 'A')), "1048576 bytes long");
}

BOOST_AUTO_TEST_CASE(the_none_algorithm)
{
    auto p = split(sign_license(trial(), marketplace_key));
    p.header = base64url_encode("{\"alg\":\"none\",\"typ\":\"CSL1\",\"kid\":\"" + kid + "\"}");
    p.signature.clear();
    expect_invalid(check(join(p)), "unsupported licence format");
}

BOOST_AUTO_TEST_CASE(an_expired_licence_is_expired_not_invalid)
{
    const auto e = check(sign_license(trial(), marketplace_key), t0 + std::chrono::days(400));
    BOOST_TEST(e.status.state == license_state::expired);
}

BOOST_AUTO_TEST_CASE(issued_in_the_future)
{
    auto c = trial();
    c.issued_at = t0 + std::chrono::days(2);
    c.starts_at = c.issued_at;
    c.expires_at = c.issued_at + std::chrono::days(30);
    expect_invalid(check(sign_license(c, marketplace_key), t0), "issued in the future");
}

BOOST_AUTO_TEST_CASE(a_small_clock_drift_is_tolerated)
{
    auto c = trial();
    c.issued_at = t0 + 2min;
    c.starts_at = c.issued_at;
    BOOST_TEST(check(sign_license(c, marketplace_key), t0).status.state == license_state::trial_active);
}

BOOST_AUTO_TEST_CASE(the_clock_set_back)
{
    const auto token = sign_license(trial(), marketplace_key);
    expect_invalid(check(token, t0 + std::chrono::days(1), t0 + std::chrono::days(20)), "clock was set back");
    BOOST_TEST(check(token, t0 + std::chrono::days(20), t0 + std::chrono::days(20) + 1min).status.state ==
               license_state::trial_active);
}

BOOST_AUTO_TEST_CASE(a_payload_missing_a_field_even_if_signed)
{
    auto c = trial();
    c.plan = "weekly"; // signed, but not a plan
    expect_invalid(check(sign_license(c, marketplace_key)), "'plan' is missing or wrong");
}

BOOST_AUTO_TEST_CASE(an_expiry_beyond_the_clocks_range_is_refused_not_overflowed)
{
    // Found by the license_token fuzzer: an expiry in the year 7661 overflowed the nanoseconds of the
    // comparison with now (UBSan). Instants after 2200 are refused.
    auto c = trial();
    c.expires_at = std::chrono::sys_seconds(std::chrono::seconds(179'600'003'000));
    expect_invalid(check(sign_license(c, marketplace_key)), "'expires_at' is missing or wrong");
    c.expires_at = std::chrono::sys_seconds(std::chrono::seconds(7'258'118'400)); // 2200-01-01: still accepted
    BOOST_TEST(check(sign_license(c, marketplace_key)).status.state == license_state::trial_active);
}

BOOST_AUTO_TEST_CASE(signing_refuses_a_mismatched_key_id)
{
    auto c = trial();
    c.key_id = "mk-0000000000000000";
    BOOST_CHECK_THROW(sign_license(c, marketplace_key), std::runtime_error);
    BOOST_CHECK_THROW(sign_license(trial(), "not a key"), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(key_ids_are_stable_and_distinct)
{
    BOOST_TEST(key_id_of(marketplace_key) == key_id_of(marketplace_key));
    BOOST_TEST(key_id_of(marketplace_key) != key_id_of(attacker_key));
    BOOST_TEST(key_id_of(marketplace_key).size() == 19u);
}

BOOST_AUTO_TEST_CASE(base64url_is_strict)
{
    for (const std::string& s :
         std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\xff\xfe\x00\x01", 4)})
        BOOST_TEST(*base64url_decode(base64url_encode(s)) == s);
    BOOST_TEST(base64url_encode("\xfb\xff") == "-_8");
    BOOST_TEST(!base64url_decode("Zm9v=").has_value()); // padding
    BOOST_TEST(!base64url_decode("+/8").has_value());   // standard alphabet
    BOOST_TEST(!base64url_decode("Zm9vY").has_value()); // impossible length
    BOOST_TEST(!base64url_decode("Zm9=").has_value());
    BOOST_TEST(!base64url_decode("Zh").has_value()); // non-canonical trailing bits ("Zg" is canonical)
    BOOST_TEST(base64url_decode("Zg").value() == "f");
    BOOST_TEST(!base64url_decode("Zm 9v").has_value());
}
