#include "sandbox_form.hpp"

#include "temp_dir.hpp"

namespace test_support {

connector_sdk::file_value form_file(const std::filesystem::path& path)
{
    const std::string bytes = read_file(path);
    return {path.filename().string(), std::vector<std::uint8_t>(bytes.begin(), bytes.end())};
}

connector_sdk::form_values sandbox_form(const sage_sandbox::sandbox& sage, const sage_sandbox::oauth_client& client,
                                        const std::string& base_url)
{
    const std::string url = base_url.empty() ? sage.info().base_url : base_url;
    connector_sdk::form_values f;
    f.set("ClientId", client.client_id);
    f.set("ClientSecret", client.client_secret);
    f.set("KeystoreFile", form_file(sage.info().ca_file));
    f.set("AuthorizeURL", url + "/oauth2/auth/central?filter=apiv3.1");
    f.set("TokenURL", url + "/token");
    f.set("ApiBaseURL", url + "/v3.1");
    return f;
}

connector_sdk::form_values refresh_form(const sage_sandbox::sandbox& sage, const std::string& refresh_token,
                                        const std::filesystem::path& token_file, const std::string& base_url)
{
    connector_sdk::form_values f = sandbox_form(sage, sage.client(), base_url);
    f.set("ConnectionName", std::string("Books"));
    f.set("InitiateOAuth", std::string("REFRESH"));
    f.set("RefreshToken", refresh_token);
    f.set("OAuthSettingsLocation", token_file.string());
    return f;
}

} // namespace test_support
