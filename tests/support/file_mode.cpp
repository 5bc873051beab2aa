#include "file_mode.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <system_error>

namespace test_support {

unsigned file_mode(const std::filesystem::path& path)
{
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0)
        throw std::system_error(errno, std::generic_category(), "lstat " + path.string());
    return info.st_mode & 07777u;
}

} // namespace test_support
