#include "output/host_log.hpp"

#include "runtime/host_clock.hpp"
#include "runtime/host_locations.hpp"
#include "security/secret_redactor.hpp"

#include <cstdio>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace sample_host {

host_log::host_log(std::optional<std::filesystem::path> file, bool verbose, const secret_redactor& redactor) noexcept
    : verbose_(verbose), redactor_(redactor)
{
    if (!file)
        return;
    try {
        ensure_private_directory(file->parent_path());
        fd_ = ::open(file->c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    } catch (...) {
        fd_ = -1;
    }
    if (fd_ < 0 && verbose_)
        std::fprintf(stderr, "[warning] host: cannot open the log file %s; logging to standard error only\n",
                     file->c_str());
}

host_log::~host_log()
{
    if (fd_ >= 0)
        ::close(fd_);
}

void host_log::write(connector_sdk::log_level level, std::string_view source, std::string_view message) noexcept
{
    try {
        std::string text = redactor_.redact(message);
        // One line per entry, whatever the message holds: a log line cannot be forged by a newline.
        for (char& c : text)
            if (c == '\n' || c == '\r')
                c = ' ';
        const std::string body =
            "[" + std::string(connector_sdk::to_string(level)) + "] " + std::string(source) + ": " + text + "\n";
        std::lock_guard lock(mutex_);
        if (fd_ >= 0) {
            const std::string line =
                format_instant(std::chrono::system_clock::now()) + " pid " + std::to_string(::getpid()) + " " + body;
            // O_APPEND: one write per line keeps lines of concurrent processes whole.
            [[maybe_unused]] const ssize_t ignored = ::write(fd_, line.data(), line.size());
        }
        if (verbose_)
            std::fputs(body.c_str(), stderr);
    } catch (...) {
        // Out of memory while logging: drop the line.
    }
}

} // namespace sample_host
