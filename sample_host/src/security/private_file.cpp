#include "security/private_file.hpp"

#include "runtime/host_error.hpp"

#include <cerrno>
#include <cstring>

#include <openssl/crypto.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sample_host {
namespace {

void write_all(int fd, std::span<const std::uint8_t> bytes, const std::filesystem::path& file, const std::string& what)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw host_error("cannot write " + what + " " + file.string() + ": " + errno_text(errno) +
                             ": check free space and permissions of the data folder");
        done += static_cast<std::size_t>(n);
    }
}

// Writes `bytes` to a new private (0600) file beside `file`, flushed to disk: its path.
std::string write_temporary(const std::filesystem::path& file, std::span<const std::uint8_t> bytes,
                            const std::string& what)
{
    const std::filesystem::path folder = file.parent_path();
    // mkostemp: a unique name per call (threads of one process share a pid), created O_EXCL.
    std::string temporary = (folder / (file.filename().string() + ".tmp.XXXXXX")).string();
    file_descriptor fd(::mkostemp(temporary.data(), O_CLOEXEC));
    if (fd.get() < 0)
        throw host_error("cannot create " + what + " in " + folder.string() + ": " + errno_text(errno) +
                         ": check that the data folder exists and is writable by you");
    try {
        // mkostemp's 0600 is still subject to the umask: make it exactly 0600.
        if (::fchmod(fd.get(), 0600) != 0)
            throw host_error("cannot make " + temporary + " private (mode 0600): " + errno_text(errno));
        write_all(fd.get(), bytes, file, what);
        if (::fsync(fd.get()) != 0)
            throw host_error("cannot flush " + what + " " + file.string() + " to disk: " + errno_text(errno));
    } catch (...) {
        ::unlink(temporary.c_str());
        throw;
    }
    return temporary;
}

// Renames `temporary` over `file` (replace), or links it into place unless `file` exists
// (keep_existing: false then, and theirs stays); `temporary` is gone either way.
bool move_into_place(const std::string& temporary, const std::filesystem::path& file, publish_mode mode,
                     const std::string& what)
{
    if (mode == publish_mode::replace) {
        if (::rename(temporary.c_str(), file.c_str()) != 0) {
            const int error = errno;
            ::unlink(temporary.c_str());
            throw host_error("cannot write " + what + " " + file.string() + ": " + errno_text(error));
        }
        return true;
    }
    // link(2) never replaces: when another process put the file in place meanwhile, theirs stays.
    const int linked = ::link(temporary.c_str(), file.c_str());
    const int error = errno;
    ::unlink(temporary.c_str());
    if (linked != 0 && error != EEXIST)
        throw host_error("cannot create " + what + " " + file.string() + ": " + errno_text(error) +
                         ": check that the data folder is writable by you");
    return linked == 0;
}

// Makes the folder's new directory entry durable too.
void sync_folder(const std::filesystem::path& folder)
{
    file_descriptor dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0)
        ::fsync(dir.get());
}

} // namespace

file_descriptor::~file_descriptor()
{
    if (fd_ >= 0)
        ::close(fd_);
}

long read_fully(int fd, std::span<std::uint8_t> buffer) noexcept
{
    std::size_t got = 0;
    while (got < buffer.size()) {
        const ssize_t n = ::read(fd, buffer.data() + got, buffer.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    return static_cast<long>(got);
}

std::optional<std::string> read_secret_text(int fd, std::size_t size)
{
    std::string text(size, '\0');
    const long got = read_fully(fd, std::span(reinterpret_cast<std::uint8_t*>(text.data()), text.size()));
    if (got < 0) {
        const int error = errno;
        wipe(text);
        errno = error;
        return std::nullopt;
    }
    text.resize(static_cast<std::size_t>(got));
    return text;
}

void wipe(std::string& text) noexcept
{
    if (!text.empty())
        OPENSSL_cleanse(text.data(), text.size());
    text.clear();
}

std::string errno_text(int error)
{
    char buffer[256];
    return ::strerror_r(error, buffer, sizeof buffer); // the GNU form: thread-safe, returns the text
}

bool publish_private_file(const std::filesystem::path& file, std::span<const std::uint8_t> bytes, publish_mode mode,
                          const std::string& what)
{
    const std::string temporary = write_temporary(file, bytes, what);
    const bool published = move_into_place(temporary, file, mode, what);
    sync_folder(file.parent_path());
    return published;
}

} // namespace sample_host
