// The two error shapes Sage uses: the API's error array
// [{"$severity":"error","$dataCode":...,"$message":...,"$source":...}] and OAuth's
// {"error":...,"error_description":...} from the token and revoke endpoints.
#pragma once

#include "http_message.hpp"

#include <string_view>

namespace sage_sandbox {

// $dataCode values the sandbox uses (Sage's where documented; see README.md for the unconfirmed ones).
namespace data_code {
inline constexpr std::string_view authentication_failed = "AuthenticationFailed"; // bad bearer token (unconfirmed)
inline constexpr std::string_view authorization_failure = "AuthorizationFailure"; // "No active subscription. (MSE)"
inline constexpr std::string_view multi_user_access_denied = "MultiUserAccessDenied";
inline constexpr std::string_view record_not_found = "RecordNotFound";
inline constexpr std::string_view invalid_parameter = "InvalidParameter";
inline constexpr std::string_view method_not_allowed = "MethodNotAllowed";
inline constexpr std::string_view unexpected_error = "UnexpectedError";
inline constexpr std::string_view too_many_requests = "TooManyRequests";
inline constexpr std::string_view service_unavailable = "ServiceUnavailable";
} // namespace data_code

// The message Sage sends with 401 AuthorizationFailure when the customer's subscription has ended.
inline constexpr std::string_view no_active_subscription_message = "No active subscription. (MSE)";

// The body Sage sends with an API error: an array of one error object.
boost::json::array error_array(std::string_view data_code, std::string_view message, std::string_view source = "");

// A response carrying error_array(...).
http_response api_error(unsigned status, std::string_view data_code, std::string_view message,
                        std::string_view source = "");

// An OAuth error response {"error","error_description"} (with Cache-Control: no-store).
http_response oauth_error(unsigned status, std::string_view error, std::string_view description);

} // namespace sage_sandbox
