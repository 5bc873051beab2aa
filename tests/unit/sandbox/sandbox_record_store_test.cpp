// The sandbox's data without HTTP: generated records (deterministic, Sage's field names, real
// references, invertible ids, two businesses), the record store's paging, filters with Sage's
// inclusive/exclusive rules, sorting, changes (create, update, delete, reset), and a million records
// in little memory.
#define BOOST_TEST_MODULE sandbox_record_store
#include <boost/test/unit_test.hpp>

#include "openapi_properties.hpp"
#include "record_store.hpp"
#include "sandbox_clock.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

using namespace sage_sandbox;

namespace {

const std::string business_a(32, 'a');
const std::string business_b(32, 'b');

record_generator make_generator(std::size_t lead, std::uint64_t seed = 11, std::size_t other = 5)
{
    return record_generator(seed, {business_a, business_b}, {lead, other}, {std::nullopt, std::nullopt});
}

const entity_kind& kind(std::string_view name)
{
    const entity_kind* e = find_entity(name);
    BOOST_REQUIRE(e != nullptr);
    return *e;
}

std::string str(const boost::json::value& v)
{
    return std::string(v.as_string());
}

std::int64_t seconds_of(const boost::json::value& v)
{
    auto ms = parse_iso8601_ms(v.as_string());
    BOOST_REQUIRE(ms.has_value());
    return *ms / 1000;
}

// Every record of a query, page by page (per_page at a time), as ids.
std::vector<std::string> all_ids(const record_store& store, const entity_kind& entity, const record_query& query,
                                 std::size_t per_page, std::size_t business = 0)
{
    std::vector<std::string> ids;
    const list_result first = store.list(business, entity, query, 1, per_page);
    const std::size_t pages = first.total == 0 ? 1 : (first.total + per_page - 1) / per_page;
    for (std::size_t page = 1; page <= pages; ++page)
        for (const auto& item : store.list(business, entity, query, page, per_page).items)
            ids.push_back(str(item.at("id")));
    BOOST_TEST(ids.size() == first.total);
    return ids;
}

std::vector<boost::json::object> truth(const record_store& store, const entity_kind& entity, std::size_t business = 0)
{
    std::vector<boost::json::object> out;
    store.for_each_live(business, entity, [&](const boost::json::object& r) { out.push_back(r); });
    return out;
}

// Kilobytes of resident memory (VmRSS) of this process.
std::size_t resident_kib()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) {
            std::istringstream in(line.substr(6));
            std::size_t kib = 0;
            in >> kib;
            return kib;
        }
    return 0;
}

// The definition of an entity's records in Sage's OpenAPI description.
std::string definition_of(std::string_view entity)
{
    static const std::map<std::string_view, std::string> names{
        {"contacts", "Contact"},
        {"sales_invoices", "SalesInvoice"},
        {"sales_credit_notes", "SalesCreditNote"},
        {"purchase_invoices", "PurchaseInvoice"},
        {"contact_payments", "ContactPayment"},
        {"contact_allocations", "ContactAllocation"},
        {"ledger_accounts", "LedgerAccount"},
        {"ledger_entries", "LedgerEntry"},
        {"transactions", "Transaction"},
        {"journals", "Journal"},
        {"bank_accounts", "BankAccount"},
        {"bank_transfers", "BankTransfer"},
        {"products", "Product"},
        {"services", "Service"},
        {"tax_rates", "TaxRate"},
    };
    return names.at(entity);
}

std::set<std::string> declared(const std::string& definition)
{
    std::set<std::string> out;
    std::istringstream in(testing::openapi_properties().at(definition));
    for (std::string name; in >> name;)
        out.insert(name);
    return out;
}

