#include "sandbox_app.hpp"

#include <boost/json/parse.hpp>

#include <stdexcept>

namespace test_support {

namespace {

constexpr const char* secret_variable = "E2E_SAGE_CLIENT_SECRET";
constexpr const char* refresh_token_variable = "E2E_SAGE_REFRESH_TOKEN";

} // namespace

sandbox_app::sandbox_app(const sandbox_process& sage) : sage_(sage)
{
    const auto& client = sage.info().at("clients").as_array().at(0).as_object();
    client_id_ = std::string(client.at("client_id").as_string());
    client_secret_ = std::string(client.at("client_secret").as_string());
}

boost::json::object sandbox_app::mint_tokens() const
{
    const std::string answer = sage_.control("/tokens", R"({"client_id":")" + client_id_ + R"("})");
    boost::system::error_code ec;
    boost::json::value tokens = boost::json::parse(answer, ec);
    if (ec || !tokens.is_object())
        throw std::runtime_error("the sandbox's /tokens answered something that is not a JSON object: " +
                                 answer.substr(0, 300));
    return std::move(tokens.as_object());
}

std::vector<std::string> sandbox_app::form_arguments(const std::string& token_location) const
{
    return {"--set",        "ConnectionName=Books",
            "--set",        "InitiateOAuth=REFRESH",
            "--set",        "ClientId=" + client_id_,
            "--secret-env", std::string("ClientSecret=") + secret_variable,
            "--secret-env", std::string("RefreshToken=") + refresh_token_variable,
            "--file",       "KeystoreFile=" + sage_.text("ca_file"),
            "--set",        "AuthorizeURL=" + sage_.text("base_url") + "/oauth2/auth/central?filter=apiv3.1",
            "--set",        "TokenURL=" + sage_.text("token_url"),
            "--set",        "ApiBaseURL=" + sage_.text("api_base_url"),
            "--set",        "OAuthSettingsLocation=" + token_location};
}

std::map<std::string, std::string> sandbox_app::secret_environment(const std::string& refresh_token) const
{
    return {{secret_variable, client_secret_}, {refresh_token_variable, refresh_token}};
}

} // namespace test_support
