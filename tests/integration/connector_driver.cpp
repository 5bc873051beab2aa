// connector_driver: one connector in one process, for the multi-process tests. Runs TEST once with
// the form given as KEY=VALUE arguments and prints the headline; exit 0 when available, 1 when not.
//   connector_driver --state DIR --clock-offset SECONDS --tenant T [KEY=VALUE...]
// A value "@PATH" is read from a file and passed as an uploaded file (KeystoreFile=@ca.pem).
// The process signs its own licence with a throw-away marketplace key it also trusts, so it needs no
// host; its clock is the real one plus --clock-offset, to follow the sandbox's advanced clock.
#include "connector/sage_connector.hpp"

#include <fake_host_services.hpp>
#include <test_marketplace.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

int main(int argc, char** argv)
{
    std::filesystem::path state;
    long long offset = 0;
    std::string tenant = "tenant-test";
    connector_sdk::form_values form;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--state" && i + 1 < argc)
            state = argv[++i];
        else if (arg == "--clock-offset" && i + 1 < argc)
            offset = std::atoll(argv[++i]);
        else if (arg == "--tenant" && i + 1 < argc)
            tenant = argv[++i];
        else if (const auto eq = arg.find('='); eq != std::string::npos) {
            const std::string value = arg.substr(eq + 1);
            if (!value.empty() && value.front() == '@') {
                std::ifstream in(value.substr(1), std::ios::binary);
                std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
                form.set(arg.substr(0, eq), connector_sdk::file_value{value.substr(1), std::move(bytes)});
            } else {
                form.set(arg.substr(0, eq), value);
            }
        } else {
            std::cerr << "usage: connector_driver --state DIR --clock-offset SECONDS [--tenant T] [KEY=VALUE...]\n";
            return 2;
        }
    }
    test_support::fake_host_services services(state);
    services.set_now(std::chrono::system_clock::now() + std::chrono::seconds(offset));
    services.set_tenant(tenant);
    services.set_license_token(test_support::test_license(services.now(), tenant));
    auto connector = sage::sage_connector::make(services, test_support::test_marketplace_keys());
    const auto result = connector->test(form);
    std::cout << result.headline() << std::endl;
    return result.available ? 0 : 1;
}