void check_fields(const boost::json::object& record, const std::string& definition, const std::string& where)
{
    const std::set<std::string> names = declared(definition);
    for (const auto& [key, value] : record)
        BOOST_TEST(names.contains(std::string(key)),
                   where << " has '" << key << "', which " << definition << " does not declare");
}

} // namespace

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_data_and_another_seed_other_data)
{
    const record_generator one = make_generator(30), two = make_generator(30), other = make_generator(30, 12);
    for (const auto& entity : entities())
        for (std::size_t i = 0; i < 30; ++i) {
            BOOST_TEST(boost::json::serialize(one.record(0, entity, i)) ==
                       boost::json::serialize(two.record(0, entity, i)));
            BOOST_TEST(one.id(0, entity, i) != other.id(0, entity, i));
        }
}

BOOST_AUTO_TEST_CASE(ids_are_32_hex_digits_unique_and_resolve_to_their_record)
{
    const record_generator gen = make_generator(500);
    std::set<std::string> seen;
    for (const auto& entity : entities())
        for (std::size_t b = 0; b < 2; ++b)
            for (std::size_t i = 0; i < gen.count(b, entity); ++i) {
                const std::string id = gen.id(b, entity, i);
                BOOST_TEST(id.size() == 32u);
                BOOST_TEST(id.find_first_not_of("0123456789abcdef") == std::string::npos);
                BOOST_TEST(seen.insert(id).second, "duplicate id " << id);
                BOOST_TEST((gen.index_of(b, entity, id) == std::optional<std::size_t>(i)));
                BOOST_TEST(!gen.index_of(1 - b, entity, id).has_value()); // another business's id
            }
    const entity_kind& contacts = kind("contacts");
    std::string garbled = gen.id(0, contacts, 7);
    garbled[3] = garbled[3] == '0' ? '1' : '0';
    BOOST_TEST(!gen.index_of(0, contacts, garbled).has_value());
    BOOST_TEST(!gen.index_of(0, contacts, "not-an-id").has_value());
}

BOOST_AUTO_TEST_CASE(records_carry_only_fields_sage_declares_with_the_common_ones_filled)
{
    const record_generator gen = make_generator(40);
    for (const auto& entity : entities())
        for (std::size_t i = 0; i < 40; ++i) {
            const boost::json::object r = gen.record(0, entity, i);
            const std::string where = std::string(entity.name) + "[" + std::to_string(i) + "]";
            check_fields(r, definition_of(entity.name), where);
            BOOST_TEST(str(r.at("id")) == gen.id(0, entity, i));
            BOOST_TEST(str(r.at("$path")) == "/" + std::string(entity.name) + "/" + gen.id(0, entity, i));
            BOOST_TEST(!r.at("displayed_as").as_string().empty());
            BOOST_TEST(seconds_of(r.at("created_at")) == gen.stamps(0, entity, i).created_at);
            BOOST_TEST(seconds_of(r.at("updated_at")) == gen.stamps(0, entity, i).updated_at);
            BOOST_TEST(gen.stamps(0, entity, i).created_at <= gen.stamps(0, entity, i).updated_at);
            if (!entity.date_field.empty())
                BOOST_TEST(seconds_of(r.at("date")) / 86400 == gen.date_day(0, entity, i), where);
        }
    // Line items, and the shapes nested in them, as the OpenAPI describes.
    for (std::size_t i = 0; i < 40; ++i) {
        const auto invoice = gen.record(0, kind("sales_invoices"), i);
        const auto& lines = invoice.at("invoice_lines").as_array();
        BOOST_TEST(!lines.empty());
        double net = 0;
        for (const auto& line : lines) {
            check_fields(line.as_object(), "SalesInvoiceLineItem", "invoice line");
            net += line.at("net_amount").as_double();
        }
        BOOST_TEST(invoice.at("net_amount").as_double() == net, boost::test_tools::tolerance(0.001));
        // (each record bound to a name: a range over a temporary's member would dangle)
        const auto purchase = gen.record(0, kind("purchase_invoices"), i);
        for (const auto& line : purchase.at("invoice_lines").as_array())
            check_fields(line.as_object(), "PurchaseInvoiceLineItem", "purchase invoice line");
        const auto credit_note = gen.record(0, kind("sales_credit_notes"), i);
        for (const auto& line : credit_note.at("credit_note_lines").as_array())
            check_fields(line.as_object(), "SalesCreditNoteLineItem", "credit note line");
        const auto journal = gen.record(0, kind("journals"), i);
        for (const auto& line : journal.at("journal_lines").as_array())
            check_fields(line.as_object(), "JournalLine", "journal line");
        const auto payment = gen.record(0, kind("contact_payments"), i);
        for (const auto& a : payment.at("allocated_artefacts").as_array())
            check_fields(a.as_object(), "AllocatedPaymentArtefact", "payment allocation");
        const auto allocation = gen.record(0, kind("contact_allocations"), i);
        for (const auto& a : allocation.at("allocated_artefacts").as_array())
            check_fields(a.as_object(), "AllocatedArtefact", "allocation");
        const auto product = gen.record(0, kind("products"), i);
        for (const auto& p : product.at("sales_prices").as_array())
            check_fields(p.as_object(), "SalesPrice", "sales price");
        const auto service = gen.record(0, kind("services"), i);
        for (const auto& p : service.at("sales_rates").as_array())
            check_fields(p.as_object(), "Rate", "sales rate");
        const auto contact = gen.record(0, kind("contacts"), i);
        check_fields(contact.at("main_address").as_object(), "Address", "main address");
        check_fields(contact.at("main_contact_person").as_object(), "ContactPerson", "main contact person");
        check_fields(gen.record(0, kind("bank_accounts"), i).at("bank_account_details").as_object(),
                     "BankAccountDetails", "bank account details");
    }
}

