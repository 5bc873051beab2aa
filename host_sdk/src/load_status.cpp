#include <connector_sdk/loader.hpp>

CONNECTOR_SDK_BEGIN_NAMESPACE

std::string_view to_string(load_status status) noexcept
{
    switch (status) {
    case load_status::loaded: return "loaded";
    case load_status::manifest_missing: return "manifest_missing";
    case load_status::manifest_invalid: return "manifest_invalid";
    case load_status::library_missing: return "library_missing";
    case load_status::digest_mismatch: return "digest_mismatch";
    case load_status::not_a_library: return "not_a_library";
    case load_status::incompatible_abi: return "incompatible_abi";
    case load_status::descriptor_missing: return "descriptor_missing";
    case load_status::factory_missing: return "factory_missing";
    case load_status::identity_mismatch: return "identity_mismatch";
    case load_status::load_failed: return "load_failed";
    case load_status::factory_failed: return "factory_failed";
    }
    return "load_failed";
}

CONNECTOR_SDK_END_NAMESPACE
