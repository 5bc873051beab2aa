// Everything a connector author needs, in one include (the loader and manifest reader are host side).
#pragma once

#include <connector_sdk/abi.hpp>
#include <connector_sdk/ascii_text.hpp> // since SDK 1.1
#include <connector_sdk/connector.hpp>
#include <connector_sdk/connector_base.hpp>   // since SDK 1.1
#include <connector_sdk/credential_store.hpp> // since SDK 1.1
#include <connector_sdk/error_category.hpp>
#include <connector_sdk/form.hpp>
#include <connector_sdk/form_conversion.hpp> // since SDK 1.1
#include <connector_sdk/host_services.hpp>
#include <connector_sdk/property.hpp>
#include <connector_sdk/property_builder.hpp> // since SDK 1.1
#include <connector_sdk/results.hpp>
#include <connector_sdk/utf8_text.hpp> // since SDK 1.1
#include <connector_sdk/version.hpp>
