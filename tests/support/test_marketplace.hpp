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

// A licence of `kind` ("trial" or "subscription"), `days` long from `now`, for `tenant`.
std::string test_license(std::chrono::system_clock::time_point now, const std::string& tenant = "tenant-test",
                         const std::string& kind = "trial", int days = 30, int grace_days = 7);

} // namespace test_support
