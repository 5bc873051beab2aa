#include "support/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <random>
#include <utility>

namespace sage {
namespace {

std::error_code last_error()
{
    return {errno, std::generic_category()};
}

class fd_guard {
public:
    explicit fd_guard(int fd) noexcept : fd_(fd) {}
    ~fd_guard()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    [[nodiscard]] int get() const noexcept { return fd_; }
    int release() noexcept { return std::exchange(fd_, -1); }

private:
    int fd_;
};

std::string random_suffix()
{
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    static constexpr char digits[] = "0123456789abcdef";
    std::string s(12, '0');
    for (char& c : s)
        c = digits[generator() & 15];
    return s;
}

std::error_code ensure_folder(const std::filesystem::path& folder, mode_t mode) noexcept
{
    try {
        std::error_code ec;
        if (!std::filesystem::exists(folder, ec)) {
            if (folder.has_parent_path() && folder.parent_path() != folder)
                std::filesystem::create_directories(folder.parent_path(), ec);
            if (::mkdir(folder.c_str(), mode) != 0 && errno != EEXIST)
                return last_error();
        }
        struct stat st {};
        if (::stat(folder.c_str(), &st) != 0)
            return last_error();
        if (!S_ISDIR(st.st_mode))
            return std::make_error_code(std::errc::not_a_directory);
        if ((st.st_mode & 07777) != mode && ::chmod(folder.c_str(), mode) != 0)
            return last_error();
        return {};
    } catch (...) {
        return std::make_error_code(std::errc::not_enough_memory);
    }
}

std::error_code write_atomically(const std::filesystem::path& file, std::string_view content, mode_t mode) noexcept
{
    try {
        const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
        const std::filesystem::path temp = folder / ("." + file.filename().string() + ".tmp-" + random_suffix());
        fd_guard fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
        if (fd.get() < 0)
            return last_error();
        std::size_t written = 0;
        while (written < content.size()) {
            const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                const auto ec = last_error();
                ::unlink(temp.c_str());
                return ec;
            }
            written += static_cast<std::size_t>(n);
        }
        // The umask may have narrowed the mode; make it exactly `mode`.
        if (::fchmod(fd.get(), mode) != 0 || ::fsync(fd.get()) != 0) {
            const auto ec = last_error();
            ::unlink(temp.c_str());
            return ec;
        }
        if (::close(fd.release()) != 0) {
            const auto ec = last_error();
            ::unlink(temp.c_str());
            return ec;
        }
        if (::rename(temp.c_str(), file.c_str()) != 0) {
            const auto ec = last_error();
            ::unlink(temp.c_str());
            return ec;
        }
        // Make the rename itself durable.
        fd_guard dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (dir.get() >= 0)
            ::fsync(dir.get());
        return {};
    } catch (...) {
        return std::make_error_code(std::errc::not_enough_memory);
    }
}

// Opens `file` for reading only if it is a regular file: O_NOFOLLOW refuses a symbolic link,
// O_NONBLOCK keeps a FIFO from waiting for a writer, and fstat on the open descriptor decides.
// Gives -1 with `error` set (ENOENT left clear: nothing there), or the descriptor.
int open_regular(const std::filesystem::path& file, std::error_code& error, bool& not_regular) noexcept
{
    not_regular = false;
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP)
            error = std::make_error_code(std::errc::too_many_symbolic_link_levels);
        else if (errno != ENOENT)
            error = last_error();
        return -1;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error = last_error();
        not_regular = true;
        ::close(fd);
        return -1;
    }
    // Reads of a regular file never block; clear the flag anyway so nothing depends on it.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

std::optional<std::string> read_small(const std::filesystem::path& file, std::error_code& error, bool& not_regular,
                                      std::size_t max_size) noexcept
{
    error.clear();
    try {
        fd_guard fd(open_regular(file, error, not_regular));
        if (fd.get() < 0)
            return std::nullopt;
        std::string content;
        std::array<char, 8192> buffer{};
        for (;;) {
            const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                error = last_error();
                return std::nullopt;
            }
            if (n == 0)
                break;
            content.append(buffer.data(), static_cast<std::size_t>(n));
            if (content.size() > max_size) {
                error = std::make_error_code(std::errc::file_too_large);
                return std::nullopt;
            }
        }
        return content;
    } catch (...) {
        error = std::make_error_code(std::errc::not_enough_memory);
        return std::nullopt;
    }
}

// "cannot <doing> <path> (<reason>)", category config: the user picks the locations.
connector_support::failure file_failure(std::string_view doing, const std::filesystem::path& path,
                                        const std::error_code& ec) noexcept
{
    try {
        return connector_support::fail(connector_sdk::error_category::config, "cannot " + std::string(doing) + " " +
                                                                                  path.string() + " (" + ec.message() +
                                                                                  ")");
    } catch (...) {
        return {};
    }
}

} // namespace

