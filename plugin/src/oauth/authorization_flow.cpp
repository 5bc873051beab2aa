#include "oauth/authorization_flow.hpp"

#include "oauth/authorization_request.hpp"
#include "oauth/callback_listener.hpp"
#include "oauth/pkce.hpp"

#include <connector_support/ascii_text.hpp>

#include <boost/json.hpp>

namespace sage {
namespace {

namespace json = boost::json;
using connector_sdk::error_category;
using connector_support::fail;
using connector_support::failure;
using connector_support::result;

constexpr char pending_note[] = "pending";
// A code lives 60 seconds, so a pending headless request older than this cannot be finished.
constexpr std::chrono::minutes pending_lifetime{15};

failure refused_by_user(const authorization_response& response)
{
    const std::string error = *response.error;
    if (error == "access_denied")
        return fail(error_category::auth, "the sign-in was refused (access_denied): sign in again and choose Allow on "
                                          "Sage's consent page");
    return fail(error_category::auth, "Sage did not complete the sign-in (" + error +
                                          (response.error_description ? ": " + *response.error_description : "") +
                                          "): check the Client ID, CallbackURL and Scope, then sign in again");
}

// A sign-in that ended with the exchange: the tokens, or why there are none.
result<sign_in> finished(result<token_set> exchanged)
{
    if (!exchanged)
        return exchanged.error();
    return sign_in(std::move(*exchanged));
}

std::string pending_json(const authorization_request& request, std::chrono::system_clock::time_point now)
{
    json::object o;
    o["state"] = request.state;
    o["code_verifier"] = request.code_verifier;
    o["redirect_uri"] = request.redirect_uri;
    o["created_at"] = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    return json::serialize(o);
}

std::optional<authorization_request> read_pending(token_store& store, std::chrono::system_clock::time_point now)
{
    const auto text = store.read_note(pending_note);
    if (!text)
        return std::nullopt;
    boost::system::error_code ec;
    const json::value v = json::parse(*text, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    const auto& o = v.get_object();
    auto str = [&](std::string_view k) {
        const auto* m = o.if_contains(k);
        return m != nullptr && m->is_string() ? std::string(m->get_string()) : std::string();
    };
    const auto* created = o.if_contains("created_at");
    if (created == nullptr || !created->is_int64() ||
        now - std::chrono::system_clock::time_point(std::chrono::seconds(created->get_int64())) > pending_lifetime)
        return std::nullopt;
    authorization_request request;
    request.state = str("state");
    request.code_verifier = str("code_verifier");
    request.redirect_uri = str("redirect_uri");
    return request;
}

// A pasted answer: a whole callback URL (its state is checked), or the bare code.
std::optional<authorization_response> read_answer(const std::string& answer)
{
    if (auto response = parse_authorization_response(answer))
        return response;
    const std::string code(connector_support::trim(answer));
    if (code.empty() || code.find_first_of(" ?&=") != std::string::npos)
        return std::nullopt;
    authorization_response response;
    response.code = code;
    return response;
}

result<sign_in> headless(const connection_settings& s, const authorization_request& request, oauth_client& oauth,
                         token_store& store, connector_sdk::host_services& services)
{
    services.notify_user("Open this address in a browser, sign in to Sage and allow access:\n" + request.url);
    const auto answer = services.prompt_user("Then paste the address the browser was sent to (it starts with " +
                                             s.callback_url.url + "), or just its code:");
    if (!answer) {
        // Nobody to answer now: keep the request so an OAuthVerifier given later can finish it.
        if (auto kept = store.write_note(pending_note, pending_json(request, services.now())); !kept)
            return kept.error();
        return sign_in();
    }
    const auto response = read_answer(*answer);
    if (!response)
        return fail(error_category::auth,
                    "that is neither the address the browser was sent to nor a code: sign in again");
    if (response->state && !same_secret(*response->state, request.state))
        return fail(error_category::auth, "that address belongs to another sign-in (its state does not match): use the "
                                          "address of this sign-in");
    return finished(complete_authorization(*response, request, oauth, services));
}

} // namespace

authorization_request begin_authorization(const connection_settings& s, const oauth_client& oauth,
                                          const std::string& redirect_uri)
{
    return make_authorization_request(s, oauth.app().client_id, redirect_uri);
}

result<token_set> complete_authorization(const authorization_response& response, const authorization_request& request,
                                         oauth_client& oauth, connector_sdk::host_services& services)
{
    if (response.error)
        return refused_by_user(response);
    if (!response.code)
        return fail(error_category::auth, "the address the browser was sent to carries no authorization code: sign in "
                                          "again");
    auto answer = oauth.exchange_code(*response.code, request.redirect_uri, request.code_verifier, services.now());
    if (!answer)
        return answer.error();
    if (!*answer)
        return fail(error_category::auth, "Sage refused the authorization code (expired after 60 seconds, already "
                                          "used, or issued for another CallbackURL): sign in again");
    return std::move(**answer);
}

std::string awaiting_verifier_sentence()
{
    return "sign-in started: open the address shown, allow access, then give the code (or the whole address the "
           "browser was sent to) as OAuthVerifier within 60 seconds";
}

result<sign_in> run_authorization(const connection_settings& s, oauth_client& oauth, token_store& store,
                                  connector_sdk::host_services& services, const authorization_flow_options& options)
{
    const authorization_request request = begin_authorization(s, oauth, s.callback_url.url);
    if (options.headless || !s.callback_url.http())
        return headless(s, request, oauth, store, services);

    auto listener = callback_listener::bind(s.callback_url);
    if (!listener)
        return listener.error();
    const bool browser = services.open_browser(request.url);
    if (!browser && options.require_browser)
        return fail(error_category::auth,
                    "no OAuth tokens are stored in " + store.describe() +
                        " yet, and no browser can be opened here to sign in: sign in with the host's authorise "
                        "command (e.g. sample_host oauth authorize), give an OAuthVerifier, or supply tokens with "
                        "InitiateOAuth=REFRESH");
    services.notify_user(
        std::string(browser ? "A browser window opened for signing in to Sage. If it did not, open" : "Open") +
        " this address, sign in and allow access (waiting " + std::to_string(options.wait.count()) + " seconds):\n" +
        request.url);
    const callback_wait_result waited = (*listener)->wait_for(request.state, options.wait);
    if (!waited.response)
        return fail(error_category::auth,
                    "no answer from the browser within " + std::to_string(options.wait.count()) +
                        " seconds: sign in again (or use the headless sign-in: paste the address by hand)");
    return finished(complete_authorization(*waited.response, request, oauth, services));
}

result<token_set> redeem_verifier(const connection_settings& s, const std::string& verifier, oauth_client& oauth,
                                  token_store& store, connector_sdk::host_services& services)
{
    const auto response = read_answer(verifier);
    if (!response)
        return fail(error_category::config, "OAuthVerifier is neither a code nor the address the browser was sent to");
    authorization_request request;
    request.redirect_uri = s.callback_url.url;
    if (auto pending = read_pending(store, services.now())) {
        if (response->state && !same_secret(*response->state, pending->state))
            return fail(error_category::auth, "the address given as OAuthVerifier belongs to another sign-in (its "
                                              "state does not match): sign in again");
        request = *pending;
    }
    auto outcome = complete_authorization(*response, request, oauth, services);
    store.remove_note(pending_note); // a code is single-use: whatever happened, this request is spent
    return outcome;
}

result<sign_in> sign_in_as_configured(const connection_settings& s, oauth_client& oauth, token_store& store,
                                      connector_sdk::host_services& services, const authorization_flow_options& options)
{
    if (!s.oauth_verifier)
        return run_authorization(s, oauth, store, services, options);
    return finished(redeem_verifier(s, *s.oauth_verifier, oauth, store, services));
}

} // namespace sage
