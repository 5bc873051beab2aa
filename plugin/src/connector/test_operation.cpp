#include "connector/test_operation.hpp"

#include "connector/connection_failures.hpp"
#include "oauth/authorization_flow.hpp"
#include "oauth/token_manager.hpp"
#include "sage/sage_api.hpp"
#include <connector_support/time_text.hpp>

#include <algorithm>
#include <cstdlib>

namespace sage {
namespace {

using connector_sdk::error_category;

constexpr char connector_key[] = "sage-cloud-accounting";

connector_sdk::test_result unavailable(const failure_text& failure)
{
    connector_sdk::test_result r;
    r.available = false;
    r.category = failure.category;
    r.message = failure.message;
    return r;
}

std::optional<std::filesystem::path> home_folder()
{
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
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

std::variant<connection_plan, failure_text> plan_connection(const connection_settings& s,
                                                            connector_sdk::host_services& services,
                                                            http_client_cache& clients,
                                                            std::shared_ptr<const keystore> trust)
{
    connection_plan plan;
    std::string error;
    plan.http = clients.client_for(s, trust, error);
    if (!plan.http)
        return failure_text{error_category::tls, error};

    std::optional<connector_sdk::oauth_app_credentials> credentials;
    if (s.client_id && s.client_secret)
        credentials = connector_sdk::oauth_app_credentials{*s.client_id, *s.client_secret};
    else if (!s.client_id && !s.client_secret)
        credentials = services.default_oauth_app(connector_key);
    if (credentials)
        plan.app = oauth_app{credentials->client_id, credentials->client_secret, s.token_url,
                             revoke_endpoint_for(s.token_url)};

    if (s.initiate_oauth != initiate_oauth_mode::off) {
        if (!plan.app)
            return failure_text{error_category::config,
                                "Client ID and Client Secret are needed to refresh tokens: enter the credentials of "
                                "your app at developer.sage.com"};
        switch (s.oauth_settings.where) {
        case oauth_settings_location::kind::memory:
            plan.store = open_memory_token_store(s.oauth_settings.memory_id);
            break;
        case oauth_settings_location::kind::file:
        case oauth_settings_location::kind::host_default: {
            const auto file = s.oauth_settings.token_file(services.state_directory(), s.connection_name, home_folder());
            if (!file)
                return failure_text{error_category::config,
                                    "OAuthSettingsLocation starts with ~/ but this user has no home folder: give an "
                                    "absolute path"};
            plan.store = open_file_token_store(*file);
            break;
        }
        }
        if (s.initiate_oauth == initiate_oauth_mode::refresh)
            plan.seed = seed_from(s, plan.app->client_id);
    }
    return plan;
}

connector_sdk::test_result run_connection_test(const connection_settings& s, connector_sdk::host_services& services,
                                               http_client_cache& clients, std::shared_ptr<const keystore> trust)
{
    auto planned = plan_connection(s, services, clients, std::move(trust));
    if (auto* failure = std::get_if<failure_text>(&planned))
        return unavailable(*failure);
    connection_plan& plan = std::get<connection_plan>(planned);
    auto log = [&services](std::string_view line) { services.log(connector_sdk::log_level::debug, line); };
    auto now = [&services] { return services.now(); };

    // 1. An access token, as InitiateOAuth says.
    std::optional<oauth_client> oauth;
    std::optional<token_manager> tokens;
    std::string access_token;
    if (s.initiate_oauth == initiate_oauth_mode::off) {
        if (s.oauth_expires_in && s.oauth_token_timestamp) {
            const auto expires =
                std::chrono::floor<std::chrono::seconds>(*s.oauth_token_timestamp) + *s.oauth_expires_in;
            if (expires <= services.now())
                return unavailable({error_category::auth,
                                    "the Access Token expired at " + connector_support::utc_time_text(expires) +
                                        ": supply a new one, or set InitiateOAuth to REFRESH with a Refresh Token so "
                                        "the connector renews it"});
        }
        access_token = s.access_token.value_or("");
    } else {
        oauth.emplace(*plan.http, *plan.app);
        tokens.emplace(*plan.store, *oauth, now, log);
        access_grant grant = tokens->fresh(plan.seed);
        if (!grant.ok() && grant.nothing_stored && s.initiate_oauth == initiate_oauth_mode::get_and_refresh) {
            // GETANDREFRESH with nothing stored: sign in, with the OAuthVerifier given or in the browser.
            authorization_outcome signed_in =
                s.oauth_verifier
                    ? redeem_verifier(s, *s.oauth_verifier, *oauth, *plan.store, services)
                    : run_authorization(s, *oauth, *plan.store, services,
                                        {.headless = false, .wait = s.authorization_wait, .require_browser = true});
            if (!signed_in.ok())
                return unavailable(signed_in.failure);
            if (std::string error = tokens->adopt(*signed_in.tokens); !error.empty())
                return unavailable({error_category::config, "signed in, but " + error});
            grant = {};
            grant.set = std::move(signed_in.tokens);
        }
        if (!grant.ok())
            return unavailable(grant.failure);
        access_token = grant.set->access_token;
    }

    // 2. Who is connected. One refresh after a 401 that is not the subscription error.
    sage_api api(*plan.http, s.api_base_url, log);
    auto user = api.user(access_token);
    if (auto* failure = std::get_if<api_failure>(&user);
        failure != nullptr && failure->status == 401 && tokens && !failure->has_data_code("AuthorizationFailure")) {
        access_grant grant = tokens->after_rejection(access_token, plan.seed);
        if (!grant.ok())
            return unavailable(grant.failure);
        access_token = grant.set->access_token;
        user = api.user(access_token);
    }
    if (auto* failure = std::get_if<api_failure>(&user)) {
        failure_text text = describe_api(*failure, "your user details");
        if (s.initiate_oauth == initiate_oauth_mode::off && failure->status == 401 &&
            text.category == error_category::auth)
            text.message =
                "Sage rejected the Access Token (expired or revoked): supply a new one, or set InitiateOAuth "
                "to REFRESH with a Refresh Token so the connector renews it";
        return unavailable(text);
    }
    const sage_user& who = std::get<sage_user>(user);

    // 3. Which businesses.
    auto businesses = api.businesses(access_token);
    if (auto* failure = std::get_if<api_failure>(&businesses))
        return unavailable(describe_api(*failure, "your businesses"));
    const auto& list = std::get<std::vector<sage_business>>(businesses);
    if (s.business_id) {
        const bool known =
            std::any_of(list.begin(), list.end(), [&](const sage_business& b) { return b.id == *s.business_id; });
        if (!known)
            return unavailable(
                {error_category::config, "BusinessId " + *s.business_id + " is not one of the businesses " +
                                             who.displayed_as + " can reach (" + business_list(list) +
                                             "): correct it, or leave it empty to use the lead business"});
    }

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
    if (plan.store)
        r.detail += "\nOAuthSettingsLocation: " + plan.store->describe();
    return r;
}

} // namespace sage
