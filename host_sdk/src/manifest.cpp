// Reads connector manifests. The checks mirror manifest/connector-manifest.schema.json member for
// member; tests/unit/host_sdk/manifest_test.cpp runs both on the same documents to keep them in step.
#include "manifest_patterns.hpp"

#include <connector_sdk/manifest.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>

CONNECTOR_SDK_BEGIN_NAMESPACE
namespace {

namespace json = boost::json;

constexpr std::size_t max_manifest_bytes = 1024 * 1024;

const std::set<std::string, std::less<>> known_members = {
    "$schema", "id",      "name",    "vendor", "version",       "description",      "tier", "trial_days", "grace_days",
    "plans",   "sdk_abi", "library", "sha256", "allowed_hosts", "documentation_url"};

class checker {
public:
    explicit checker(const json::object& doc) : doc_(doc) {}

    std::vector<manifest_error> errors;

    void fail(std::string field, std::string message) { errors.push_back({std::move(field), std::move(message)}); }

    // A required (or optional) string member matching `pattern`, at most max_length characters.
    std::string text(std::string_view key, bool required, bool (*pattern)(std::string_view) noexcept,
                     std::string_view what, std::size_t min_length = 0,
                     std::size_t max_length = std::numeric_limits<std::size_t>::max())
    {
        const json::value* v = doc_.if_contains(key);
        if (v == nullptr) {
            if (required)
                fail(std::string(key), "is required");
            return {};
        }
        if (!v->is_string()) {
            fail(std::string(key), "must be a string");
            return {};
        }
        std::string value(v->get_string());
        if (value.size() < min_length || value.size() > max_length)
            fail(std::string(key),
                 "must be " + std::to_string(min_length) + " to " + std::to_string(max_length) + " characters long");
        else if (pattern != nullptr && !pattern(value))
            fail(std::string(key), "must be " + std::string(what) + " (got \"" + value + "\")");
        return value;
    }

    int integer(std::string_view key, bool required, int min, int max)
    {
        const json::value* v = doc_.if_contains(key);
        if (v == nullptr) {
            if (required)
                fail(std::string(key), "is required");
            return 0;
        }
        return integer_value(std::string(key), *v, min, max);
    }

    int integer_value(const std::string& field, const json::value& v, int min, int max)
    {
        if (!v.is_int64() && !v.is_uint64()) {
            fail(field, "must be a whole number");
            return 0;
        }
        const auto n = v.is_int64() ? v.get_int64()
                                    : static_cast<std::int64_t>(std::min<std::uint64_t>(
                                          v.get_uint64(), std::numeric_limits<std::int64_t>::max()));
        if (n < min || n > max) {
            fail(field, "must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got " +
                            std::to_string(n) + ")");
            return 0;
        }
        return static_cast<int>(n);
    }

private:
    const json::object& doc_;
};

// Every member is one the schema knows (a misspelt member is an error, not ignored).
void check_known_members(checker& c, const json::object& doc)
{
    for (const auto& member : doc)
        if (!known_members.contains(member.key()))
            c.fail(std::string(member.key()), "is not a manifest member (misspelt?)");
}

// Who the connector is: id, name, vendor, version, description.
void check_identity(checker& c, manifest& m)
{
    using namespace host_detail;
    m.id = c.text("id", true, &is_connector_id, "lower-case letters, digits and dashes, at most 63");
    m.name = c.text("name", true, nullptr, "", 1, 100);
    m.vendor = c.text("vendor", true, nullptr, "", 1, 100);
    m.version = c.text("version", true, &is_semver, "a semantic version such as 1.2.3");
    m.description = c.text("description", true, nullptr, "", 1, 2000);
}

// free or premium, and a premium connector's trial and grace days.
void check_tier(checker& c, const json::object& doc, manifest& m)
{
    m.tier = c.text("tier", true, nullptr, "");
    if (doc.contains("tier") && m.tier != "free" && m.tier != "premium" && doc.at("tier").is_string())
        c.fail("tier", "must be \"free\" or \"premium\" (got \"" + m.tier + "\")");
    m.trial_days = c.integer("trial_days", m.tier == "premium", 1, 365);
    m.grace_days = c.integer("grace_days", false, 0, 90);
}

// The subscription plans ({"id": "monthly"|"annual", "months"}), required for a premium connector.
void check_plans(checker& c, const json::object& doc, manifest& m)
{
    const json::value* plans = doc.if_contains("plans");
    if (plans == nullptr) {
        if (m.tier == "premium")
            c.fail("plans", "is required for a premium connector");
        return;
    }
    if (!plans->is_array() || plans->get_array().empty()) {
        c.fail("plans", "must be a non-empty array of {\"id\", \"months\"}");
        return;
    }
    const auto& array = plans->get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string field = "plans[" + std::to_string(i) + "]";
        if (!array[i].is_object()) {
            c.fail(field, "must be an object {\"id\", \"months\"}");
            continue;
        }
        const auto& plan = array[i].get_object();
        manifest_plan out;
        for (const auto& member : plan)
            if (member.key() != "id" && member.key() != "months")
                c.fail(field + "." + std::string(member.key()), "is not a plan member");
        const json::value* id = plan.if_contains("id");
        if (id == nullptr || !id->is_string() || (id->get_string() != "monthly" && id->get_string() != "annual"))
            c.fail(field + ".id", "must be \"monthly\" or \"annual\"");
        else
            out.id = std::string(id->get_string());
        if (const json::value* months = plan.if_contains("months"))
            out.months = c.integer_value(field + ".months", *months, 1, 36);
        else
            c.fail(field + ".months", "is required");
        m.plans.push_back(std::move(out));
    }
}

