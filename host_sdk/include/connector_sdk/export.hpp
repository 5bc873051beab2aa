// For plugin authors: exports a connector factory and the ABI descriptor under the SDK's fixed alias
// names. Use it once, at namespace scope, in one source file of the plugin. Needs Boost headers
// (Boost.DLL's BOOST_DLL_ALIAS); nothing else of Boost.
#pragma once

#include <connector_sdk/abi.hpp>
#include <connector_sdk/connector.hpp>

#include <boost/dll/alias.hpp>

// CONNECTOR_SDK_EXPORT_CONNECTOR(my_ns::create, "my-connector-id")
// `factory` must have the signature connector_sdk::connector_factory.
#define CONNECTOR_SDK_EXPORT_CONNECTOR(factory, connector_id_literal)                                                  \
    namespace connector_sdk_export_ {                                                                                  \
    constexpr ::connector_sdk::abi_descriptor descriptor = ::connector_sdk::make_abi_descriptor(connector_id_literal); \
    [[maybe_unused]] constexpr ::connector_sdk::connector_factory* factory_pointer = &factory;                         \
    }                                                                                                                  \
    BOOST_DLL_ALIAS(connector_sdk_export_::descriptor, connector_sdk_abi_descriptor)                                   \
    BOOST_DLL_ALIAS(factory, connector_sdk_factory)
