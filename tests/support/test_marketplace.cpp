#include "test_marketplace.hpp"

#include <array>

namespace test_support {
namespace {

struct marketplace {
    std::string private_key = connector_sdk::generate_license_signing_key();
    std::array<std::uint8_t, 32> public_key = connector_sdk::license_public_key(private_key);
    std::string key_id = connector_sdk::license_key_id(public_key);
    std::array<connector_sdk::trusted_license_key, 1> trusted{{{key_id, public_key}}};
};

marketplace& the_marketplace()
{
    static marketplace m;
    return m;
}

} // namespace

std::span<const connector_sdk::trusted_license_key> test_marketplace_keys()
{
    return the_marketplace().trusted;
}

connector_sdk::license_claims test_license_claims(std::chrono::system_clock::time_point now, const std::string& tenant,
                                                  const std::string& kind, int days, int grace_days)
{
    connector_sdk::license_claims c;
    c.license_id = "lic-" + tenant;
    c.key_id = the_marketplace().key_id;
    c.connector_id = "sage-cloud-accounting";
    c.tenant_id = tenant;
    c.kind = kind;
    c.plan = kind == "trial" ? "trial" : "monthly";
    c.issued_at = std::chrono::floor<std::chrono::seconds>(now);
    c.starts_at = c.issued_at;
    c.expires_at = c.issued_at + std::chrono::days(days);
    c.grace_days = grace_days;
    return c;
}

std::string test_license(std::chrono::system_clock::time_point now, const std::string& tenant, const std::string& kind,
                         int days, int grace_days)
{
    return connector_sdk::sign_license(test_license_claims(now, tenant, kind, days, grace_days),
                                       the_marketplace().private_key);
}

} // namespace test_support
