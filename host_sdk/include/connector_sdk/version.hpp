// The SDK's version and the inline namespace that carries it into every mangled name, so objects of two
// incompatible SDK majors can never be mixed up at link or load time.
#pragma once

#define CONNECTOR_SDK_VERSION_MAJOR 1
#define CONNECTOR_SDK_VERSION_MINOR 0
#define CONNECTOR_SDK_VERSION_PATCH 0

// Opens the versioned namespace. Every public SDK type lives in connector_sdk::v1 and is reachable as
// connector_sdk::<name> through the inline namespace.
#define CONNECTOR_SDK_BEGIN_NAMESPACE                                                                                  \
    namespace connector_sdk {                                                                                          \
    inline namespace v1 {
#define CONNECTOR_SDK_END_NAMESPACE                                                                                    \
    }                                                                                                                  \
    }
