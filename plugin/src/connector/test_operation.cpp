#include "connector/test_operation.hpp"

#include "connector/access_session.hpp"
#include "connector/connector_identity.hpp"
#include "oauth/authorization_flow.hpp"
#include "oauth/token_manager.hpp"
#include "sage/sage_api.hpp"
#include <connector_support/time_text.hpp>

#include <algorithm>
#include <cstdlib>

namespace sage {
namespace {

using connector_sdk::error_category;
using connector_support::fail;
using connector_support::failure;
using connector_support::result;

connector_sdk::test_result unavailable(const failure& why)
{
    connector_sdk::test_result r;
    r.available = false;
    r.category = why.category;
    r.message = why.message;
    return r;
}

std::optional<std::filesystem::path> home_folder()
{
    // The host never changes its environment while connectors run (nothing here calls setenv).
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') // NOLINT(concurrency-mt-unsafe)
        return std::filesystem::path(home);
    return std::nullopt;
}

// The tokens of the form, as a set the manager can start from (InitiateOAuth=REFRESH).
std::optional<token_set> seed_from(const connection_settings& s, const std::string& client_id)
{
    if (!s.refresh_token)
        return std::nullopt;
    token_set seed;
    seed.client_id = client_id;
    seed.refresh_token = *s.refresh_token;
    seed.access_token = s.access_token.value_or("");
    // Without both OAuthExpiresIn and OAuthTokenTimestamp the access token's age is unknown: treat it
    // as expired, so the first use refreshes.
    if (s.access_token && s.oauth_expires_in && s.oauth_token_timestamp) {
        seed.obtained_at = std::chrono::floor<std::chrono::seconds>(*s.oauth_token_timestamp);
        seed.expires_at = seed.obtained_at + *s.oauth_expires_in;
    }
    if (seed.access_token.empty())
        seed.access_token = "-"; // placeholder: never sent, the set is refreshed first
    return seed;
}

std::string business_list(const std::vector<sage_business>& businesses)
{
    std::string text;
    for (std::size_t i = 0; i < businesses.size() && i < 5; ++i)
        text += (i ? ", " : "") + businesses[i].displayed_as;
    if (businesses.size() > 5)
        text += " and " + std::to_string(businesses.size() - 5) + " more";
    return text;
}

} // namespace

endpoint revoke_endpoint_for(const endpoint& token_url)
{
    endpoint revoke = token_url;
    std::string path = revoke.target.substr(0, revoke.target.find('?'));
    const auto slash = path.rfind('/');
    revoke.target = (slash == std::string::npos ? std::string() : path.substr(0, slash)) + "/revoke";
    revoke.url = revoke.scheme + "://" + revoke.host + (revoke.explicit_port ? ":" + std::to_string(revoke.port) : "") +
                 revoke.target;
    return revoke;
}

result<connection_plan> plan_connection(const connection_settings& s, connector_sdk::host_services& services,
                                        http_client_cache& clients, host_credentials& credentials,
                                        std::shared_ptr<const keystore> trust)
{
    connection_plan plan;
    auto http = clients.client_for(s, std::move(trust));
    if (!http)
        return http.error();
    plan.http = std::move(*http);

    std::optional<connector_sdk::oauth_app_credentials> app;
    if (s.client_id && s.client_secret)
        app = connector_sdk::oauth_app_credentials{*s.client_id, *s.client_secret};
    else if (!s.client_id && !s.client_secret) {
        app = services.default_oauth_app(connector_id);
        // The host's app secret travels only the default route (validation says so field by field).
        if (app && !uses_default_transport(s))
            return fail(error_category::config,
                        "this host's own OAuth app is used only with Sage's own endpoints, the system's trust store "
                        "and no proxy or uploaded keystore: enter your app's Client ID and Client Secret from the "
                        "Sage Developer Portal to use this connection's endpoints, proxy or keystore");
    }
    if (app)
        plan.app = oauth_app{app->client_id, app->client_secret, s.token_url, revoke_endpoint_for(s.token_url)};

    if (s.initiate_oauth != initiate_oauth_mode::off) {
        if (!plan.app)
            return fail(error_category::config, "Client ID and Client Secret are needed to refresh tokens: enter the "
                                                "credentials of your app at developer.sage.com");
        if (credentials.store() != nullptr) {
            // The host keeps the tokens (every process of a fleet sees the same set); the notes of a
            // pending headless sign-in, which are no credentials, stay in the state folder.
            plan.store = std::make_unique<host_token_store>(
                credentials, s.connection_name, lease_ttl_for(s.timeout),
                open_file_token_store(default_oauth_settings_file(services.state_directory(), s.connection_name)));
        } else {
            auto store = open_token_store(
                s.oauth_settings, token_store_scope{services.tenant_id(), services.state_directory(), s.connection_name,
                                                    home_folder(), host_allowed_token_folders()});
            if (!store)
                return store.error();
            plan.store = std::move(*store);
        }
        if (s.initiate_oauth == initiate_oauth_mode::refresh)
            plan.seed = seed_from(s, plan.app->client_id);
    }
    return plan;
}

namespace {

// Step 1 is access_session::open (an access token, as InitiateOAuth says); step 2 is sage_api::user
// (who is connected). Step 3: which businesses they reach, and whether BusinessId is one of them.
result<std::vector<sage_business>> which_businesses(sage_api& api, const connection_settings& s, const sage_user& who)
{
    auto list = api.businesses();
    if (!list)
        return list;
    if (s.business_id) {
        const bool known =
            std::any_of(list->begin(), list->end(), [&](const sage_business& b) { return b.id == *s.business_id; });
        if (!known)
            return fail(error_category::config, "BusinessId " + *s.business_id + " is not one of the businesses " +
                                                    who.displayed_as + " can reach (" + business_list(*list) +
                                                    "): correct it, or leave it empty to use the lead business");
    }
    return list;
}

// Step 4: "connection available", with who and what.
connector_sdk::test_result connected(const access_session& session, const sage_user& who,
                                     const std::vector<sage_business>& list)
{
    const connection_settings& s = session.settings();
    connector_sdk::test_result r;
    r.available = true;
    r.category = error_category::none;
    r.message = "connected to Sage as " + who.displayed_as + (who.email.empty() ? "" : " <" + who.email + ">") + "; " +
                std::to_string(list.size()) + (list.size() == 1 ? " business" : " businesses") +
                (list.empty() ? "" : ": " + business_list(list));
    r.detail =
        "user: " + who.displayed_as + (who.email.empty() ? "" : " <" + who.email + ">") + " (id " + who.id + ")\n";
    for (const auto& b : list)
        r.detail += "business: " + b.displayed_as + " (id " + b.id + ")" +
                    (s.business_id && *s.business_id == b.id ? " [BusinessId]" : "") + "\n";
    r.detail += "InitiateOAuth: " + std::string(to_string(s.initiate_oauth));
    if (session.plan().store)
        r.detail += "\nOAuthSettingsLocation: " + session.plan().store->describe();
    return r;
}

} // namespace

connector_sdk::test_result run_connection_test(const connection_settings& s, connector_sdk::host_services& services,
                                               http_client_cache& clients, host_credentials& credentials,
                                               std::shared_ptr<const keystore> trust)
{
    auto session = access_session::open(s, services, clients, credentials, std::move(trust));
    if (!session)
        return unavailable(session.error());
    sage_api api((*session)->http(), s.api_base_url, (*session)->access(),
                 [&services](std::string_view line) { services.log(connector_sdk::log_level::debug, line); });
    auto who = api.user();
    if (!who)
        return unavailable(who.error());
    auto businesses = which_businesses(api, s, *who);
    if (!businesses)
        return unavailable(businesses.error());
    return connected(**session, *who, *businesses);
}

} // namespace sage