reserved_write::reserved_write(reserved_write&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), capacity_(other.capacity_), mode_(other.mode_), file_(std::move(other.file_)),
      temp_(std::move(other.temp_))
{
}

reserved_write& reserved_write::operator=(reserved_write&& other) noexcept
{
    if (this != &other) {
        this->~reserved_write();
        fd_ = std::exchange(other.fd_, -1);
        capacity_ = other.capacity_;
        mode_ = other.mode_;
        file_ = std::move(other.file_);
        temp_ = std::move(other.temp_);
    }
    return *this;
}

reserved_write::~reserved_write()
{
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(temp_.c_str());
    }
}

connector_support::result<reserved_write> reserved_write::reserve(const std::filesystem::path& file, std::size_t bytes,
                                                                  mode_t mode) noexcept
{
    try {
        reserved_write r;
        const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
        r.file_ = file;
        r.mode_ = mode;
        r.temp_ = folder / ("." + file.filename().string() + ".tmp-" + random_suffix());
        r.fd_ = ::open(r.temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (r.fd_ < 0)
            return file_failure("reserve space beside", file, last_error());
        if (const int err = ::posix_fallocate(r.fd_, 0, static_cast<off_t>(bytes)); err != 0)
            return file_failure("reserve space beside", file, std::error_code(err, std::generic_category()));
        r.capacity_ = bytes;
        return r;
    } catch (...) {
        return file_failure("reserve space beside", file, std::make_error_code(std::errc::not_enough_memory));
    }
}

connector_support::result<void> reserved_write::commit(std::string_view content) noexcept
{
    if (fd_ < 0)
        return file_failure("write", file_, std::make_error_code(std::errc::bad_file_descriptor));
    if (content.size() > capacity_)
        return file_failure("write", file_, std::make_error_code(std::errc::no_buffer_space));
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n =
            ::pwrite(fd_, content.data() + written, content.size() - written, static_cast<off_t>(written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return file_failure("write", file_, last_error());
        written += static_cast<std::size_t>(n);
    }
    if (::ftruncate(fd_, static_cast<off_t>(content.size())) != 0 || ::fchmod(fd_, mode_) != 0 || ::fsync(fd_) != 0)
        return file_failure("write", file_, last_error());
    ::close(std::exchange(fd_, -1));
    if (::rename(temp_.c_str(), file_.c_str()) != 0) {
        const auto ec = last_error();
        ::unlink(temp_.c_str());
        return file_failure("write", file_, ec);
    }
    const std::filesystem::path folder = file_.has_parent_path() ? file_.parent_path() : std::filesystem::path(".");
    fd_guard dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0)
        ::fsync(dir.get());
    return {};
}

connector_support::result<void> ensure_private_folder(const std::filesystem::path& folder, mode_t mode) noexcept
{
    if (const std::error_code ec = ensure_folder(folder, mode))
        return file_failure("create the folder", folder, ec);
    return {};
}

connector_support::result<void> write_file_atomically(const std::filesystem::path& file, std::string_view content,
                                                      mode_t mode) noexcept
{
    if (const std::error_code ec = write_atomically(file, content, mode))
        return file_failure("write", file, ec);
    return {};
}

connector_support::result<std::optional<std::string>> read_small_file(const std::filesystem::path& file,
                                                                      std::size_t max_size) noexcept
{
    std::error_code ec;
    bool not_regular = false;
    std::optional<std::string> content = read_small(file, ec, not_regular, max_size);
    if (not_regular)
        return not_a_regular_file(file);
    if (ec == std::errc::too_many_symbolic_link_levels)
        return symbolic_link_refused(file);
    if (ec)
        return file_failure("read", file, ec);
    return content;
}

connector_support::result<file_kind> inspect_file(const std::filesystem::path& file) noexcept
{
    struct stat st {};
    if (::lstat(file.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return file_kind::absent;
        return file_failure("inspect", file, last_error());
    }
    if (S_ISLNK(st.st_mode))
        return file_kind::symbolic_link;
    return S_ISREG(st.st_mode) ? file_kind::regular : file_kind::other;
}

connector_support::failure not_a_regular_file(const std::filesystem::path& file) noexcept
{
    try {
        return connector_support::fail(connector_sdk::error_category::config,
                                       file.string() +
                                           " is not a regular file (a folder, device, FIFO or socket); nothing was "
                                           "read from or written to it: give the path of an ordinary file");
    } catch (...) {
        return {};
    }
}

connector_support::failure symbolic_link_refused(const std::filesystem::path& file) noexcept
{
    try {
        return connector_support::fail(connector_sdk::error_category::config,
                                       file.string() + " is a symbolic link, which is never followed: give the path "
                                                       "of the file itself");
    } catch (...) {
        return {};
    }
}

} // namespace sage
