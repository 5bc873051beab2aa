# Project-wide compile settings shared by every target of this tree. The warning set is the SDK's
# (host_sdk/cmake/connector_warnings.cmake), switched on by the presets.

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

include(${PROJECT_SOURCE_DIR}/host_sdk/cmake/connector_warnings.cmake)
