#include "sign_in_browser.hpp"

#include "process.hpp"

#include <cstdlib>
#include <regex>

namespace test_support {

browser_visit visit_sage(const std::string& url, const std::filesystem::path& ca)
{
    const auto run = run_process({"/usr/bin/curl", "-s", "--max-time", "30", "--cacert", ca.string(), "-o", "/dev/null",
                                  "-w", "%{http_code} %{redirect_url}", url});
    browser_visit visit;
    const auto space = run.out.find(' ');
    visit.status = std::atoi(run.out.substr(0, space).c_str());
    if (space != std::string::npos)
        visit.location = run.out.substr(space + 1);
    return visit;
}

int deliver(const std::string& callback)
{
    const auto run =
        run_process({"/usr/bin/curl", "-s", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}", callback});
    return std::atoi(run.out.c_str());
}

std::string replace_state(const std::string& url, const std::string& state)
{
    return std::regex_replace(url, std::regex("state=[^&]*"), "state=" + state);
}

} // namespace test_support
