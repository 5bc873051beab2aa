// The sage_sandbox executable as a child process for end-to-end tests: started with the arguments
// given, its start-up JSON line read, stopped (SIGTERM, then SIGKILL) when the object dies.
#pragma once

#include <boost/json/object.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace test_support {

class sandbox_process {
public:
    // Starts `executable` with `arguments` (e.g. {"--port", "0"}) and waits for its JSON line.
    // Throws std::runtime_error when it does not start.
    explicit sandbox_process(const std::filesystem::path& executable, std::vector<std::string> arguments = {});
    ~sandbox_process();
    sandbox_process(const sandbox_process&) = delete;
    sandbox_process& operator=(const sandbox_process&) = delete;

    // The start-up line: base_url, api_base_url, token_url, ca_file, clients, ...
    [[nodiscard]] const boost::json::object& info() const noexcept { return info_; }
    [[nodiscard]] std::string text(std::string_view key) const;

    // POSTs `body` to the control API (control_url + path) with curl and returns the answer's body.
    [[nodiscard]] std::string control(const std::string& path, const std::string& body = {}) const;

    void stop() noexcept;

private:
    pid_t pid_ = -1;
    boost::json::object info_;
};

} // namespace test_support
