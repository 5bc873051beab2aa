// sample_host: the reference marketplace host. Everything lives in sample_host_core (see cli.hpp).
#include "commands/cli.hpp"

#include <iostream>

int main(int argc, char** argv)
{
    return sample_host::run_cli(argc, argv, std::cout, std::cerr);
}
