# cmake -DLIBRARY=<built library> -DMANIFEST_IN=<source manifest> -DMANIFEST_OUT=<manifest to write> -P <this>
#
# Writes MANIFEST_OUT: the source manifest with "library" set to the library's file name and "sha256"
# to its digest. Written to a temporary file first and renamed, so a host never reads half a manifest.

foreach(_var LIBRARY MANIFEST_IN MANIFEST_OUT)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "connector_sdk_stamp_manifest: ${_var} is not set")
  endif()
endforeach()

file(READ "${MANIFEST_IN}" _json)
file(SHA256 "${LIBRARY}" _digest)
get_filename_component(_library_name "${LIBRARY}" NAME)
string(JSON _json SET "${_json}" library "\"${_library_name}\"")
string(JSON _json SET "${_json}" sha256 "\"${_digest}\"")
file(WRITE "${MANIFEST_OUT}.tmp" "${_json}\n")
file(RENAME "${MANIFEST_OUT}.tmp" "${MANIFEST_OUT}")
