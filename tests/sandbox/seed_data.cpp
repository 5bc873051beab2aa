#include "seed_data.hpp"

#include "sandbox_clock.hpp"

#include <boost/json/array.hpp>

#include <chrono>
#include <random>

namespace sage_sandbox {
namespace {

class generator {
public:
    explicit generator(std::uint64_t seed) : engine_(seed) {}
    std::string hex_id() // 32 hex digits, like Sage's ids
    {
        static constexpr char digits[] = "0123456789abcdef";
        std::string out(32, '0');
        for (auto& c : out)
            c = digits[engine_() & 0x0f];
        return out;
    }

private:
    std::mt19937_64 engine_;
};

std::string stamp(int hours_after_base)
{
    // 2023-01-02T09:00:00Z plus some hours: stable, plausible, independent of when the test runs.
    const auto base = std::chrono::system_clock::time_point(std::chrono::seconds(1672650000));
    return iso8601(base + std::chrono::hours(hours_after_base));
}

boost::json::object make_business(generator& gen, const std::string& name, bool active_subscription, int age)
{
    const std::string id = gen.hex_id();
    boost::json::object subscription{
        {"id", gen.hex_id()},
        {"displayed_as", "Accounting Standard"},
        {"active", active_subscription},
        {"status", active_subscription ? "active" : "cancelled"},
        {"created_at", stamp(age)},
        {"updated_at", stamp(age + 24)},
    };
    return {
        {"id", id},
        {"displayed_as", name},
        {"$path", "/businesses/" + id},
        {"name", name},
        {"address_line_1", "1 Sandbox Street"},
        {"address_line_2", ""},
        {"city", "Newcastle upon Tyne"},
        {"postal_code", "NE1 1AA"},
        {"region", "Tyne and Wear"},
        {"country", boost::json::object{{"id", "GB"}, {"displayed_as", "United Kingdom (GB)"}}},
        {"telephone", "0191 000 0000"},
        {"mobile", ""},
        {"website", "https://sandbox.invalid"},
        {"is_demo", false},
        {"ni_based", false},
        {"subscriptions", boost::json::array{std::move(subscription)}},
        {"created_at", stamp(age)},
        {"updated_at", stamp(age + 48)},
    };
}

} // namespace

const boost::json::object* seed_data::business(std::string_view id) const
{
    for (const auto& b : businesses)
        if (b.at("id").as_string() == id)
            return &b;
    return nullptr;
}

std::vector<std::string> seed_data::business_ids() const
{
    std::vector<std::string> out;
    for (const auto& b : businesses)
        out.emplace_back(b.at("id").as_string());
    return out;
}

seed_data make_seed_data(std::uint64_t seed)
{
    generator gen(seed);
    seed_data data;
    const std::string user_id = gen.hex_id();
    data.user = {
        {"id", user_id},
        {"displayed_as", "Sam Sandbox"},
        {"first_name", "Sam"},
        {"last_name", "Sandbox"},
        {"initials", "SS"},
        {"email", "sam.sandbox@example.com"},
        {"locale", "en-GB"},
        {"created_at", stamp(-24 * 400)},
        {"updated_at", stamp(-24 * 30)},
    };
    data.businesses.push_back(make_business(gen, "Sandbox Trading Ltd", true, -24 * 365));
    data.businesses.push_back(make_business(gen, "Sandbox Consulting LLP", true, -24 * 200));
    data.lead_business_id = std::string(data.businesses.front().at("id").as_string());
    return data;
}

} // namespace sage_sandbox
