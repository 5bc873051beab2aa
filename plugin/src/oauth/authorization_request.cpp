#include "oauth/authorization_request.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

namespace sage {

authorization_request make_authorization_request(const connection_settings& settings, const std::string& client_id,
                                                 const std::string& redirect_uri)
{
    authorization_request request;
    const pkce_pair pkce = make_pkce_pair();
    request.state = make_state();
    request.code_verifier = pkce.verifier;
    request.redirect_uri = redirect_uri;

    // AuthorizeURL keeps its own query (Sage's filter=apiv3.1); ours is appended with every value
    // percent-encoded beyond what RFC 3986 strictly requires in a query ('/' and ':' too), because
    // Sage's client ids (uuid/uuid) and redirect URIs must arrive exactly as registered.
    boost::urls::url url = boost::urls::parse_uri(settings.authorize_url.url).value();
    std::string query(url.encoded_query());
    auto add = [&query](std::string_view key, std::string_view value) {
        if (!query.empty())
            query += '&';
        query += std::string(key) + "=" + boost::urls::encode(value, boost::urls::unreserved_chars);
    };
    add("client_id", client_id);
    add("response_type", "code");
    add("redirect_uri", request.redirect_uri);
    add("scope", to_string(settings.scope));
    add("state", request.state);
    add("code_challenge", pkce.challenge);
    add("code_challenge_method", "S256");
    if (settings.country)
        add("country", to_string(*settings.country));
    if (settings.locale)
        add("locale", *settings.locale);
    url.set_encoded_query(query);
    request.url = std::string(url.buffer());
    return request;
}

std::optional<authorization_response> parse_authorization_response(std::string_view text)
{
    // Trim what a paste tends to carry along.
    while (!text.empty() &&
           (text.front() == ' ' || text.front() == '\t' || text.front() == '"' || text.front() == '\''))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '"' ||
                             text.back() == '\''))
        text.remove_suffix(1);
    boost::urls::url_view view;
    if (auto absolute = boost::urls::parse_uri(text); absolute)
        view = *absolute;
    else if (auto relative = boost::urls::parse_uri_reference(text); relative)
        view = *relative;
    else
        return std::nullopt;
    // An empty query carries nothing; and Boost.URL 1.81 walks past the end of an empty query that a
    // fragment follows ("/callback?#"), which crashed the process the listener runs in (found by
    // tests/fuzz/authorization_response).
    if (!view.has_query() || view.encoded_query().empty())
        return std::nullopt;
    authorization_response response;
    for (const auto& param : view.params()) {
        if (!param.has_value)
            continue;
        if (param.key == "code")
            response.code = param.value;
        else if (param.key == "error")
            response.error = param.value;
        else if (param.key == "error_description")
            response.error_description = param.value;
        else if (param.key == "state")
            response.state = param.value;
        else if (param.key == "country")
            response.country = param.value;
    }
    if (!response.code && !response.error)
        return std::nullopt;
    return response;
}

} // namespace sage
