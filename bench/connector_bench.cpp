// connector_bench: N TESTs of one connector in one process against a running Sage sandbox, to show
// what a host that keeps the connector loaded pays per TEST once the first one has refreshed the
// token and opened the connection (kept alive, TLS session cached).
//   connector_bench --base-url URL --ca FILE --client-id ID --client-secret S --refresh-token T [--count N]
// Prints one JSON object: count, first_ms, median_ms (of the others), p90_ms, all_available, and with
// CONNECTOR_PHASE_TIMINGS set, first_phases: the phase lines the connector logged during the first TEST.
#include "connector/sage_connector.hpp"

#include <fake_host_services.hpp>
#include <temp_dir.hpp>
#include <test_marketplace.hpp>

#include <connector_support/phase_timer.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    std::map<std::string, std::string> args;
    for (int i = 1; i + 1 < argc; i += 2)
        args[argv[i]] = argv[i + 1];
    for (const char* required : {"--base-url", "--ca", "--client-id", "--client-secret", "--refresh-token"})
        if (!args.count(required)) {
            std::cerr << "usage: connector_bench --base-url URL --ca FILE --client-id ID --client-secret S "
                         "--refresh-token T [--count N]\n";
            return 2;
        }
    const int count = args.count("--count") ? std::stoi(args["--count"]) : 50;

    test_support::temp_dir state("connector-bench");
    test_support::fake_host_services services(state.path());
    services.set_license_token(test_support::test_license(services.now()));
    auto connector = sage::sage_connector::make(services, test_support::test_marketplace_keys());

    std::ifstream ca_in(args["--ca"], std::ios::binary);
    std::vector<std::uint8_t> ca{std::istreambuf_iterator<char>(ca_in), std::istreambuf_iterator<char>()};
    connector_sdk::form_values form;
    const std::string base = args["--base-url"];
    form.set("ConnectionName", std::string("Bench"));
    form.set("ClientId", args["--client-id"]);
    form.set("ClientSecret", args["--client-secret"]);
    form.set("RefreshToken", args["--refresh-token"]);
    form.set("InitiateOAuth", std::string("REFRESH"));
    form.set("KeystoreFile", connector_sdk::file_value{"ca.pem", ca});
    form.set("AuthorizeURL", base + "/oauth2/auth/central?filter=apiv3.1");
    form.set("TokenURL", base + "/token");
    form.set("ApiBaseURL", base + "/v3.1");
    form.set("OAuthSettingsLocation", std::string("memory://bench"));

    std::vector<double> ms;
    std::vector<std::string> first_phases;
    bool all_available = true;
    for (int i = 0; i < count; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const auto result = connector->test(form);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        if (!result.available) {
            all_available = false;
            std::cerr << result.headline() << "\n";
        }
        if (i == 0)
            for (const std::string& line : services.log_lines())
                if (const auto at = line.find("phase "); at != std::string::npos)
                    first_phases.push_back(line.substr(at));
    }
    const double first = ms.front();
    std::vector<double> rest(ms.begin() + 1, ms.end());
    std::sort(rest.begin(), rest.end());
    const double median = rest.empty() ? first : rest[rest.size() / 2];
    const double p90 = rest.empty() ? first : rest[rest.size() * 9 / 10];
    std::cout << "{\"count\":" << count << ",\"first_ms\":" << first << ",\"median_ms\":" << median
              << ",\"p90_ms\":" << p90 << ",\"all_available\":" << (all_available ? "true" : "false");
    if (connector_support::phase_timings_enabled()) {
        std::cout << ",\"first_phases\":[";
        for (std::size_t i = 0; i < first_phases.size(); ++i)
            std::cout << (i ? "," : "") << '"' << first_phases[i] << '"'; // paths and names: nothing to escape
        std::cout << "]";
    }
    std::cout << "}\n";
    return all_available ? 0 : 1;
}
