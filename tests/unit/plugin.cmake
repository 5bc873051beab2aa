# Unit suites of the Sage connector plugin (plugin/src), one executable per unit, linked against the
# connector's static core so they see its internal headers.
foreach(_unit
    text_similarity
    property_catalog
    endpoint
    connection_settings
    keystore
    form_validation
    sage_connector
    token_store)
  connector_add_test(${_unit}_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${_unit}_test.cpp
    LIBRARIES sage_connector_core OpenSSL::SSL
    LABELS plugin unit)
endforeach()
