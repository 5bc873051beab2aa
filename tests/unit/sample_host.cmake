# Unit suites of the sample host (sample_host/src), one executable per unit, linked against
# sample_host_core so they reach its internal headers.
foreach(_unit
    form_builder
    secret_cipher
    connection_store
    user_directory
    license_repository
    schema_migrations
    cli_host_services
    browser_launcher
    host_locations
    marketplace
    marketplace_signing_key)
  connector_add_test(${_unit}_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${_unit}_test.cpp
    LIBRARIES sample_host_core Boost::json OpenSSL::Crypto
    LABELS sample_host unit)
endforeach()
