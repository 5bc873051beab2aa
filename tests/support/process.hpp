// Runs a program as a child process, feeding its standard input and capturing its output, with a
// deadline: end-to-end tests drive the real binaries this way.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace test_support {

struct process_result {
    int exit_code = -1;     // the exit status, or 128 + signal when killed by a signal
    bool timed_out = false; // killed because the deadline passed
    std::string out;
    std::string err;
};

struct process_options {
    std::map<std::string, std::string> environment; // added to (or replacing in) this process's environment
    std::vector<std::string> unset_environment;     // removed from it
    std::optional<std::string> input;               // fed to standard input, then closed; nullopt: /dev/null
    std::chrono::milliseconds timeout = std::chrono::seconds(120);
    std::optional<std::filesystem::path> working_directory;
};

// A child started by start_process: its process id and the parent's ends of its standard streams
// (close-on-exec; `input` is -1 when standard input is /dev/null). The caller closes them.
struct started_process {
    pid_t pid = -1;
    int input = -1;
    int output = -1;
    int error = -1;
};

// Starts `argv[0]` (a path) with `argv`, the environment changes and working directory of `options`,
// in its own process group; standard input is a pipe when `pipe_input`, /dev/null otherwise.
// Throws only when the process cannot be started.
started_process start_process(const std::vector<std::string>& argv, const process_options& options, bool pipe_input);

// Kills the child and its process group.
void kill_process_group(pid_t pid) noexcept;

// Waits for the child to end: its exit status, or 128 + signal when killed by a signal.
int wait_for_exit(pid_t pid) noexcept;

// Runs `argv[0]` (a path) with `argv`. Throws only when the process cannot be started.
process_result run_process(const std::vector<std::string>& argv, const process_options& options = {});

// Finishes a started child as run_process does: feeds it `options.input` (when its input is a pipe),
// reads its output to the end (a child is never left writing into a closed pipe), waits for it within
// `options.timeout`, and closes its streams.
process_result finish_process(started_process& child, const process_options& options = {});

} // namespace test_support