BOOST_AUTO_TEST_CASE(references_name_real_records_of_the_same_business)
{
    const record_store store(make_generator(60));
    for (const char* name : {"sales_invoices", "sales_credit_notes", "purchase_invoices", "contact_payments",
                             "contact_allocations", "ledger_entries", "transactions"}) {
        for (const auto& r : truth(store, kind(name))) {
            const auto& contact = r.at("contact").as_object();
            const auto found = store.find(0, kind("contacts"), str(contact.at("id")));
            BOOST_REQUIRE(found.has_value());
            BOOST_TEST(found->at("displayed_as") == contact.at("displayed_as"));
            BOOST_TEST(str(contact.at("$path")) == "/contacts/" + str(contact.at("id")));
        }
    }
    for (const auto& r : truth(store, kind("sales_invoices"))) {
        BOOST_TEST(store.find(0, kind("transactions"), str(r.at("transaction").at("id"))).has_value());
        for (const auto& line : r.at("invoice_lines").as_array()) {
            BOOST_TEST(store.find(0, kind("ledger_accounts"), str(line.at("ledger_account").at("id"))).has_value());
            BOOST_TEST(store.find(0, kind("tax_rates"), str(line.at("tax_rate").at("id"))).has_value());
            const auto& item = line.at("product").is_null() ? line.at("service") : line.at("product");
            BOOST_TEST(store.find(0, kind(line.at("product").is_null() ? "services" : "products"), str(item.at("id")))
                           .has_value());
        }
    }
    // The other business's invoices point at its own contacts.
    for (const auto& r : truth(store, kind("sales_invoices"), 1))
        BOOST_TEST(store.find(1, kind("contacts"), str(r.at("contact").at("id"))).has_value());
}

BOOST_AUTO_TEST_CASE(the_two_businesses_hold_different_records)
{
    const record_store store(make_generator(8, 11, 5));
    BOOST_TEST(store.live_count(0, kind("contacts")) == 8u);
    BOOST_TEST(store.live_count(1, kind("contacts")) == 5u);
    const auto a = truth(store, kind("contacts"), 0);
    const auto b = truth(store, kind("contacts"), 1);
    for (std::size_t i = 0; i < b.size(); ++i)
        BOOST_TEST(a[i].at("id") != b[i].at("id"));
    BOOST_TEST((store.business_index(business_b) == std::optional<std::size_t>(1)));
    BOOST_TEST(!store.business_index(std::string(32, 'c')).has_value());
}

