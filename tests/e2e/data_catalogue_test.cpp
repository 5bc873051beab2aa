// `sample_host entities` and `sample_host schema` of the Sage connector as a process: the catalogue
// generated from Sage's OpenAPI (every paged collection and businesses, with capabilities), in a table
// and as JSON; the JSON Schema of every entity; unknown entities refused with a clear message.
#define BOOST_TEST_MODULE e2e_data_catalogue
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"

#include <boost/json.hpp>

#include <set>

using namespace e2e;
namespace json = boost::json;

namespace {

const json::object& entity(const json::value& catalogue, std::string_view name)
{
    for (const auto& e : catalogue.at("entities").as_array())
        if (e.at("name").as_string() == name)
            return e.as_object();
    BOOST_FAIL("the catalogue has no " << name);
    throw std::logic_error("unreachable");
}

std::set<std::string> strings(const json::value& list)
{
    std::set<std::string> out;
    for (const auto& s : list.as_array())
        out.emplace(s.as_string());
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(entities_as_json)
{
    sample_host_runner host;
    const auto catalogue = host.run_json({"entities", sage_id});
    BOOST_TEST(catalogue.at("connector").as_string() == sage_id);
    const auto& list = catalogue.at("entities").as_array();
    BOOST_TEST(list.size() >= 76u, "the 75 paged collections and businesses");
    std::set<std::string> names;
    for (const auto& e : list) {
        BOOST_TEST(names.emplace(e.at("name").as_string()).second, "listed twice: " << e.at("name"));
        BOOST_TEST(!e.at("title").as_string().empty());
        // Records are keyed by id; the few Sage keys otherwise (exchange rates, by currency) by $path.
        const std::string name(e.at("name").as_string());
        const std::set<std::string> key = name.find("exchange_rates") != std::string::npos
                                              ? std::set<std::string>{"$path"}
                                              : std::set<std::string>{"id"};
        BOOST_TEST((strings(e.at("primary_key")) == key), name);
        // Incremental entities follow updated_at; the others have no cursor.
        if (e.at("incremental").as_bool())
            BOOST_TEST(e.at("cursor_field").as_string() == "updated_at");
        else
            BOOST_TEST(e.at("cursor_field").is_null(), e.at("name"));
        for (const auto& f : e.at("filters").as_array())
            BOOST_TEST(!f.at("name").as_string().empty());
    }

    const auto& contacts = entity(catalogue, "contacts");
    BOOST_TEST(contacts.at("title").as_string() == "Contacts");
    BOOST_TEST(contacts.at("incremental").as_bool());
    BOOST_TEST(contacts.at("deletions").as_bool());
    BOOST_TEST(contacts.at("search").as_bool());
    BOOST_TEST(!contacts.at("date_range").as_bool());
    BOOST_TEST(contacts.at("per_business").as_bool());
    BOOST_TEST(!contacts.at("tiers").as_array().empty());

    const auto& invoices = entity(catalogue, "sales_invoices");
    BOOST_TEST(invoices.at("date_range").as_bool());
    BOOST_TEST(strings(invoices.at("sort_fields")).count("updated_at") == 1u);
    std::set<std::string> filters;
    for (const auto& f : invoices.at("filters").as_array())
        filters.emplace(f.at("name").as_string());
    BOOST_TEST(filters.count("contact_id") == 1u);
    // The reader's own parameters are not offered as filters.
    for (const char* own : {"page", "items_per_page", "attributes", "updated_or_created_since", "deleted_since"})
        BOOST_TEST(filters.count(own) == 0u, own);

    const auto& ledger_entries = entity(catalogue, "ledger_entries");
    BOOST_TEST(!ledger_entries.at("deletions").as_bool(), "Sage declares no deleted_since on ledger_entries");

    const auto& businesses = entity(catalogue, "businesses");
    BOOST_TEST(!businesses.at("per_business").as_bool());
    BOOST_TEST(!businesses.at("incremental").as_bool());
}

BOOST_AUTO_TEST_CASE(entities_as_a_table)
{
    sample_host_runner host;
    const auto r = host.run({"entities", sage_id});
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(first_line(r.out).rfind("ENTITY", 0) == 0u, r.out);
    const auto count = host.run_json({"entities", sage_id}).at("entities").as_array().size();
    BOOST_TEST(contains(r.out, "\n" + std::to_string(count) + " entities\n"), r.out);
    BOOST_TEST(contains(r.out, "\nsales_invoices "), r.out);
}

// One process per entity costs a quarter of a second in a debug build: a spread of the catalogue
// (every fifth entity and those the other suites read) rather than all of it.
BOOST_AUTO_TEST_CASE(the_schema_of_entities_is_a_json_schema_of_their_records)
{
    sample_host_runner host;
    const auto catalogue = host.run_json({"entities", sage_id});
    const std::set<std::string> always{"contacts", "sales_invoices", "ledger_accounts", "businesses", "exchange_rates"};
    std::size_t index = 0;
    for (const auto& e : catalogue.at("entities").as_array()) {
        const std::string name(e.at("name").as_string());
        if (index++ % 5 != 0 && always.count(name) == 0)
            continue;
        const auto r = host.run({"schema", sage_id, name});
        BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
        boost::system::error_code ec;
        const auto schema = json::parse(r.out, ec);
        BOOST_TEST_REQUIRE(!ec, name << ": not JSON");
        BOOST_TEST(schema.at("$schema").as_string() == "https://json-schema.org/draft/2020-12/schema", name);
        // The record's definition, reached through $ref, lists id and the cursor field.
        const std::string ref(schema.at("$ref").as_string());
        BOOST_TEST_REQUIRE(ref.rfind("#/$defs/", 0) == 0u, name << ": " << ref);
        const auto& definition = schema.at("$defs").at(ref.substr(8)).as_object();
        BOOST_TEST(definition.at("type") == json::value("object"), name);
        const auto& properties = definition.at("properties").as_object();
        // The catalogue's primary key is a field of the record.
        for (const auto& key : e.at("primary_key").as_array())
            BOOST_TEST(properties.contains(key.as_string()), name << ": primary key " << key);
        if (e.at("incremental").as_bool())
            BOOST_TEST(properties.contains("updated_at"), name);
        // Every $ref resolves inside the document.
        std::vector<const json::value*> pending{&schema};
        while (!pending.empty()) {
            const json::value* v = pending.back();
            pending.pop_back();
            if (v->is_object()) {
                for (const auto& member : v->get_object()) {
                    if (member.key() == "$ref" && member.value().is_string()) {
                        const std::string target(member.value().get_string());
                        BOOST_TEST_REQUIRE(target.rfind("#/$defs/", 0) == 0u, name << ": " << target);
                        BOOST_TEST(schema.at("$defs").as_object().contains(target.substr(8)),
                                   name << ": " << target << " resolves nowhere");
                    }
                    pending.push_back(&member.value());
                }
            } else if (v->is_array()) {
                for (const auto& item : v->get_array())
                    pending.push_back(&item);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(an_unknown_entity_is_refused_with_the_way_to_the_list)
{
    sample_host_runner host;
    const auto r = host.run({"schema", sage_id, "contact"});
    BOOST_TEST(r.exit_code != 0, describe(r));
    BOOST_TEST(contains(r.err, "contact"), r.err);
    BOOST_TEST(r.out.empty(), r.out);
    const auto missing = host.run({"schema", sage_id});
    BOOST_TEST(missing.exit_code == 2, describe(missing));
}
