# The marketplace public key(s) the connector trusts for licences, compiled into it.
#
#   -DCONNECTOR_MARKETPLACE_PUBLIC_KEY=<pem>   the real marketplace key (public or private PEM)
#   -DCONNECTOR_ALLOW_DEV_LICENSE_KEY=ON       let an optimised build trust the throw-away dev key
#
# Without a key, dev and test builds generate a throw-away Ed25519 key pair in the build tree
# (${PROJECT_BINARY_DIR}/marketplace-dev/signing-key.pem, mode 0600, never committed): the sample host
# signs licences with it and the connector trusts its public half. An optimised build (Release,
# RelWithDebInfo, MinSizeRel: what ships) refuses it.
#
# Uses license_keytool (built by host_sdk). Provides: target marketplace_keys (INTERFACE, include dir with marketplace_keys.hpp) and the cache
# variable CONNECTOR_DEV_SIGNING_KEY (path of the dev private key, empty with a real key).

set(CONNECTOR_MARKETPLACE_PUBLIC_KEY "" CACHE FILEPATH "PEM of the marketplace licence key the connector trusts")
option(CONNECTOR_ALLOW_DEV_LICENSE_KEY "Allow an optimised build to trust the throw-away dev licence key" OFF)

set(_keys_dir "${PROJECT_BINARY_DIR}/generated/marketplace_keys")
set(_header "${_keys_dir}/marketplace_keys.hpp")

if(CONNECTOR_MARKETPLACE_PUBLIC_KEY)
  set(_key "${CONNECTOR_MARKETPLACE_PUBLIC_KEY}")
  set(CONNECTOR_DEV_SIGNING_KEY "" CACHE INTERNAL "")
  add_custom_command(OUTPUT "${_header}"
    COMMAND license_keytool embed "${_key}" "${_header}"
    DEPENDS "${_key}" license_keytool
    COMMENT "Embedding the marketplace licence key")
else()
  if(CMAKE_BUILD_TYPE MATCHES "^(Release|RelWithDebInfo|MinSizeRel)$" AND NOT CONNECTOR_ALLOW_DEV_LICENSE_KEY)
    message(FATAL_ERROR
      "A ${CMAKE_BUILD_TYPE} build must trust the real marketplace licence key: pass "
      "-DCONNECTOR_MARKETPLACE_PUBLIC_KEY=<marketplace public key PEM>, or -DCONNECTOR_ALLOW_DEV_LICENSE_KEY=ON "
      "to build a release that accepts licences signed by a throw-away development key.")
  endif()
  set(_key "${PROJECT_BINARY_DIR}/marketplace-dev/signing-key.pem")
  set(CONNECTOR_DEV_SIGNING_KEY "${_key}" CACHE INTERNAL "")
  add_custom_command(OUTPUT "${_header}"
    COMMAND license_keytool generate "${_key}"
    COMMAND license_keytool embed "${_key}" "${_header}"
    DEPENDS license_keytool
    COMMENT "Embedding the throw-away development licence key")
endif()

add_custom_target(marketplace_keys_header DEPENDS "${_header}")
add_library(marketplace_keys INTERFACE)
target_include_directories(marketplace_keys INTERFACE "${_keys_dir}")
add_dependencies(marketplace_keys marketplace_keys_header)