BOOST_AUTO_TEST_CASE(a_page_past_the_end_is_the_last_page_again)
{
    const record_store store(make_generator(45));
    const entity_kind& contacts = kind("contacts");
    const list_result last = store.list(0, contacts, {}, 3, 20);
    BOOST_TEST(last.total == 45u);
    BOOST_TEST(last.page == 3u);
    BOOST_TEST(last.items.size() == 5u);
    const list_result past = store.list(0, contacts, {}, 99, 20);
    BOOST_TEST(past.page == 3u);
    BOOST_TEST(past.items.size() == 5u);
    BOOST_TEST(past.items[0].at("id") == last.items[0].at("id"));
    // Every record exactly once across pages, whatever the page size, in creation order.
    const auto expected = truth(store, contacts);
    for (std::size_t per_page : {1u, 7u, 20u, 45u, 200u}) {
        const auto ids = all_ids(store, contacts, {}, per_page);
        BOOST_REQUIRE_EQUAL(ids.size(), expected.size());
        for (std::size_t i = 0; i < ids.size(); ++i)
            BOOST_TEST(ids[i] == str(expected[i].at("id")));
    }
    // An empty collection has one (empty) page.
    const record_store empty(make_generator(0));
    const list_result none = empty.list(0, contacts, {}, 5, 20);
    BOOST_TEST(none.total == 0u);
    BOOST_TEST(none.page == 1u);
    BOOST_TEST(none.items.empty());
}

BOOST_AUTO_TEST_CASE(updated_or_created_since_is_inclusive)
{
    const record_store store(make_generator(300));
    const entity_kind& invoices = kind("sales_invoices");
    const auto all = truth(store, invoices);
    const std::int64_t boundary = seconds_of(all[150].at("updated_at"));
    for (std::int64_t since_ms : {boundary * 1000, boundary * 1000 + 1, boundary * 1000 - 1}) {
        record_query q;
        q.updated_or_created_since_ms = since_ms;
        std::set<std::string> expected;
        for (const auto& r : all)
            if (seconds_of(r.at("updated_at")) * 1000 >= since_ms)
                expected.insert(str(r.at("id")));
        const auto got = all_ids(store, invoices, q, 17);
        BOOST_TEST(std::set<std::string>(got.begin(), got.end()) == expected);
        BOOST_TEST(got.size() == expected.size());
        const bool boundary_included = std::find(got.begin(), got.end(), str(all[150].at("id"))) != got.end();
        BOOST_TEST(boundary_included == (since_ms <= boundary * 1000)); // at the very time: included
    }
}

BOOST_AUTO_TEST_CASE(deleted_since_is_exclusive_and_lists_only_deletions)
{
    record_store store(make_generator(20));
    const entity_kind& products = kind("products");
    const auto all = truth(store, products);
    const std::int64_t t = 1800000000;
    BOOST_REQUIRE(store.remove(0, products, str(all[3].at("id")), t).has_value());
    BOOST_REQUIRE(store.remove(0, products, str(all[9].at("id")), t + 5).has_value());
    BOOST_TEST(!store.remove(0, products, str(all[3].at("id")), t + 6).has_value()); // already gone

    record_query q;
    q.deleted_since_ms = t * 1000; // exactly the first deletion: not included
    list_result r = store.list(0, products, q, 1, 20);
    BOOST_REQUIRE_EQUAL(r.total, 1u);
    BOOST_TEST(r.items[0].at("id") == all[9].at("id"));
    BOOST_TEST(r.items[0].size() == 2u); // {"id","deleted_at"}
    BOOST_TEST(seconds_of(r.items[0].at("deleted_at")) == t + 5);
    q.deleted_since_ms = t * 1000 - 1;
    r = store.list(0, products, q, 1, 20);
    BOOST_REQUIRE_EQUAL(r.total, 2u);
    BOOST_TEST(r.items[0].at("id") == all[3].at("id")); // in deletion order
    q.deleted_since_ms = (t + 5) * 1000;
    BOOST_TEST(store.list(0, products, q, 1, 20).total == 0u);
}

