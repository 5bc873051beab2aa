#include "sage/sage_api.hpp"

#include "transport/transport_failures.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

namespace sage {
namespace {

using connector_sdk::error_category;
using connector_support::fail;
using connector_support::failure;

constexpr int max_pages = 20;

std::string request_id_of(const http_response& response)
{
    const auto id = response.header("x-request-id");
    return id ? std::string(*id) : std::string();
}

std::string with_request_id(std::string sentence, const std::string& request_id)
{
    if (!request_id.empty())
        sentence += " (Sage request id " + request_id + ")";
    return sentence;
}

bool has_data_code(const std::vector<sage_error_item>& errors, std::string_view code)
{
    return std::any_of(errors.begin(), errors.end(), [&](const sage_error_item& e) { return e.data_code == code; });
}

// An answer that is not what Sage sends for `area`.
failure malformed(std::string_view area, const http_response& response)
{
    return fail(error_category::remote, with_request_id("the Sage API sent an answer that is not what Sage sends for " +
                                                            std::string(area) + ": check ApiBaseURL",
                                                        request_id_of(response)));
}

} // namespace

bool rejects_token(const http_response& response)
{
    return response.status == 401 && !has_data_code(parse_sage_errors(response.body), "AuthorizationFailure");
}

failure describe_refusal(const http_response& response, std::string_view area, bool renewable)
{
    const std::string a(area);
    const std::string id = request_id_of(response);
    const std::vector<sage_error_item> errors = parse_sage_errors(response.body);
    const std::string first = errors.empty() ? std::string() : errors.front().message;
    switch (response.status) {
    case 401:
        if (has_data_code(errors, "AuthorizationFailure") && first.find("subscription") != std::string::npos)
            return fail(error_category::remote,
                        with_request_id("the Sage subscription of this business has ended (\"" + first +
                                            "\"): renew it in Sage Business Cloud Accounting, then try again",
                                        id));
        if (!renewable)
            return fail(error_category::auth,
                        "Sage rejected the Access Token (expired or revoked): supply a new one, or set InitiateOAuth "
                        "to REFRESH with a Refresh Token so the connector renews it");
        return fail(error_category::auth, with_request_id("Sage rejected the access token (expired or revoked): "
                                                          "authorise again, or supply a new Access Token",
                                                          id));
    case 403:
        return fail(error_category::auth,
                    with_request_id("Sage refused access to " + a + " (" +
                                        (errors.empty() ? std::string("HTTP 403") : errors.front().data_code) +
                                        "): ask the business owner to give this Sage user access to that area",
                                    id));
    case 404:
        return fail(
            error_category::config,
            with_request_id("the Sage API does not know " + a + " (HTTP 404): check ApiBaseURL and BusinessId", id));
    case 429:
        return fail(error_category::remote, with_request_id("Sage is rate limiting this client (HTTP 429), even after "
                                                            "retrying: wait a minute and try again",
                                                            id));
    default: break;
    }
    const std::string status = std::to_string(response.status);
    if (response.status >= 500)
        return fail(error_category::remote,
                    with_request_id("the Sage API failed (HTTP " + status +
                                        ") even after retrying: Sage may be having problems; try again later",
                                    id));
    return fail(error_category::remote, with_request_id("the Sage API refused the request for " + a + " (HTTP " +
                                                            status + (first.empty() ? "" : ": " + first) + ")",
                                                        id));
}

sage_api::sage_api(http_client& http, endpoint base, api_access access, std::function<void(std::string_view)> log)
    : http_(http), base_(std::move(base)), access_(std::move(access)), log_(std::move(log))
{
}

http_result sage_api::send_get(const std::string& path_and_query)
{
    http_request request;
    request.url = base_;
    std::string base_path = base_.target;
    while (!base_path.empty() && base_path.back() == '/')
        base_path.pop_back();
    request.url.target = base_path + path_and_query;
    request.headers = {{"Authorization", "Bearer " + access_.access_token}, {"Accept", "application/json"}};
    http_result result = http_.send(request);
    if (result.response && log_)
        if (const std::string id = request_id_of(*result.response); !id.empty())
            log_("Sage request id " + id + " for GET " + path_and_query.substr(0, path_and_query.find('?')) +
                 " (HTTP " + std::to_string(result.response->status) + ")");
    return result;
}

connector_support::result<http_response> sage_api::get(const std::string& path_and_query, std::string_view area)
{
    http_result sent = send_get(path_and_query);
    const bool renewable = static_cast<bool>(access_.renew);
    if (sent.response && rejects_token(*sent.response) && renewable && !renewed_) {
        // Renew once, then ask again; a second rejection is reported as it is.
        renewed_ = true;
        auto renewed = access_.renew(access_.access_token);
        if (!renewed)
            return renewed.error();
        access_.access_token = std::move(*renewed);
        sent = send_get(path_and_query);
    }
    if (!sent.response)
        return describe_transport(sent.failure, sent.message, "the Sage API");
    if (sent.response->status != 200)
        return describe_refusal(*sent.response, area, renewable);
    return std::move(*sent.response);
}

connector_support::result<sage_user> sage_api::user()
{
    constexpr std::string_view area = "your user details";
    auto got = get("/user", area);
    if (!got)
        return got.error();
    auto user = read_user(got->body);
    if (!user)
        return malformed(area, *got);
    return std::move(*user);
}

connector_support::result<std::vector<sage_business>> sage_api::businesses()
{
    constexpr std::string_view area = "your businesses";
    std::vector<sage_business> all;
    std::string next = "/businesses";
    for (int page = 0; page < max_pages && !next.empty(); ++page) {
        auto got = get(next, area);
        if (!got)
            return got.error();
        auto read = read_businesses_page(got->body, base_);
        if (!read)
            return malformed(area, *got);
        all.insert(all.end(), std::make_move_iterator(read->items.begin()), std::make_move_iterator(read->items.end()));
        next = std::move(read->next);
    }
    return all;
}

} // namespace sage
