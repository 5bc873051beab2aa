#include "output/host_log.hpp"

#include "runtime/host_locations.hpp"
#include "security/secret_redactor.hpp"

#include <connector_support/guarded.hpp>
#include <connector_support/time_text.hpp>

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
    fd_ = connector_support::guarded(
        [&] {
            ensure_private_directory(file->parent_path());
            return ::open(file->c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        },
        [](std::string_view) {}, // reported below, as the log file that could not be opened
        [] { return -1; });
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
    connector_support::guarded(
        [&] {
            std::string text = redactor_.redact(message);
            // One line per entry, whatever the message holds: a log line cannot be forged by a newline.
            for (char& c : text)
                if (c == '\n' || c == '\r')
                    c = ' ';
            const std::string body =
                "[" + std::string(connector_sdk::to_string(level)) + "] " + std::string(source) + ": " + text + "\n";
            std::lock_guard lock(mutex_);
            if (fd_ >= 0) {
                const std::string line = connector_support::utc_iso_text(std::chrono::system_clock::now()) + " pid " +
                                         std::to_string(::getpid()) + " " + body;
                // O_APPEND: one write per line keeps lines of concurrent processes whole.
                [[maybe_unused]] const ssize_t ignored = ::write(fd_, line.data(), line.size());
            }
            if (verbose_)
                std::fputs(body.c_str(), stderr);
        },
        [](std::string_view) {}, // out of memory while logging: there is nowhere to report it
        [] {});                  // and the line is dropped
}

} // namespace sample_host