BOOST_AUTO_TEST_CASE(from_date_and_to_date_filter_the_document_date_inclusively)
{
    const record_store store(make_generator(200));
    const entity_kind& payments = kind("contact_payments");
    const auto all = truth(store, payments);
    const std::int64_t from = seconds_of(all[50].at("date")) / 86400;
    const std::int64_t to = seconds_of(all[120].at("date")) / 86400;
    record_query q;
    q.from_day = from;
    q.to_day = to;
    std::set<std::string> expected;
    for (const auto& r : all) {
        const std::int64_t d = seconds_of(r.at("date")) / 86400;
        if (d >= from && d <= to)
            expected.insert(str(r.at("id")));
    }
    const auto got = all_ids(store, payments, q, 30);
    BOOST_TEST(std::set<std::string>(got.begin(), got.end()) == expected);
    BOOST_TEST(expected.contains(str(all[50].at("id"))));
    BOOST_TEST(expected.contains(str(all[120].at("id"))));
    BOOST_TEST(expected.size() < all.size());
}

BOOST_AUTO_TEST_CASE(search_matches_names_references_and_codes_case_insensitively)
{
    const record_store store(make_generator(100));
    record_query q;
    q.search = "cus0000";
    const auto got = all_ids(store, kind("contacts"), q, 50);
    BOOST_TEST(!got.empty());
    for (const auto& id : got)
        BOOST_TEST(str(store.find(0, kind("contacts"), id)->at("reference")).rfind("CUS0000", 0) == 0u);
    q.search = "P000012";
    const auto products = all_ids(store, kind("products"), q, 50);
    BOOST_REQUIRE_EQUAL(products.size(), 1u);
    BOOST_TEST(str(store.find(0, kind("products"), products[0])->at("item_code")) == "P000012");
}

BOOST_AUTO_TEST_CASE(sort_orders_by_the_declared_fields_both_ways)
{
    const record_store store(make_generator(150));
    const entity_kind& invoices = kind("sales_invoices");
    for (const char* field : {"updated_at", "created_at", "date", "due_date"})
        for (bool descending : {false, true}) {
            record_query q;
            q.sort_field = field;
            q.descending = descending;
            const auto ids = all_ids(store, invoices, q, 40);
            BOOST_REQUIRE_EQUAL(ids.size(), 150u);
            std::int64_t previous = descending ? INT64_MAX : INT64_MIN;
            for (const auto& id : ids) {
                const std::int64_t value = seconds_of(store.find(0, invoices, id)->at(field));
                BOOST_TEST((descending ? value <= previous : value >= previous), field << " out of order");
                previous = value;
            }
        }
}

