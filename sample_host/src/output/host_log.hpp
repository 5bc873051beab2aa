// The host's diagnostic log: every line goes to <data>/logs/host.log (mode 0600), and to standard
// error as well with --verbose; each line carries its level, and known secret values are masked.
#pragma once

#include <connector_sdk/host_services.hpp>

#include <filesystem>
#include <mutex>
#include <optional>
#include <string_view>

namespace sample_host {

class secret_redactor;

class host_log final {
public:
    // `file`: where to append (its folder is created 0700); nullopt for no file. Never throws: a log
    // that cannot be written must not stop the host.
    host_log(std::optional<std::filesystem::path> file, bool verbose, const secret_redactor& redactor) noexcept;
    ~host_log();
    host_log(const host_log&) = delete;
    host_log& operator=(const host_log&) = delete;

    // `source` says who speaks: "host" or a connector id. Thread-safe, never throws.
    void write(connector_sdk::log_level level, std::string_view source, std::string_view message) noexcept;

    [[nodiscard]] bool verbose() const noexcept { return verbose_; }

private:
    std::mutex mutex_;
    int fd_ = -1;
    bool verbose_;
    const secret_redactor& redactor_;
};

} // namespace sample_host
