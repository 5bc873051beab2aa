#include "oauth_endpoints.hpp"

#include "error_bodies.hpp"
#include "pkce.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace sage_sandbox {
namespace {

// An OAuth rule (RFC 6749 §4.1.2.1): when the client or its redirect_uri cannot be trusted, the
// server must not redirect; it shows the user an error page instead.
http_response error_page(std::string_view message)
{
    std::string body = "<!doctype html>\n<html><head><title>Sage sandbox: invalid authorisation request</title>"
                       "</head><body><h1>Invalid authorisation request</h1><p>";
    for (const char c : message) {
        switch (c) {
        case '<': body += "&lt;"; break;
        case '>': body += "&gt;"; break;
        case '&': body += "&amp;"; break;
        default: body.push_back(c);
        }
    }
    body += "</p></body></html>\n";
    return text_response(400, "text/html; charset=utf-8", std::move(body));
}

http_response redirect(const std::string& redirect_uri, const form_fields& params)
{
    std::string location = redirect_uri;
    char separator = location.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [name, value] : params) {
        location.push_back(separator);
        location += percent_encode(name) + "=" + percent_encode(value);
        separator = '&';
    }
    http_response response = text_response(302, "text/html; charset=utf-8", "");
    response.headers.emplace("Location", std::move(location));
    response.headers.emplace("Cache-Control", "no-store");
    return response;
}

http_response redirect_error(const std::string& redirect_uri, std::string_view error, std::string_view description,
                             const std::optional<std::string>& state)
{
    form_fields params{{"error", std::string(error)}, {"error_description", std::string(description)}};
    if (state)
        params.emplace_back("state", *state);
    return redirect(redirect_uri, params);
}

