// A page of a Sage collection read as Sage sends it: the envelope, every item's JSON text exactly as
// received (numbers, spacing and key order untouched), ids and instants; hostile answers refused.
#define BOOST_TEST_MODULE collection_page
#include <boost/test/unit_test.hpp>

#include "sage/collection_page.hpp"
#include "sdk_printing.hpp"

#include <connector_support/iso8601.hpp>

using sage::parse_collection_page;

BOOST_AUTO_TEST_CASE(items_keep_the_bytes_sage_sent)
{
    const std::string body =
        R"({"$total": 3, "$page": 1, "$next": "/contacts?page=2&items_per_page=2", "$back": null,)"
        R"( "$itemsPerPage": 2, "$items": [ {"id":"a1","balance":12.50,"name":"Caf\u00e9 \"Ltd\"",)"
        R"("updated_at":"2026-12-01T10:00:00Z","nested":{"x":[1,2,{"y":"]}"}]}} ,)"
        R"({"id": "b2", "updated_at": "2026-12-01T11:00:00+01:00", "deleted_at": null} ]})";
    auto page = parse_collection_page(body, "contacts");
    BOOST_TEST_REQUIRE(page.has_value());
    BOOST_TEST(*page->total == 3u);
    BOOST_TEST(*page->page == 1u);
    BOOST_TEST(*page->items_per_page == 2u);
    BOOST_TEST(page->has_next);
    BOOST_TEST_REQUIRE(page->items.size() == 2u);
    BOOST_TEST(
        page->raw(page->items[0]) ==
        R"({"id":"a1","balance":12.50,"name":"Caf\u00e9 \"Ltd\"","updated_at":"2026-12-01T10:00:00Z","nested":{"x":[1,2,{"y":"]}"}]}})");
    BOOST_TEST(page->raw(page->items[1]) ==
               R"({"id": "b2", "updated_at": "2026-12-01T11:00:00+01:00", "deleted_at": null})");
    BOOST_TEST(page->items[0].id == "a1");
    BOOST_TEST(connector_support::iso8601_text(*page->items[1].updated_at) == "2026-12-01T10:00:00Z");
    BOOST_TEST(!page->items[1].deleted_at.has_value());
}

BOOST_AUTO_TEST_CASE(the_last_page_has_no_next_and_businesses_spell_items_per_page_their_way)
{
    auto page = parse_collection_page(
        R"({"$total":1,"$page":1,"$next":null,"$back":null,"$items_per_page":20,"$items":[{"id":"b"}]})", "businesses");
    BOOST_TEST_REQUIRE(page.has_value());
    BOOST_TEST(!page->has_next);
    BOOST_TEST(*page->items_per_page == 20u);
}

BOOST_AUTO_TEST_CASE(an_escaped_items_key_is_still_read)
{
    auto page = parse_collection_page(R"({"\u0024items":[{"id":"x","amount":1.0}],"$next":null})", "contacts");
    BOOST_TEST_REQUIRE(page.has_value());
    BOOST_TEST_REQUIRE(page->items.size() == 1u);
    BOOST_TEST(page->items[0].id == "x");
    BOOST_TEST(page->raw(page->items[0]).find("\"id\":\"x\"") != std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(answers_that_are_not_sages_are_refused_with_the_reason)
{
    auto check = [](const std::string& body, const std::string& reason) {
        auto page = parse_collection_page(body, "contacts");
        BOOST_TEST_REQUIRE(!page.has_value(), body);
        BOOST_TEST(page.error().category == connector_sdk::error_category::remote);
        BOOST_TEST(page.error().message.find(reason) != std::string::npos, page.error().message);
    };
    check("", "not valid JSON");
    check("[1,2]", "no $items list");
    check(R"({"$items":{}})", "no $items list");
    check(R"({"$items":[1]})", "not an object");
    check(R"({"$items":[{"name":"no id"}]})", "without its key (id)");
    check(R"({"$items":[{"id":""}]})", "without its key (id)");
    std::string many = R"({"$items":[)";
    for (int i = 0; i < 1001; ++i)
        many += std::string(i ? "," : "") + R"({"id":"x"})";
    check(many + "]}", "more than Sage ever sends");
}

BOOST_AUTO_TEST_CASE(the_envelope_and_keys_are_read_whatever_their_order_and_spelling)
{
    // $items_per_page (the /businesses spelling) before $itemsPerPage: the camel-case one wins either
    // way; an integer key is its decimal text; escapes in a key's text and backslash runs before a
    // quote do not lose the item's bounds; deeper members named like the wanted ones are not read.
    const std::string body =
        R"({"$items":[{"nested":{"id":"inner","updated_at":"2020-01-01T00:00:00Z"},"id":42,"note":"a\\"},)"
        R"({"id":"c\u0033","note":"\\\"q\\\\\"","updated_at":"2026-12-01T10:00:00Z"}],)"
        R"("$items_per_page":20,"$itemsPerPage":2,"$total":-1,"$page":1.0,"$next":{"href":"x"}})";
    auto page = parse_collection_page(body, "contacts");
    BOOST_TEST_REQUIRE(page.has_value(), page.error().message);
    BOOST_TEST(*page->items_per_page == 2u);
    BOOST_TEST(!page->total.has_value());
    BOOST_TEST(!page->page.has_value());
    BOOST_TEST(page->has_next);
    BOOST_TEST_REQUIRE(page->items.size() == 2u);
    BOOST_TEST(page->items[0].id == "42");
    BOOST_TEST(!page->items[0].updated_at.has_value());
    BOOST_TEST(page->raw(page->items[0]) ==
               R"({"nested":{"id":"inner","updated_at":"2020-01-01T00:00:00Z"},"id":42,"note":"a\\"})");
    BOOST_TEST(page->items[1].id == "c3");
    BOOST_TEST(page->raw(page->items[1]) ==
               R"({"id":"c\u0033","note":"\\\"q\\\\\"","updated_at":"2026-12-01T10:00:00Z"})");
    BOOST_TEST(connector_support::iso8601_text(*page->items[1].updated_at) == "2026-12-01T10:00:00Z");
}

