#include "fault_book.hpp"

#include "entity_catalog.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace sage_sandbox {
namespace {

constexpr std::array<std::pair<fault_kind, std::string_view>, 8> kind_names{{
    {fault_kind::rate_limited, "rate_limited"},
    {fault_kind::server_error, "server_error"},
    {fault_kind::service_unavailable, "service_unavailable"},
    {fault_kind::delay, "delay"},
    {fault_kind::close_mid_response, "close_mid_response"},
    {fault_kind::drop_connection, "drop_connection"},
    {fault_kind::malformed_json, "malformed_json"},
    {fault_kind::oversize_body, "oversize_body"},
}};

std::uint64_t read_unsigned(const boost::json::value& v, std::string_view field)
{
    if (v.is_uint64())
        return v.as_uint64();
    if (v.is_int64() && v.as_int64() >= 0)
        return static_cast<std::uint64_t>(v.as_int64());
    throw std::invalid_argument("fault field '" + std::string(field) + "' must be a non-negative integer");
}

std::uint32_t read_u32(const boost::json::value& v, std::string_view field)
{
    const std::uint64_t n = read_unsigned(v, field);
    if (n > 0xffffffffu)
        throw std::invalid_argument("fault field '" + std::string(field) + "' is too large");
    return static_cast<std::uint32_t>(n);
}

} // namespace

std::string_view to_string(fault_kind kind) noexcept
{
    for (const auto& [k, name] : kind_names)
        if (k == kind)
            return name;
    return "unknown";
}

std::optional<fault_kind> parse_fault_kind(std::string_view text) noexcept
{
    for (const auto& [k, name] : kind_names)
        if (name == text)
            return k;
    return std::nullopt;
}

const std::vector<std::string_view>& endpoint_names()
{
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> out{"authorize", "token", "revoke", "user", "businesses", "business"};
        for (const auto& entity : entities()) {
            out.push_back(entity.name);
            out.push_back(entity.record_endpoint);
        }
        return out;
    }();
    return names;
}

boost::json::object fault_spec::to_json() const
{
    boost::json::object out;
    out["endpoint"] = endpoint;
    out["kind"] = to_string(kind);
    if (count)
        out["count"] = *count;
    else
        out["count"] = nullptr;
    if (kind == fault_kind::rate_limited)
        out["retry_after"] =
            retry_after_seconds ? boost::json::value(*retry_after_seconds) : boost::json::value(nullptr);
    if (kind == fault_kind::delay)
        out["delay_ms"] = delay.count();
    if (kind == fault_kind::oversize_body)
        out["bytes"] = oversize_bytes;
    return out;
}

fault_spec fault_from_json(const boost::json::object& json)
{
    fault_spec spec;
    for (const auto& [key, value] : json) {
        if (key == "endpoint") {
            if (!value.is_string())
                throw std::invalid_argument("fault field 'endpoint' must be a string");
            spec.endpoint = std::string(value.as_string());
        } else if (key == "kind") {
            auto kind = value.is_string() ? parse_fault_kind(value.as_string()) : std::nullopt;
            if (!kind)
                throw std::invalid_argument("fault field 'kind' must be one of rate_limited, server_error, "
                                            "service_unavailable, delay, close_mid_response, drop_connection, "
                                            "malformed_json, oversize_body");
            spec.kind = *kind;
        } else if (key == "count") {
            if (!value.is_null())
                spec.count = read_u32(value, key);
        } else if (key == "retry_after") {
            if (!value.is_null())
                spec.retry_after_seconds = read_u32(value, key);
        } else if (key == "delay_ms") {
            spec.delay = std::chrono::milliseconds(read_u32(value, key));
        } else if (key == "bytes") {
            spec.oversize_bytes = read_unsigned(value, key);
        } else {
            throw std::invalid_argument("unknown fault field '" + std::string(key) + "'");
        }
    }
    if (!json.contains("kind"))
        throw std::invalid_argument("fault field 'kind' is required");
    return spec;
}

boost::json::object armed_fault::to_json() const
{
    boost::json::object out = spec.to_json();
    out["id"] = id;
    out["fired"] = fired;
    return out;
}

std::uint64_t fault_book::arm(const fault_spec& spec)
{
    const auto& names = endpoint_names();
    if (spec.endpoint != "*" && std::find(names.begin(), names.end(), spec.endpoint) == names.end())
        throw std::invalid_argument("unknown endpoint '" + spec.endpoint + "' for a fault");
    if (spec.count && *spec.count == 0)
        throw std::invalid_argument("fault field 'count' must be at least 1 (omit it for 'until cleared')");
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    faults_.push_back(armed_fault{id, spec, 0});
    return id;
}

void fault_book::clear(const std::optional<std::string>& endpoint)
{
    std::lock_guard lock(mutex_);
    if (!endpoint) {
        faults_.clear();
        return;
    }
    std::erase_if(faults_, [&](const armed_fault& f) { return f.spec.endpoint == *endpoint; });
}

bool fault_book::disarm(std::uint64_t id)
{
    std::lock_guard lock(mutex_);
    return std::erase_if(faults_, [&](const armed_fault& f) { return f.id == id; }) != 0;
}

std::optional<fault_spec> fault_book::take(std::string_view endpoint)
{
    std::lock_guard lock(mutex_);
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
        if (it->spec.endpoint != "*" && it->spec.endpoint != endpoint)
            continue;
        fault_spec spec = it->spec;
        ++it->fired;
        if (it->spec.count && --*it->spec.count == 0)
            faults_.erase(it);
        return spec;
    }
    return std::nullopt;
}

std::vector<armed_fault> fault_book::list() const
{
    std::lock_guard lock(mutex_);
    return faults_;
}

} // namespace sage_sandbox
