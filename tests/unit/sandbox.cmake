# The Sage sandbox (tests/sandbox): its logic units without sockets, then black-box tests of the
# in-process server and of the sage_sandbox executable with curl as the client.
if(TARGET sage_sandbox_core OR EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/../sandbox/CMakeLists.txt")
  connector_add_test(sandbox_token_authority_test SOURCES sandbox_token_authority_test.cpp
                     LIBRARIES sage_sandbox_core LABELS sandbox)
  connector_add_test(sandbox_pagination_test SOURCES sandbox_pagination_test.cpp
                     LIBRARIES sage_sandbox_core LABELS sandbox)
  connector_add_test(sandbox_fault_book_test SOURCES sandbox_fault_book_test.cpp
                     LIBRARIES sage_sandbox_core LABELS sandbox)
  connector_add_test(sandbox_service_test SOURCES sandbox_service_test.cpp
                     LIBRARIES sage_sandbox_core LABELS sandbox)
  connector_add_test(sandbox_https_test SOURCES sandbox_https_test.cpp
                     LIBRARIES sage_sandbox_lib sage_sandbox_curl LABELS sandbox tls TIMEOUT 600)
  connector_add_test(sandbox_executable_test SOURCES sandbox_executable_test.cpp
                     LIBRARIES sage_sandbox_curl Boost::json LABELS sandbox e2e TIMEOUT 300)
  add_dependencies(sandbox_executable_test sage_sandbox)
  target_compile_definitions(sandbox_executable_test PRIVATE SAGE_SANDBOX_EXECUTABLE="$<TARGET_FILE:sage_sandbox>")
endif()
