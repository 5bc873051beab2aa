// A throw-away marketplace for tests: its own Ed25519 signing key, the trusted-key list a connector
// is created with, and licences signed with it.
#pragma once

#include <connector_sdk/license.hpp>

#include <chrono>
#include <span>
#include <string>

namespace test_support {

// The test marketplace's keys, made once per process.
std::span<const connector_sdk::trusted_license_key> test_marketplace_keys();

// The claims of a licence of the Sage connector of `kind` ("trial": plan "trial"; otherwise plan
// "monthly"), `days` long from `now` (whole seconds), for `tenant`, under the test marketplace's key.
connector_sdk::license_claims test_license_claims(std::chrono::system_clock::time_point now,
                                                  const std::string& tenant = "tenant-test",
                                                  const std::string& kind = "trial", int days = 30, int grace_days = 7);

// test_license_claims signed with the test marketplace's key.
std::string test_license(std::chrono::system_clock::time_point now, const std::string& tenant = "tenant-test",
                         const std::string& kind = "trial", int days = 30, int grace_days = 7);

} // namespace test_support
