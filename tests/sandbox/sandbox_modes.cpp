#include "sandbox_modes.hpp"

#include "fault_book.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <stdexcept>

namespace sage_sandbox {

std::string_view to_string(consent_mode mode) noexcept
{
    switch (mode) {
    case consent_mode::auto_consent: return "auto";
    case consent_mode::access_denied: return "access_denied";
    case consent_mode::invalid_scope: return "invalid_scope";
    case consent_mode::server_error: return "server_error";
    case consent_mode::temporarily_unavailable: return "temporarily_unavailable";
    }
    return "auto";
}

std::optional<consent_mode> parse_consent_mode(std::string_view text) noexcept
{
    for (auto mode : {consent_mode::auto_consent, consent_mode::access_denied, consent_mode::invalid_scope,
                      consent_mode::server_error, consent_mode::temporarily_unavailable})
        if (to_string(mode) == text)
            return mode;
    if (text == "auto_consent")
        return consent_mode::auto_consent;
    return std::nullopt;
}

bool sandbox_modes::is_forbidden(std::string_view endpoint) const
{
    return std::any_of(forbidden.begin(), forbidden.end(),
                       [&](const std::string& name) { return name == "*" || name == endpoint; });
}

bool sandbox_modes::is_business_forbidden(std::string_view business_id) const
{
    return std::find(forbidden_businesses.begin(), forbidden_businesses.end(), business_id) !=
           forbidden_businesses.end();
}

boost::json::object sandbox_modes::to_json() const
{
    boost::json::array names;
    for (const auto& name : forbidden)
        names.emplace_back(name);
    boost::json::array businesses;
    for (const auto& id : forbidden_businesses)
        businesses.emplace_back(id);
    return {
        {"consent", to_string(consent)},
        {"subscription_ended", subscription_ended},
        {"forbidden", std::move(names)},
        {"forbidden_businesses", std::move(businesses)},
        {"invalid_client_status", invalid_client_status},
    };
}

void apply_modes_json(sandbox_modes& modes, const boost::json::object& json)
{
    sandbox_modes next = modes;
    for (const auto& [key, value] : json) {
        if (key == "consent") {
            auto mode = value.is_string() ? parse_consent_mode(value.as_string()) : std::nullopt;
            if (!mode)
                throw std::invalid_argument("'consent' must be one of auto, access_denied, invalid_scope, "
                                            "server_error, temporarily_unavailable");
            next.consent = *mode;
        } else if (key == "subscription_ended") {
            if (!value.is_bool())
                throw std::invalid_argument("'subscription_ended' must be true or false");
            next.subscription_ended = value.as_bool();
        } else if (key == "forbidden") {
            next.forbidden.clear();
            if (value.is_bool()) {
                if (value.as_bool())
                    next.forbidden.emplace_back("*");
                continue;
            }
            if (!value.is_array())
                throw std::invalid_argument("'forbidden' must be an array of endpoint names (or true/false)");
            const auto& names = endpoint_names();
            for (const auto& item : value.as_array()) {
                if (!item.is_string() ||
                    (item.as_string() != "*" &&
                     std::find(names.begin(), names.end(), std::string_view(item.as_string())) == names.end()))
                    throw std::invalid_argument("'forbidden' names an unknown endpoint");
                next.forbidden.emplace_back(item.as_string());
            }
        } else if (key == "forbidden_businesses") {
            if (!value.is_array())
                throw std::invalid_argument("'forbidden_businesses' must be an array of business ids");
            next.forbidden_businesses.clear();
            for (const auto& item : value.as_array()) {
                if (!item.is_string())
                    throw std::invalid_argument("'forbidden_businesses' must be an array of business ids");
                next.forbidden_businesses.emplace_back(item.as_string());
            }
        } else if (key == "invalid_client_status") {
            if (!value.is_int64() || (value.as_int64() != 400 && value.as_int64() != 401))
                throw std::invalid_argument("'invalid_client_status' must be 400 or 401");
            next.invalid_client_status = static_cast<unsigned>(value.as_int64());
        } else {
            throw std::invalid_argument("unknown mode '" + std::string(key) + "'");
        }
    }
    modes = std::move(next);
}

} // namespace sage_sandbox
