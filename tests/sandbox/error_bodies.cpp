#include "error_bodies.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sage_sandbox {

boost::json::array error_array(std::string_view data_code, std::string_view message, std::string_view source)
{
    boost::json::object error;
    error["$severity"] = "error";
    error["$dataCode"] = data_code;
    error["$message"] = message;
    error["$source"] = source;
    return boost::json::array{std::move(error)};
}

http_response api_error(unsigned status, std::string_view data_code, std::string_view message, std::string_view source)
{
    return json_response(status, error_array(data_code, message, source));
}

http_response oauth_error(unsigned status, std::string_view error, std::string_view description)
{
    boost::json::object body;
    body["error"] = error;
    body["error_description"] = description;
    http_response response = json_response(status, body);
    response.headers.emplace("Cache-Control", "no-store");
    response.headers.emplace("Pragma", "no-cache");
    return response;
}

} // namespace sage_sandbox