// The SDK ABI the library was built for ("major.minor").
void check_sdk_abi(checker& c, manifest& m)
{
    using host_detail::is_sdk_abi;
    const std::string sdk_abi = c.text("sdk_abi", true, &is_sdk_abi, "major.minor, e.g. \"1.0\"");
    if (!is_sdk_abi(sdk_abi))
        return;
    const auto dot = sdk_abi.find('.');
    const auto major = std::stoul(sdk_abi.substr(0, dot));
    const auto minor = std::stoul(sdk_abi.substr(dot + 1));
    if (major > std::numeric_limits<std::uint16_t>::max() || minor > std::numeric_limits<std::uint16_t>::max())
        c.fail("sdk_abi", "is out of range");
    m.sdk_major = static_cast<std::uint16_t>(major);
    m.sdk_minor = static_cast<std::uint16_t>(minor);
}

// The library beside the manifest, and its digest.
void check_library(checker& c, manifest& m)
{
    using namespace host_detail;
    m.library = c.text("library", true, &is_library_name, "a plain file name in the manifest's folder (no path)");
    m.sha256 = c.text("sha256", false, &is_sha256_hex, "64 lower-case hex digits");
}

// The hosts the connector talks to: lower-case names, none repeated.
void check_allowed_hosts(checker& c, const json::object& doc, manifest& m)
{
    const json::value* hosts = doc.if_contains("allowed_hosts");
    if (hosts == nullptr) {
        c.fail("allowed_hosts", "is required");
        return;
    }
    if (!hosts->is_array() || hosts->get_array().empty()) {
        c.fail("allowed_hosts", "must be a non-empty array of host names");
        return;
    }
    const auto& array = hosts->get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string field = "allowed_hosts[" + std::to_string(i) + "]";
        if (!array[i].is_string() || !host_detail::is_host_name(array[i].get_string())) {
            c.fail(field, "must be a lower-case host name such as api.example.com");
            continue;
        }
        std::string host(array[i].get_string());
        if (std::find(m.allowed_hosts.begin(), m.allowed_hosts.end(), host) != m.allowed_hosts.end())
            c.fail(field, "repeats \"" + host + "\"");
        else
            m.allowed_hosts.push_back(std::move(host));
    }
}

// The manifest check, one named step per part of the schema, in the schema's order; every error is
// collected, not just the first.
manifest_parse_result check(const json::object& doc)
{
    checker c(doc);
    manifest m;
    check_known_members(c, doc);
    check_identity(c, m);
    check_tier(c, doc, m);
    check_plans(c, doc, m);
    check_sdk_abi(c, m);
    check_library(c, m);
    check_allowed_hosts(c, doc, m);
    m.documentation_url = c.text("documentation_url", true, &host_detail::is_https_url, "an https:// URL");

    manifest_parse_result result;
    result.errors = std::move(c.errors);
    if (result.errors.empty())
        result.value = std::move(m);
    return result;
}

} // namespace

manifest_parse_result parse_manifest(std::string_view json_text) noexcept
{
    try {
        if (json_text.size() > max_manifest_bytes)
            return {std::nullopt, {{"", "the manifest is larger than 1 MiB"}}};
        boost::system::error_code ec;
        json::parse_options options;
        options.max_depth = 16;
        json::value doc = json::parse(json_text, ec, {}, options);
        if (ec)
            return {std::nullopt, {{"", "not valid JSON: " + ec.message()}}};
        if (!doc.is_object())
            return {std::nullopt, {{"", "must be a JSON object"}}};
        return check(doc.get_object());
    } catch (const std::exception& e) {
        return {std::nullopt, {{"", std::string("cannot be read: ") + e.what()}}};
    }
}

manifest_parse_result read_manifest(const std::filesystem::path& file) noexcept
{
    try {
        std::error_code ec;
        const auto size = std::filesystem::file_size(file, ec);
        if (ec)
            return {std::nullopt, {{"", "cannot read " + file.string() + ": " + ec.message()}}};
        if (size > max_manifest_bytes)
            return {std::nullopt, {{"", file.string() + " is larger than 1 MiB"}}};
        std::ifstream in(file, std::ios::binary);
        if (!in)
            return {std::nullopt, {{"", "cannot open " + file.string()}}};
        std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        return parse_manifest(text);
    } catch (const std::exception& e) {
        return {std::nullopt, {{"", std::string("cannot be read: ") + e.what()}}};
    }
}

CONNECTOR_SDK_END_NAMESPACE
