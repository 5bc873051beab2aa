// The Sage connector's app at a sage_sandbox child process, for the end-to-end tests that drive
// sample_host: the sandbox's first registered client, tokens minted for it through the control API,
// and the connection form pointing at the sandbox as sample_host's command line takes it (the secrets
// read from the environment, never written on the command line).
#pragma once

#include "sandbox_process.hpp"

#include <boost/json/object.hpp>

#include <map>
#include <string>
#include <vector>

namespace test_support {

class sandbox_app {
public:
    // The first client the sandbox registered; `sage` must outlive this object.
    explicit sandbox_app(const sandbox_process& sage);

    [[nodiscard]] const std::string& client_id() const noexcept { return client_id_; }
    [[nodiscard]] const std::string& client_secret() const noexcept { return client_secret_; }

    // POST /_sandbox/tokens for the app: {"access_token", "refresh_token", ...} of a new sign-in (a
    // memory:// token store starts empty in every process, so each run needs its own). Throws
    // std::runtime_error when the answer is not a JSON object.
    [[nodiscard]] boost::json::object mint_tokens() const;

    // The connection "Books" with InitiateOAuth=REFRESH: --set and --file arguments for the app's id, the
    // sandbox's CA and endpoints and OAuthSettingsLocation=`token_location`; --secret-env arguments for
    // ClientSecret and RefreshToken, which secret_environment() provides.
    [[nodiscard]] std::vector<std::string> form_arguments(const std::string& token_location) const;
    [[nodiscard]] std::map<std::string, std::string> secret_environment(const std::string& refresh_token) const;

private:
    const sandbox_process& sage_;
    std::string client_id_;
    std::string client_secret_;
};

} // namespace test_support
