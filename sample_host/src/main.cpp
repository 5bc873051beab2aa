// sample_host: the reference marketplace host. Everything lives in sample_host_core (see cli.hpp) and
// the web console above it (console/serve_command.hpp); before anything runs, the process makes sure
// it can never dump its memory (host key, secrets).
#include "commands/cli.hpp"
#include "console/serve_command.hpp"
#include "runtime/process_hardening.hpp"

#include <iostream>

int main(int argc, char** argv)
{
    if (const auto hardened = sample_host::forbid_core_dumps(); !hardened) {
        std::cerr << "sample_host: " << hardened.error().message
                  << "; it will not run with its keys in a process that could dump them\n";
        return 70; // EX_SOFTWARE
    }
    static constexpr sample_host::command_installer console_commands[] = {sample_host::add_serve_command};
    return sample_host::run_cli(argc, argv, std::cout, std::cerr, console_commands);
}
