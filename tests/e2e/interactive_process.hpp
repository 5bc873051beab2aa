// A child process a test converses with: it reads the child's standard error as it comes (to pick up
// what the child printed, e.g. a sign-in address) and answers on its standard input before the child
// ends — what run_process, which feeds input up front and collects output at the end, cannot do.
#pragma once

#include "process.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace e2e {

class interactive_process {
public:
    // Starts argv[0] (a path) with the environment changes and working directory of `options` (its
    // input is ignored: standard input is a pipe the test writes to, through answer()).
    interactive_process(const std::vector<std::string>& argv, const test_support::process_options& options);
    ~interactive_process(); // kills the child (its process group) if it is still running
    interactive_process(const interactive_process&) = delete;
    interactive_process& operator=(const interactive_process&) = delete;

    // Reads until `done(standard error so far)` holds or `timeout` passes; returns whether it held.
    bool wait_for_stderr(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds timeout);
    [[nodiscard]] const std::string& err() const noexcept { return err_; }

    // Writes `text` to standard input and closes it.
    void answer(const std::string& text);

    // Reads the rest of the output and waits for the exit (killing the child after `timeout`).
    test_support::process_result finish(std::chrono::milliseconds timeout);

private:
    // One poll round: reads what is available; false when both output pipes are closed.
    bool pump(std::chrono::milliseconds wait);

    pid_t pid_ = -1;
    int in_ = -1;
    int out_ = -1;
    int err_fd_ = -1;
    std::string out_text_;
    std::string err_;
};

} // namespace e2e
