// The entity catalogue generated from Sage's OpenAPI descriptions: what it holds for the collections
// the connector's users read most, the corrections to the description (envelope spellings), and a
// JSON Schema for every entity that python3-jsonschema accepts as draft 2020-12.
#define BOOST_TEST_MODULE sage_catalogue
#include <boost/test/unit_test.hpp>

#include "process.hpp"
#include "sage/sage_catalogue.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>

namespace {

const sage::entity_spec& entity(std::string_view name)
{
    const sage::entity_spec* found = sage::find_entity(name);
    BOOST_TEST_REQUIRE(found != nullptr, "no entity " << name);
    return *found;
}

std::set<std::string> property_names(const std::string& schema_text, std::string_view definition)
{
    const auto schema = boost::json::parse(schema_text).as_object();
    std::set<std::string> names;
    for (const auto& p : schema.at("$defs").as_object().at(definition).as_object().at("properties").as_object())
        names.insert(std::string(p.key()));
    return names;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_paged_collection_of_the_description_and_businesses)
{
    const auto all = sage::sage_catalogue();
    // 75 paged collections in accounts-v3.1 (the 5 settings singletons are not collections) + businesses.
    BOOST_TEST(all.size() == 76u);
    std::set<std::string_view> names;
    for (const auto& e : all)
        BOOST_TEST(names.insert(e.name).second, "duplicate entity " << e.name);
    for (std::string_view wanted :
         {"contacts", "sales_invoices", "sales_credit_notes", "purchase_invoices", "contact_payments",
          "contact_allocations", "ledger_accounts", "ledger_entries", "transactions", "journals", "bank_accounts",
          "bank_transfers", "products", "services", "tax_rates", "businesses"})
        BOOST_TEST(names.count(wanted) == 1u, "missing " << wanted);
    BOOST_TEST(sage::find_entity("business_settings") == nullptr); // a single object, not a collection
    BOOST_TEST(sage::find_entity("Contacts") == nullptr);          // names are Sage's, exactly
}

BOOST_AUTO_TEST_CASE(capabilities_come_from_the_query_parameters)
{
    const auto& contacts = entity("contacts");
    BOOST_TEST(contacts.title == "Contacts");
    BOOST_TEST(contacts.incremental);
    BOOST_TEST(contacts.deletions);
    BOOST_TEST(!contacts.date_range);
    BOOST_TEST(contacts.search);
    BOOST_TEST(contacts.sort_fields.empty());
    BOOST_TEST(contacts.accepts_filter("contact_type_id"));
    BOOST_TEST(!contacts.accepts_filter("page")); // paging, attributes and cursors are the reader's own

    const auto& invoices = entity("sales_invoices");
    BOOST_TEST(invoices.date_range);
    BOOST_TEST(invoices.sortable_by("updated_at"));
    BOOST_TEST(invoices.sortable_by("due_date"));
    BOOST_TEST(invoices.accepts_filter("status_id"));

    const auto& entries = entity("ledger_entries");
    BOOST_TEST(entries.incremental);
    BOOST_TEST(!entries.deletions); // the description declares no deleted_since for ledger entries

    const auto& currencies = entity("currencies");
    BOOST_TEST(!currencies.incremental); // read in full, resumed by page
    BOOST_TEST(currencies.paged);
}

BOOST_AUTO_TEST_CASE(tiers_come_from_endpoint_availability)
{
    const auto info = sage::to_entity_info(entity("contacts"));
    BOOST_TEST(info.tiers.size() == 3u);
    BOOST_TEST((std::find(info.tiers.begin(), info.tiers.end(), "Accounting Start") != info.tiers.end()));
    BOOST_TEST(info.primary_key == std::vector<std::string>{"id"});
    BOOST_TEST(info.cursor_field == "updated_at");
    BOOST_TEST(sage::to_entity_info(entity("currencies")).cursor_field.empty());
}

BOOST_AUTO_TEST_CASE(businesses_is_corrected_as_sage_answers)
{
    const auto& businesses = entity("businesses");
    BOOST_TEST(businesses.page_size_key == "$items_per_page");
    BOOST_TEST(!businesses.paged);
    BOOST_TEST(!businesses.per_business);
    BOOST_TEST(entity("contacts").page_size_key == "$itemsPerPage");
}

BOOST_AUTO_TEST_CASE(record_schemas_carry_sages_field_names)
{
    const auto contact = property_names(sage::record_json_schema(entity("contacts")), "Contact");
    for (const char* field : {"id", "displayed_as", "$path", "created_at", "updated_at", "name", "reference",
                              "contact_types", "deleted_at"})
        BOOST_TEST(contact.count(field) == 1u, "Contact lacks " << field);
    const auto invoice = property_names(sage::record_json_schema(entity("sales_invoices")), "SalesInvoice");
    BOOST_TEST(invoice.count("invoice_lines") == 1u);
    BOOST_TEST(invoice.count("total_amount") == 1u);
}

BOOST_AUTO_TEST_CASE(every_schema_is_valid_json_schema)
{
    test_support::temp_dir dir;
    for (const auto& e : sage::sage_catalogue()) {
        std::ofstream out(dir.path() / (std::string(e.name) + ".json"));
        out << sage::record_json_schema(e);
    }
    const auto run = test_support::run_process({SYSTEM_PYTHON, JSON_SCHEMA_CHECKER, dir.path().string()});
    BOOST_TEST_INFO(run.out << run.err);
    BOOST_TEST(run.exit_code == 0);
    BOOST_TEST(run.out.find("76 schemas valid") != std::string::npos);
}
