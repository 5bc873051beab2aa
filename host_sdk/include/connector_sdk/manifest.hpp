// A connector's manifest: what a host knows about a plugin before loading any of its code.
// Host side; parsed by connector_sdk::host.
#pragma once

#include <connector_sdk/version.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CONNECTOR_SDK_BEGIN_NAMESPACE

struct manifest_plan {
    std::string id; // "monthly", "annual"
    int months = 0; // length of one period
};

struct manifest {
    std::string id;   // [a-z0-9-], e.g. "acme-books"
    std::string name; // "Acme Books"
    std::string vendor;
    std::string version; // semantic version
    std::string description;
    std::string tier; // "free" | "premium"
    int trial_days = 0;
    int grace_days = 0;
    std::vector<manifest_plan> plans;
    std::uint16_t sdk_major = 0;
    std::uint16_t sdk_minor = 0;
    std::string library; // file name in the manifest's folder
    std::string sha256;  // lower-case hex digest of the library; empty when the manifest has none
    std::vector<std::string> allowed_hosts;
    std::string documentation_url;

    [[nodiscard]] bool premium() const noexcept { return tier == "premium"; }
};

struct manifest_error {
    std::string field; // JSON path of the offending member, e.g. "plans[1].months"; "" for the document
    std::string message;
};

struct manifest_parse_result {
    std::optional<manifest> value; // set only when errors is empty
    std::vector<manifest_error> errors;
};

// Parses and checks a manifest document. Never throws.
manifest_parse_result parse_manifest(std::string_view json_text) noexcept;

// Reads and parses a manifest file (at most 1 MiB). Never throws.
manifest_parse_result read_manifest(const std::filesystem::path& file) noexcept;

CONNECTOR_SDK_END_NAMESPACE