std::string lower(std::string_view text)
{
    std::string out(text);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string upper(std::string_view text)
{
    std::string out(text);
    for (auto& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool is_form(std::string_view content_type)
{
    const std::string media = lower(content_type.substr(0, content_type.find(';')));
    auto trimmed = std::string_view(media);
    while (!trimmed.empty() && trimmed.back() == ' ')
        trimmed.remove_suffix(1);
    return trimmed == "application/x-www-form-urlencoded";
}

struct form_request {
    std::optional<form_fields> fields;
    std::optional<http_response> error;
};

// Method, media type and well-formedness checks shared by /token and /revoke.
form_request read_form(const http_request& request)
{
    if (request.method != "POST") {
        http_response response = oauth_error(405, "invalid_request", "Use POST.");
        response.headers.emplace("Allow", "POST");
        return {std::nullopt, std::move(response)};
    }
    if (!is_form(request.header("Content-Type")))
        return {std::nullopt,
                oauth_error(400, "invalid_request", "The request body must be application/x-www-form-urlencoded.")};
    auto fields = parse_form(request.body);
    if (!fields)
        return {std::nullopt, oauth_error(400, "invalid_request", "The request body is not valid form encoding.")};
    for (const auto& [name, value] : *fields)
        if (form_count(*fields, name) > 1)
            return {std::nullopt, oauth_error(400, "invalid_request", "The parameter '" + name + "' is repeated.")};
    return {std::move(fields), std::nullopt};
}

std::optional<http_response> authenticate_client(const form_fields& fields, oauth_context& context)
{
    const auto id = form_value(fields, "client_id");
    const auto secret = form_value(fields, "client_secret");
    if (id && secret && context.clients.authenticate(*id, *secret))
        return std::nullopt;
    context.count.add(counter::invalid_client);
    http_response response = oauth_error(context.modes.invalid_client_status, "invalid_client",
                                         "Client authentication failed: unknown client_id or wrong client_secret.");
    if (context.modes.invalid_client_status == 401)
        response.headers.emplace("WWW-Authenticate", "Basic realm=\"sage-sandbox\"");
    return response;
}

http_response grant_failure(const grant_outcome& outcome, oauth_context& context)
{
    if (outcome.error == "invalid_grant")
        context.count.add(counter::invalid_grant);
    return oauth_error(400, outcome.error, outcome.description);
}

http_response tokens_issued(const token_set& tokens, oauth_context& context)
{
    context.count.add(counter::tokens_issued);
    http_response response = json_response(200, token_response_json(tokens));
    response.headers.emplace("Cache-Control", "no-store");
    response.headers.emplace("Pragma", "no-cache");
    return response;
}

constexpr std::array<std::string_view, 7> known_countries{"gb", "ie", "ca", "us", "de", "es", "fr"};

} // namespace

boost::json::object token_response_json(const token_set& tokens)
{
    return {
        {"access_token", tokens.access_token},
        {"scope", tokens.scope},
        {"token_type", "bearer"},
        {"expires_in", tokens.expires_in.count()},
        {"refresh_token", tokens.refresh_token},
        {"refresh_token_expires_in", tokens.refresh_token_expires_in.count()},
        {"requested_by_id", tokens.requested_by_id},
    };
}

http_response handle_authorize(const http_request& request, oauth_context& context)
{
    if (request.method != "GET")
        return error_page("The authorisation endpoint is opened with GET by the user's browser.");
    auto query = parse_form(split_target(request.target).second);
    if (!query)
        return error_page("The query string is not valid percent-encoding.");

    const auto client_id = form_value(*query, "client_id");
    if (!client_id || !context.clients.find(*client_id))
        return error_page("Unknown client_id: this application is not registered.");
    const auto redirect_uri = form_value(*query, "redirect_uri");
    if (!redirect_uri)
        return error_page("redirect_uri is missing.");
    if (!context.clients.redirect_allowed(*client_id, *redirect_uri))
        return error_page("redirect_uri does not match any callback URL registered for this application.");

    // From here on errors go back to the (trusted) redirect_uri.
    const auto state = form_value(*query, "state");
    const auto response_type = form_value(*query, "response_type");
    if (!response_type)
        return redirect_error(*redirect_uri, "invalid_request", "response_type is missing.", state);
    if (*response_type != "code")
        return redirect_error(*redirect_uri, "unsupported_response_type", "Only response_type=code is supported.",
                              state);
    if (form_value(*query, "filter") != std::optional<std::string>("apiv3.1"))
        return redirect_error(*redirect_uri, "invalid_request", "filter=apiv3.1 is required for API v3.1 access.",
                              state);
    const std::string scope = form_value(*query, "scope").value_or("full_access");
    if (scope != "full_access" && scope != "readonly")
        return redirect_error(*redirect_uri, "invalid_scope", "scope must be full_access or readonly.", state);
    const auto challenge = form_value(*query, "code_challenge");
    const auto method = form_value(*query, "code_challenge_method");
    if (challenge || method) {
        if (!challenge || !pkce::well_formed(*challenge))
            return redirect_error(*redirect_uri, "invalid_request", "code_challenge is missing or malformed.", state);
        if (method != std::optional<std::string>("S256"))
            return redirect_error(*redirect_uri, "invalid_request", "code_challenge_method must be S256.", state);
    }
    std::string country = "GB";
    if (auto requested = form_value(*query, "country")) {
        const std::string code = lower(*requested);
        if (std::find(known_countries.begin(), known_countries.end(), code) != known_countries.end())
            country = upper(code);
    }

    if (context.modes.consent != consent_mode::auto_consent) {
        context.count.add(counter::consent_errors);
        const std::string_view error = to_string(context.modes.consent);
        const std::string_view description = context.modes.consent == consent_mode::access_denied
                                                 ? "The user denied access to the application."
                                                 : "The authorisation request could not be completed.";
        return redirect_error(*redirect_uri, error, description, state);
    }

    authorization_grant grant;
    grant.client_id = *client_id;
    grant.redirect_uri = *redirect_uri;
    grant.scope = scope;
    grant.country = country;
    grant.code_challenge = challenge;
    const std::string code = context.tokens.issue_code(grant);
    context.count.add(counter::codes_issued);
    form_fields params{{"code", code}, {"country", country}};
    if (state)
        params.emplace_back("state", *state);
    return redirect(*redirect_uri, params);
}

http_response handle_token(const http_request& request, oauth_context& context)
{
    form_request form = read_form(request);
    if (form.error)
        return std::move(*form.error);
    const form_fields& fields = *form.fields;
    if (auto rejected = authenticate_client(fields, context))
        return std::move(*rejected);
    const std::string client_id = *form_value(fields, "client_id");

    const auto grant_type = form_value(fields, "grant_type");
    if (!grant_type)
        return oauth_error(400, "invalid_request", "grant_type is missing.");
    if (*grant_type == "authorization_code") {
        const auto code = form_value(fields, "code");
        const auto redirect_uri = form_value(fields, "redirect_uri");
        if (!code || !redirect_uri)
            return oauth_error(400, "invalid_request", "code and redirect_uri are required.");
        grant_outcome outcome =
            context.tokens.redeem_code(client_id, *code, *redirect_uri, form_value(fields, "code_verifier"));
        if (!outcome.tokens)
            return grant_failure(outcome, context);
        context.count.add(counter::codes_redeemed);
        return tokens_issued(*outcome.tokens, context);
    }
    if (*grant_type == "refresh_token") {
        const auto refresh_token = form_value(fields, "refresh_token");
        if (!refresh_token)
            return oauth_error(400, "invalid_request", "refresh_token is required.");
        grant_outcome outcome = context.tokens.refresh(client_id, *refresh_token);
        if (!outcome.tokens)
            return grant_failure(outcome, context);
        context.count.add(counter::refreshes);
        return tokens_issued(*outcome.tokens, context);
    }
    return oauth_error(400, "unsupported_grant_type",
                       "Only the authorization_code and refresh_token grants are supported.");
}

http_response handle_revoke(const http_request& request, oauth_context& context)
{
    form_request form = read_form(request);
    if (form.error)
        return std::move(*form.error);
    const form_fields& fields = *form.fields;
    if (auto rejected = authenticate_client(fields, context))
        return std::move(*rejected);
    const auto token = form_value(fields, "token");
    if (!token)
        return oauth_error(400, "invalid_request", "token is required.");
    // RFC 7009: an unknown or already revoked token is not an error for the caller.
    if (context.tokens.revoke(*form_value(fields, "client_id"), *token))
        context.count.add(counter::revocations);
    return json_response(200, boost::json::object{{"success", "ok"}});
}

} // namespace sage_sandbox