BOOST_AUTO_TEST_CASE(changes_show_in_lists_finds_and_the_ground_truth)
{
    record_store store(make_generator(30));
    const entity_kind& contacts = kind("contacts");
    const auto before = truth(store, contacts);
    const std::int64_t now = 1900000000;

    // update: fields replaced, updated_at is the change's time, identity kept
    const std::string id = str(before[4].at("id"));
    const auto updated = store.update(0, contacts, id, {{"name", "Renamed Ltd"}, {"id", "ignored"}}, now);
    BOOST_REQUIRE(updated.has_value());
    BOOST_TEST(str(updated->at("name")) == "Renamed Ltd");
    BOOST_TEST(str(updated->at("id")) == id);
    BOOST_TEST(seconds_of(updated->at("updated_at")) == now);
    BOOST_TEST(updated->at("created_at") == before[4].at("created_at"));
    BOOST_TEST(str(store.find(0, contacts, id)->at("name")) == "Renamed Ltd");
    record_query since;
    since.updated_or_created_since_ms = now * 1000;
    BOOST_TEST(all_ids(store, contacts, since, 10) == std::vector<std::string>{id});

    // create: appended, with a fresh id, found, shaped like a generated record
    const auto created = store.create(0, contacts, {{"name", "Brand New Ltd"}}, now + 1);
    const std::string new_id = str(created.at("id"));
    BOOST_TEST(new_id.size() == 32u);
    BOOST_TEST(str(created.at("$path")) == "/contacts/" + new_id);
    BOOST_TEST(created.contains("main_address"));
    BOOST_TEST(seconds_of(created.at("created_at")) == now + 1);
    BOOST_TEST(store.find(0, contacts, new_id).has_value());
    BOOST_TEST(all_ids(store, contacts, {}, 7).back() == new_id);

    // delete: gone from lists and finds, kept as a deletion; paging still yields each live record once
    for (std::size_t i : {0u, 6u, 7u, 13u, 29u})
        BOOST_REQUIRE(store.remove(0, contacts, str(before[i].at("id")), now + 2).has_value());
    BOOST_TEST(!store.find(0, contacts, str(before[6].at("id"))).has_value());
    BOOST_TEST(!store.update(0, contacts, str(before[6].at("id")), {}, now + 3).has_value());
    const auto live = truth(store, contacts);
    BOOST_TEST(live.size() == 26u);
    BOOST_TEST(store.live_count(0, contacts) == 26u);
    BOOST_TEST(store.deletions(0, contacts).size() == 5u);
    for (std::size_t per_page : {1u, 4u, 7u, 20u}) {
        const auto ids = all_ids(store, contacts, {}, per_page);
        BOOST_REQUIRE_EQUAL(ids.size(), live.size());
        for (std::size_t i = 0; i < ids.size(); ++i)
            BOOST_TEST(ids[i] == str(live[i].at("id")));
    }
    // Summaries: the same records, five fields each, edited ones included.
    std::vector<boost::json::object> summaries;
    store.for_each_live(
        0, contacts, [&](const boost::json::object& r) { summaries.push_back(r); }, true);
    BOOST_REQUIRE_EQUAL(summaries.size(), live.size());
    for (std::size_t i = 0; i < live.size(); ++i) {
        BOOST_TEST(summaries[i].size() == 5u);
        for (const char* field : {"id", "displayed_as", "$path", "created_at", "updated_at"})
            BOOST_TEST(summaries[i].at(field) == live[i].at(field));
    }
    // The other business is untouched; reset forgets every change.
    BOOST_TEST(store.live_count(1, contacts) == 5u);
    store.reset();
    BOOST_TEST(store.live_count(0, contacts) == 30u);
    BOOST_TEST(store.deletions(0, contacts).empty());
    BOOST_TEST(!store.find(0, contacts, new_id).has_value());
    BOOST_TEST(store.find(0, contacts, id)->at("name") == before[4].at("name"));
    BOOST_TEST(all_ids(store, contacts, since, 10).empty()); // a view cached before the reset is not reused
}

BOOST_AUTO_TEST_CASE(a_million_records_take_little_memory)
{
    const std::size_t before = resident_kib();
    record_store store(make_generator(1000000));
    const entity_kind& contacts = kind("contacts");
    BOOST_TEST(store.live_count(0, contacts) == 1000000u);
    const list_result last = store.list(0, contacts, {}, 5000, 200);
    BOOST_TEST(last.total == 1000000u);
    BOOST_TEST(last.items.size() == 200u);
    BOOST_TEST(str(last.items.back().at("id")) == store.generator().id(0, contacts, 999999));
    // A filtered, sorted view over all of them: one scan, 4 bytes a match.
    record_query q;
    q.updated_or_created_since_ms = std::int64_t{1672650000} * 1000;
    q.sort_field = "updated_at";
    const list_result sorted = store.list(0, kind("sales_invoices"), q, 2, 200);
    BOOST_TEST(sorted.total == 1000000u);
    BOOST_TEST(sorted.items.size() == 200u);
    // Changes are an overlay: deleting and updating a few records stores only those.
    BOOST_REQUIRE(store.remove(0, contacts, store.generator().id(0, contacts, 500000), 1900000000).has_value());
    BOOST_TEST(store.list(0, contacts, {}, 5000, 200).items.size() == 199u);
    const std::size_t after = resident_kib();
    // Stored as JSON, a million contacts alone would take gigabytes.
    BOOST_TEST(after - std::min(after, before) < 100u * 1024, "resident memory grew by " << (after - before) << " KiB");
}
