// Sage's paging quirks as the sandbox serves them, and the form/query decoding underneath.
#define BOOST_TEST_MODULE sandbox_pagination
#include <boost/test/unit_test.hpp>

#include "http_message.hpp"
#include "pagination.hpp"

#include <variant>

using namespace sage_sandbox;

namespace {

std::vector<boost::json::object> records(std::size_t n)
{
    std::vector<boost::json::object> out;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string id = "id" + std::to_string(i);
        out.push_back({{"id", id},
                       {"displayed_as", "Record " + std::to_string(i)},
                       {"$path", "/contacts/" + id},
                       {"name", "N" + std::to_string(i)},
                       {"email", "e" + std::to_string(i) + "@x"}});
    }
    return out;
}

boost::json::object page(const std::vector<boost::json::object>& all, const std::string& query,
                         envelope_spelling spelling = envelope_spelling::camel_case)
{
    auto fields = parse_form(query);
    BOOST_REQUIRE(fields);
    auto params = read_page_params(*fields);
    BOOST_REQUIRE(std::holds_alternative<page_params>(params));
    return make_page(all, std::get<page_params>(params), "/contacts", *fields, spelling);
}

std::string problem(const std::string& query)
{
    auto params = read_page_params(*parse_form(query));
    if (auto* p = std::get_if<query_problem>(&params))
        return p->parameter;
    return {};
}

} // namespace

BOOST_AUTO_TEST_CASE(first_page_defaults_to_20_items)
{
    const auto all = records(45);
    const auto p = page(all, "");
    BOOST_TEST(p.at("$total").as_int64() == 45);
    BOOST_TEST(p.at("$page").as_int64() == 1);
    BOOST_TEST(p.at("$itemsPerPage").as_int64() == 20);
    BOOST_TEST(p.at("$items").as_array().size() == 20u);
    BOOST_TEST(p.at("$back").is_null());
    BOOST_TEST(p.at("$next").as_string() == "/contacts?page=2&items_per_page=20");
    BOOST_TEST(!p.contains("$items_per_page"));
}

BOOST_AUTO_TEST_CASE(last_page_has_the_remainder_and_no_next)
{
    const auto p = page(records(45), "page=3");
    BOOST_TEST(p.at("$page").as_int64() == 3);
    BOOST_TEST(p.at("$items").as_array().size() == 5u);
    BOOST_TEST(p.at("$next").is_null());
    BOOST_TEST(p.at("$back").as_string() == "/contacts?page=2&items_per_page=20");
    BOOST_TEST(p.at("$items").as_array()[0].as_object().at("id").as_string() == "id40");
}

BOOST_AUTO_TEST_CASE(a_page_past_the_end_returns_the_last_page)
{
    const auto p = page(records(45), "page=99&items_per_page=10");
    BOOST_TEST(p.at("$page").as_int64() == 5);
    BOOST_TEST(p.at("$items").as_array().size() == 5u);
    BOOST_TEST(p.at("$next").is_null());
}

BOOST_AUTO_TEST_CASE(an_empty_collection_is_one_empty_page)
{
    const auto p = page(records(0), "page=4");
    BOOST_TEST(p.at("$total").as_int64() == 0);
    BOOST_TEST(p.at("$page").as_int64() == 1);
    BOOST_TEST(p.at("$items").as_array().empty());
    BOOST_TEST(p.at("$next").is_null());
    BOOST_TEST(p.at("$back").is_null());
}

BOOST_AUTO_TEST_CASE(exact_multiple_has_no_extra_page)
{
    const auto p = page(records(40), "page=2");
    BOOST_TEST(p.at("$items").as_array().size() == 20u);
    BOOST_TEST(p.at("$next").is_null());
}

BOOST_AUTO_TEST_CASE(items_per_page_is_1_to_200)
{
    BOOST_TEST(page(records(450), "items_per_page=200").at("$items").as_array().size() == 200u);
    BOOST_TEST(page(records(5), "items_per_page=1").at("$items").as_array().size() == 1u);
    BOOST_TEST(problem("items_per_page=201") == "items_per_page");
    BOOST_TEST(problem("items_per_page=0") == "items_per_page");
    BOOST_TEST(problem("items_per_page=ten") == "items_per_page");
    BOOST_TEST(problem("page=0") == "page");
    BOOST_TEST(problem("page=-1") == "page");
    BOOST_TEST(problem("page=1.5") == "page");
    BOOST_TEST(problem("page=2&items_per_page=50").empty());
}

BOOST_AUTO_TEST_CASE(links_keep_the_other_query_parameters)
{
    const auto p = page(records(45), "attributes=all&page=2&search=a%20b");
    BOOST_TEST(p.at("$next").as_string() == "/contacts?page=3&items_per_page=20&attributes=all&search=a%20b");
    BOOST_TEST(p.at("$back").as_string() == "/contacts?page=1&items_per_page=20&attributes=all&search=a%20b");
}

BOOST_AUTO_TEST_CASE(list_items_show_base_attributes_unless_asked)
{
    const auto all = records(3);
    const auto base = page(all, "").at("$items").as_array()[0].as_object();
    BOOST_TEST(base.size() == 3u);
    BOOST_TEST(base.contains("id"));
    BOOST_TEST(base.contains("displayed_as"));
    BOOST_TEST(base.contains("$path"));
    const auto full = page(all, "attributes=all").at("$items").as_array()[0].as_object();
    BOOST_TEST(full.size() == 5u);
    const auto some = page(all, "attributes=email,%20unknown").at("$items").as_array()[0].as_object();
    BOOST_TEST(some.size() == 4u);
    BOOST_TEST(some.contains("email"));
}

BOOST_AUTO_TEST_CASE(businesses_spell_items_per_page_with_underscores)
{
    const auto p = page(records(2), "", envelope_spelling::snake_case);
    BOOST_TEST(p.at("$items_per_page").as_int64() == 20);
    BOOST_TEST(!p.contains("$itemsPerPage"));
}

BOOST_AUTO_TEST_CASE(form_decoding)
{
    auto fields = parse_form("a=1&b=x+y&c=%2F%3a&d&=e&&f=");
    BOOST_REQUIRE(fields);
    BOOST_TEST(form_value(*fields, "b").value() == "x y");
    BOOST_TEST(form_value(*fields, "c").value() == "/:");
    BOOST_TEST(form_value(*fields, "d").value().empty());
    BOOST_TEST(form_value(*fields, "f").value().empty());
    BOOST_TEST(!form_value(*fields, "z").has_value());
    BOOST_TEST(!parse_form("a=%2").has_value());
    BOOST_TEST(!parse_form("a=%zz").has_value());
    BOOST_TEST(form_count(*parse_form("a=1&a=2"), "a") == 2u);
    BOOST_TEST(percent_encode("GB/ab c~") == "GB%2Fab%20c~");
    BOOST_TEST(split_target("/v3.1/contacts?page=2").first == "/v3.1/contacts");
    BOOST_TEST(split_target("/v3.1/contacts?page=2").second == "page=2");
}
