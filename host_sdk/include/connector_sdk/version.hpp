// The SDK's version and the inline namespace that carries it into every mangled name, so objects of two
// incompatible SDK majors can never be mixed up at link or load time.
#pragma once

// Version history (each addition is marked "since SDK 1.1" where it is declared, like sqlite3ext.h):
//   1.0  the contract: connector, form, results, host_services, oauth_management.v1, ABI, manifest, loader
//   1.1  license_state::not_required, connection_name_key, find_extension<T>() and oauth_management::id,
//        connector_base, property_builder, form_conversion (convert_value, check_form), ascii_text,
//        the data_access.v1 extension (data_access.hpp)
// A host of SDK 1.1 loads plugins built for 1.0 and 1.1; a plugin built for 1.1 needs a 1.1 host.

#define CONNECTOR_SDK_VERSION_MAJOR 1
#define CONNECTOR_SDK_VERSION_MINOR 1
#define CONNECTOR_SDK_VERSION_PATCH 0

// Opens the versioned namespace. Every public SDK type lives in connector_sdk::v1 and is reachable as
// connector_sdk::<name> through the inline namespace.
#define CONNECTOR_SDK_BEGIN_NAMESPACE                                                                                  \
    namespace connector_sdk {                                                                                          \
    inline namespace v1 {
#define CONNECTOR_SDK_END_NAMESPACE                                                                                    \
    }                                                                                                                  \
    }
