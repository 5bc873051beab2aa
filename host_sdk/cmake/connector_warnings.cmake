# connector_enable_warnings(<target>): the warning set this repository's own targets build with. Not
# installed and never applied to a consumer's targets. Off unless CONNECTOR_WARNINGS is ON, so a project
# that adds the SDK with add_subdirectory gets no flags it did not ask for; the presets in
# CMakePresets.json turn it on (and CONNECTOR_WARNINGS_AS_ERRORS in dev and asan).
include_guard(GLOBAL)

option(CONNECTOR_WARNINGS "Build this repository's targets with its warning set" OFF)
option(CONNECTOR_WARNINGS_AS_ERRORS "Treat those warnings as errors" OFF)

function(connector_enable_warnings target)
  if(NOT CONNECTOR_WARNINGS OR NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    return()
  endif()
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # GCC 12's -Wnull-dereference works only once optimised, and then reports Boost.Asio's own
    # scheduler code (thread_info casts) in every optimised build: Clang's is the useful one.
    target_compile_options(${target} PRIVATE -Wnull-dereference)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports its own std::string operator+ and std::string_view comparisons once inlined
    # (GCC bugs 105329 and 105651): noise in every optimised build, fixed in GCC 13.
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overread)
  endif()
  if(CONNECTOR_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # GCC 12's flow-based warnings report false positives inside libstdc++'s own string, regex and
      # variant code once optimisation inlines it (e.g. -Wrestrict on std::string operator+): shown,
      # not fatal.
      target_compile_options(${target} PRIVATE
        -Wno-error=restrict -Wno-error=maybe-uninitialized -Wno-error=array-bounds
        -Wno-error=stringop-overflow -Wno-error=stringop-overread)
    endif()
  endif()
endfunction()
