# Host SDK units: the contract's value types and rules, and the manifest reader (checked against the
# JSON Schema by Python's jsonschema, so the two never drift apart).
connector_add_test(sdk_types_test SOURCES sdk_types_test.cpp LIBRARIES connector_sdk::host LABELS sdk)

find_program(CONNECTOR_SYSTEM_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
connector_add_test(manifest_test SOURCES manifest_test.cpp LIBRARIES connector_sdk::host Boost::json LABELS sdk)
add_dependencies(manifest_test sage_cloud_accounting)
target_compile_definitions(manifest_test PRIVATE
  SYSTEM_PYTHON="${CONNECTOR_SYSTEM_PYTHON}"
  MANIFEST_SCHEMA="${PROJECT_SOURCE_DIR}/manifest/connector-manifest.schema.json"
  SOURCE_MANIFEST="${PROJECT_SOURCE_DIR}/manifest/sage-cloud-accounting.json"
  SCHEMA_CHECKER="${CMAKE_CURRENT_SOURCE_DIR}/../tools/check_manifests.py")

connector_add_test(license_test SOURCES license_test.cpp LIBRARIES connector_sdk::licensing LABELS sdk license)
target_include_directories(license_test PRIVATE ${PROJECT_SOURCE_DIR}/host_sdk/src)
