// The permission bits of a file or folder, for the tests of private files and folders (0600, 0700).
#pragma once

#include <filesystem>

namespace test_support {

// st_mode & 07777 of `path` itself (a symbolic link is not followed); throws std::system_error when
// the path cannot be examined.
unsigned file_mode(const std::filesystem::path& path);

} // namespace test_support
