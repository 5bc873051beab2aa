#include "seed_data.hpp"

#include "sandbox_clock.hpp"

#include <boost/json/array.hpp>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace sage_sandbox {
namespace {

constexpr std::array<const char*, 12> first_names{"Alice",  "Bilal", "Chloe", "Dmitri", "Esme", "Farah",
                                                  "George", "Hana",  "Ivan",  "Jade",   "Kofi", "Laura"};
constexpr std::array<const char*, 10> last_names{"Archer",   "Baker", "Carter", "Dawson", "Evans",
                                                 "Fletcher", "Green", "Hughes", "Iqbal",  "Jones"};
constexpr std::array<const char*, 8> company_words{"Trading",     "Supplies", "Logistics", "Foods",
                                                   "Engineering", "Design",   "Builders",  "Consulting"};
constexpr std::array<const char*, 6> cities{"London", "Manchester", "Leeds", "Bristol", "Glasgow", "Cardiff"};

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
    template <std::size_t N>
    const char* pick(const std::array<const char*, N>& items)
    {
        return items[engine_() % N];
    }
    std::uint64_t below(std::uint64_t n) { return engine_() % n; }

private:
    std::mt19937_64 engine_;
};

std::string stamp(int hours_after_base)
{
    // 2023-01-02T09:00:00Z plus some hours: stable, plausible, independent of when the test runs.
    const auto base = std::chrono::system_clock::time_point(std::chrono::seconds(1672650000));
    return iso8601(base + std::chrono::hours(hours_after_base));
}

boost::json::object link(std::string_view id, std::string_view displayed_as, std::string_view collection)
{
    return {
        {"id", id}, {"displayed_as", displayed_as}, {"$path", "/" + std::string(collection) + "/" + std::string(id)}};
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

boost::json::object make_contact(generator& gen, std::size_t index)
{
    const std::string id = gen.hex_id();
    const bool customer = gen.below(3) != 0;
    const std::string person = std::string(gen.pick(first_names)) + " " + gen.pick(last_names);
    const std::string name = std::string(gen.pick(last_names)) + " " + gen.pick(company_words) + " Ltd";
    char reference[16];
    std::snprintf(reference, sizeof reference, "%s%05zu", customer ? "CUS" : "SUP", index + 1);
    const std::string city = gen.pick(cities);
    const int age = static_cast<int>(index) * 5;
    std::string email = person;
    for (auto& c : email)
        c = c == ' ' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    email += "@example.com";
    const std::string address_id = gen.hex_id();
    const std::string person_id = gen.hex_id();
    return {
        {"id", id},
        {"displayed_as", name + " (" + reference + ")"},
        {"$path", "/contacts/" + id},
        {"created_at", stamp(age)},
        {"updated_at", stamp(age + 2)},
        {"contact_types", boost::json::array{customer ? link("CUSTOMER", "Customer", "contact_types")
                                                      : link("VENDOR", "Supplier", "contact_types")}},
        {"name", name},
        {"reference", reference},
        {"tax_number", "GB" + std::to_string(100000000 + gen.below(899999999))},
        {"notes", ""},
        {"locale", "en"},
        {"email", email},
        {"balance", static_cast<double>(gen.below(1000000)) / 100.0},
        {"credit_limit", customer ? 5000.0 : 0.0},
        {"credit_days", 30},
        {"currency", link("GBP", "Pound Sterling (GBP)", "currencies")},
        {"main_address",
         boost::json::object{
             {"id", address_id},
             {"displayed_as", std::to_string(index + 1) + " High Street\n" + city},
             {"$path", "/addresses/" + address_id},
             {"address_line_1", std::to_string(index + 1) + " High Street"},
             {"address_line_2", ""},
             {"city", city},
             {"postal_code", "AB1 2CD"},
             {"region", ""},
             {"country", link("GB", "United Kingdom (GB)", "countries")},
             {"is_main_address", true},
         }},
        {"main_contact_person",
         boost::json::object{
             {"id", person_id},
             {"displayed_as", person},
             {"$path", "/contact_persons/" + person_id},
             {"name", person},
             {"email", email},
             {"telephone", "01632 960" + std::to_string(100 + index % 900)},
             {"is_main_contact", true},
         }},
        {"deletable", true},
        {"system", false},
        {"gdpr_obfuscated", false},
        {"has_unfinished_recurring_invoices", false},
        {"cis_registered", false},
        {"ni_based", false},
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

seed_data make_seed_data(std::size_t contacts, std::uint64_t seed)
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
    for (std::size_t b = 0; b < data.businesses.size(); ++b) {
        const std::string id(data.businesses[b].at("id").as_string());
        auto& list = data.contacts[id];
        const std::size_t n = b == 0 ? contacts : 3;
        list.reserve(n);
        for (std::size_t i = 0; i < n; ++i)
            list.push_back(make_contact(gen, i));
    }
    return data;
}

} // namespace sage_sandbox