BOOST_AUTO_TEST_CASE(a_second_items_list_a_container_key_or_trailing_bytes_are_refused)
{
    auto refused = [](const std::string& body, const std::string& reason) {
        auto page = parse_collection_page(body, "contacts");
        BOOST_TEST_REQUIRE(!page.has_value(), body);
        BOOST_TEST(page.error().message.find(reason) != std::string::npos, page.error().message);
    };
    refused(R"({"$items":[{"id":"a"}],"$items":[{"id":"b"}]})", "no $items list");
    refused(R"({"$items":[{"id":{"value":"a"}}]})", "without its key (id)");
    refused(R"({"$items":[{"id":")" + std::string(300, 'a') + R"("}]})", "without its key (id)");
    refused(R"({"$items":[{"id":"a"}]} {})", "not valid JSON");
    refused(R"({"$items":[{"id":"a", "x": "\ud800"}]})", "not valid JSON");
    refused(R"({"$items":[{"id":"a"},]})", "not valid JSON");
    BOOST_TEST(parse_collection_page(" {\"$items\":[]}\r\n", "contacts").has_value());
    refused(R"({"$items":[[{"id":"a"}]]})", "not an object");
}

BOOST_AUTO_TEST_CASE(instants_in_both_forms_sage_sends)
{
    using connector_support::iso8601_text;
    using connector_support::parse_http_date;
    using connector_support::parse_iso8601;
    BOOST_TEST(iso8601_text(*parse_iso8601("2026-12-03T12:34:56Z")) == "2026-12-03T12:34:56Z");
    BOOST_TEST(iso8601_text(*parse_iso8601("2026-12-03T12:34:56.789-02:30")) == "2026-12-03T15:04:56Z");
    BOOST_TEST(iso8601_text(*parse_iso8601("2026-12-03T12:34Z")) == "2026-12-03T12:34:00Z");
    BOOST_TEST(iso8601_text(*parse_iso8601("2026-12-03")) == "2026-12-03T00:00:00Z");
    BOOST_TEST(iso8601_text(*parse_http_date("Thu, 03 Dec 2026 12:34:56 GMT")) == "2026-12-03T12:34:56Z");
    for (const char* bad : {"2026-12-03T12:34:56", "2026-13-01", "2026-02-30T00:00:00Z", "26-12-03",
                            "2026-12-03T24:00Z", "2026-12-03T12:34:56Zjunk", "", "1969-12-31T23:59:59Z"})
        BOOST_TEST(!parse_iso8601(bad).has_value(), bad);
    for (const char* bad : {"Thu, 03 Dec 2026 12:34:56 UTC", "Thu, 03 Foo 2026 12:34:56 GMT", "03 Dec 2026"})
        BOOST_TEST(!parse_http_date(bad).has_value(), bad);
}
