// The SDK's helpers for connector authors (since SDK 1.1): property_builder, the descriptor-driven
// conversion and form check, connector_base's defaults and find_extension<T>.
#define BOOST_TEST_MODULE connector_base
#include <boost/test/unit_test.hpp>

#include <connector_sdk/oauth_management.hpp>
#include <connector_sdk/sdk.hpp>

#include <string>
#include <vector>

using namespace connector_sdk;

namespace {

std::vector<property_descriptor> sample_form()
{
    return {property_builder(connection_name_key, "Connection Name").required().group("Connection").order(10),
            property_builder("Timeout", "Timeout", property_type::integer).range(1, 3600).default_value("60"),
            property_builder("Mode", "Mode", property_type::enumeration).allowed({"FAST", "SAFE"}),
            property_builder("Verbose", "Verbose", property_type::boolean),
            property_builder("Password", "Password").secret().visible_when("Mode", {"SAFE"}),
            property_builder("Certificate", "Certificate", property_type::file).extensions({".pem", ".crt"})};
}

// The one message reported for `key`, or "" when there is none.
std::string message_for(const std::vector<field_error>& errors, std::string_view key)
{
    for (const auto& e : errors)
        if (e.key == key)
            return e.message;
    return {};
}

class greeter final : public connector_base {
public:
    connector_info info() const noexcept override { return {"greeter", "Greeter", "1.0.0"}; }
    std::vector<property_descriptor> describe_properties() const noexcept override { return sample_form(); }
    test_result test(const form_values&) noexcept override
    {
        ++tests;
        test_result r;
        r.available = available;
        r.category = available ? error_category::none : error_category::network;
        r.message = available ? "reached" : "the service did not answer";
        return r;
    }
    int tests = 0;
    bool available = true;
};

struct counter_extension {
    static constexpr std::string_view id = "counter.v1";
    int value = 41;
};

class extended final : public connector_base {
public:
    connector_info info() const noexcept override { return {"extended", "Extended", "1.0.0"}; }
    std::vector<property_descriptor> describe_properties() const noexcept override { return {}; }
    test_result test(const form_values&) noexcept override { return {}; }
    void* query_extension(std::string_view id) noexcept override
    {
        return id == counter_extension::id ? &counter : nullptr;
    }
    counter_extension counter;
};

} // namespace

BOOST_AUTO_TEST_SUITE(builder)

BOOST_AUTO_TEST_CASE(each_aspect_lands_in_the_descriptor)
{
    const std::vector<property_descriptor> form = sample_form();
    BOOST_TEST(form[0].key == "ConnectionName");
    BOOST_TEST(form[0].required);
    BOOST_TEST(form[0].group == "Connection");
    BOOST_TEST(form[0].order == 10);
    BOOST_TEST(to_string(form[1].type) == "integer");
    BOOST_TEST(*form[1].minimum == 1);
    BOOST_TEST(*form[1].maximum == 3600);
    BOOST_TEST(*form[1].default_value == "60");
    BOOST_TEST(form[4].secret);
    BOOST_REQUIRE(form[4].visible_when.has_value());
    BOOST_TEST(form[4].visible_when->key == "Mode");
    BOOST_TEST(form[4].visible_when->values == std::vector<std::string>{"SAFE"}, boost::test_tools::per_element());
    BOOST_TEST(form[5].file_extensions.size() == 2u);
}

BOOST_AUTO_TEST_CASE(descriptors_are_found_by_exact_key)
{
    const auto form = sample_form();
    BOOST_TEST(find_property(form, "Timeout") == &form[1]);
    BOOST_TEST(find_property(form, "timeout") == nullptr);
    BOOST_TEST(label_of(form, "ConnectionName") == "Connection Name");
    BOOST_TEST(label_of(form, "Nope") == "Nope");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(conversion_rules)

BOOST_AUTO_TEST_CASE(values_are_normalised_by_type)
{
    const auto form = sample_form();
    BOOST_TEST(std::get<std::string>(*convert_value(form[0], std::string("  Books \t")).value) == "Books");
    BOOST_TEST(std::get<std::int64_t>(*convert_value(form[1], std::string(" +60 ")).value) == 60);
    BOOST_TEST(std::get<std::string>(*convert_value(form[2], std::string("safe")).value) == "SAFE");
    BOOST_TEST(std::get<bool>(*convert_value(form[3], std::string("Yes")).value));
    BOOST_TEST(!std::get<bool>(*convert_value(form[3], std::int64_t{0}).value));
    conversion_options keep;
    keep.keep_spaces = true;
    BOOST_TEST(std::get<std::string>(*convert_value(form[4], std::string(" pw "), keep).value) == " pw ");
}

BOOST_AUTO_TEST_CASE(each_problem_says_what_is_expected)
{
    const auto form = sample_form();
    BOOST_TEST(convert_value(form[1], std::string("abc")).problem ==
               "must be a whole number between 1 and 3600; got 'abc'");
    BOOST_TEST(convert_value(form[1], std::int64_t{0}).problem == "must be a whole number between 1 and 3600; got '0'");
    BOOST_TEST(convert_value(form[2], std::string("slow")).problem == "must be one of FAST, SAFE; got 'slow'");
    BOOST_TEST(convert_value(form[3], std::string("maybe")).problem ==
               "must be true or false (yes/no and 1/0 are also accepted); got 'maybe'");
    BOOST_TEST(convert_value(form[0], true).problem == "must be text, not a true/false value");
    BOOST_TEST(convert_value(form[5], std::string("x")).problem ==
               "must be an uploaded file (.pem, .crt), not text: upload the file itself");
    BOOST_TEST(convert_value(form[5], file_value{"a.pem", {}}).problem ==
               "is an empty file ('a.pem'): upload the file itself");
}

BOOST_AUTO_TEST_CASE(a_secret_value_is_never_quoted)
{
    property_descriptor pin = property_builder("Pin", "PIN", property_type::integer).secret().range(0, 9999);
    const conversion c = convert_value(pin, std::string("12345"));
    BOOST_TEST(!c.value.has_value());
    BOOST_TEST(c.problem == "must be a whole number between 0 and 9999");
}

// Text that is not UTF-8 is refused by position, in every kind of value that carries text, and a
// secret's bytes are never part of the message.
BOOST_AUTO_TEST_CASE(text_that_is_not_utf8_is_refused_by_position)
{
    const auto form = sample_form();
    const std::string expected = "is not valid UTF-8 text (byte 3 is not part of a UTF-8 character): type it "
                                 "again, or convert where it came from to UTF-8";
    BOOST_TEST(convert_value(form[0], std::string("Bo\xffoks")).problem == expected);
    const conversion secret = convert_value(form[4], std::string("pw\xe9-secret"));
    BOOST_TEST(!secret.value.has_value());
    BOOST_TEST(secret.problem == expected);
    BOOST_TEST(convert_value(form[2], std::string("SA\xc0\xaf")).problem == expected); // overlong '/'
    BOOST_TEST(convert_value(form[5], file_value{"c\xe9.pem", {1}})
                   .problem.starts_with("is not valid UTF-8 file name (byte 2 "));
    property_descriptor list = property_builder("Extra", "Extra", property_type::key_value_list);
    BOOST_TEST(convert_value(list, key_value_pairs{{"a", "1"}, {"b", "ok\xed\xa0\x80"}}).problem ==
               "has an entry (number 2) whose value " + expected); // a surrogate
    // Well-formed text of every length passes unchanged (2-, 3- and 4-byte characters).
    BOOST_TEST(std::get<std::string>(
                   *convert_value(form[0], std::string("Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9a")).value) ==
               "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9a");
}

BOOST_AUTO_TEST_CASE(utf8_rules_follow_rfc_3629)
{
    for (const char* bad : {"\x80", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
                            "\xe2\x82", "\xff"})
        BOOST_TEST(!utf8::is_valid(bad), bad);
    for (const char* good : {"", "plain", "\xc2\x80", "\xed\x9f\xbf", "\xee\x80\x80", "\xf4\x8f\xbf\xbf"})
        BOOST_TEST(utf8::is_valid(good), good);
    BOOST_TEST(utf8::made_valid("a\xff"
                                "b\xe2\x82") == "a\xef\xbf\xbd"
                                                "b\xef\xbf\xbd\xef\xbf\xbd");
    // Quoting for a message never passes on invalid bytes, and never cuts a character.
    BOOST_TEST(ascii::quote_for_message("a\xff"
                                        "b") == "'a?b'");
    BOOST_TEST(ascii::quote_for_message("\xc3\xa9\xc3\xa9\xc3\xa9", 2) == "'\xc3\xa9\xc3\xa9...'");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(form_check)

BOOST_AUTO_TEST_CASE(a_good_form_yields_its_normalised_values_in_form_order)
{
    form_values f;
    f.set("Mode", std::string("fast"));
    f.set(std::string(connection_name_key), std::string(" Books "));
    f.set("Password", std::string("s3cret"));
    const checked_form checked = check_form(sample_form(), f);
    BOOST_TEST(checked.ok());
    BOOST_REQUIRE_EQUAL(checked.values.size(), 3u);
    BOOST_TEST(checked.values[0].key == "ConnectionName");
    BOOST_TEST(std::get<std::string>(*checked.find("ConnectionName")) == "Books");
    BOOST_TEST(std::get<std::string>(*checked.find("Mode")) == "FAST");
    BOOST_TEST(checked.values[2].secret);
    BOOST_TEST(checked.find("Timeout") == nullptr); // not given
}

BOOST_AUTO_TEST_CASE(required_types_bounds_and_unknown_keys_are_reported)
{
    form_values f;
    f.set(std::string(connection_name_key), std::string("   "));
    f.set("Timeout", std::string("9000"));
    f.set("Mode", std::string("other"));
    f.set("timeout", std::string("1"));
    f.set("Colour", std::string("red"));
    const checked_form checked = check_form(sample_form(), f);
    BOOST_TEST(checked.errors.size() == 5u);
    BOOST_TEST(message_for(checked.errors, "ConnectionName") == "Connection Name is required: enter a value");
    BOOST_TEST(message_for(checked.errors, "Timeout") ==
               "Timeout must be a whole number between 1 and 3600; got '9000'");
    BOOST_TEST(message_for(checked.errors, "Mode") == "Mode must be one of FAST, SAFE; got 'other'");
    BOOST_TEST(message_for(checked.errors, "timeout") ==
               "'timeout' is not a property of this connector: did you mean 'Timeout'? Keys are case-sensitive");
    BOOST_TEST(message_for(checked.errors, "Colour") ==
               "'Colour' is not a property of this connector: remove it, or use one of ConnectionName, Timeout, Mode, "
               "Verbose, Password, Certificate");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(base_defaults)

BOOST_AUTO_TEST_CASE(validate_is_driven_by_the_descriptors)
{
    greeter g;
    form_values f;
    BOOST_TEST(message_for(g.validate(f).errors, "ConnectionName") == "Connection Name is required: enter a value");
    f.set(std::string(connection_name_key), std::string("Books"));
    BOOST_TEST(g.validate(f).ok());
}

BOOST_AUTO_TEST_CASE(a_free_connector_needs_no_licence_and_offers_no_extension)
{
    greeter g;
    const license_status s = g.check_license();
    BOOST_TEST(to_string(s.state) == "not_required");
    BOOST_TEST(s.permits_use());
    BOOST_TEST(s.reason == "a free connector: no licence is required");
    BOOST_TEST(g.query_extension(oauth_management_id) == nullptr);
    BOOST_TEST(find_extension<oauth_management>(g) == nullptr);
}

BOOST_AUTO_TEST_CASE(create_tests_then_returns_the_normalised_record)
{
    greeter g;
    form_values f;
    f.set(std::string(connection_name_key), std::string(" Books "));
    f.set("Timeout", std::int64_t{30});
    f.set("Password", std::string("pw"));
    const create_result r = g.create(f, {});
    BOOST_TEST(r.created);
    BOOST_TEST(g.tests == 1);
    BOOST_TEST(to_string(r.category) == "none");
    BOOST_TEST(r.message == "the connection 'Books' is ready to be saved");
    BOOST_TEST(r.record.name == "Books");
    BOOST_TEST(r.record.connector_id == "greeter");
    BOOST_REQUIRE_EQUAL(r.record.fields.size(), 3u);
    BOOST_TEST(r.record.fields[2].secret);

    const create_result untested = g.create(f, create_options{false});
    BOOST_TEST(untested.created);
    BOOST_TEST(g.tests == 1);
    BOOST_TEST(untested.message == "the connection 'Books' is ready to be saved (not tested)");
}

BOOST_AUTO_TEST_CASE(create_refuses_a_bad_form_and_an_unavailable_connection)
{
    greeter g;
    form_values bad;
    bad.set("Timeout", std::string("x"));
    const create_result invalid = g.create(bad, {});
    BOOST_TEST(!invalid.created);
    BOOST_TEST(to_string(invalid.category) == "config");
    BOOST_TEST(invalid.field_errors.size() == 2u);
    BOOST_TEST(invalid.message == "Connection Name is required: enter a value (and 1 more problem)");
    BOOST_TEST(g.tests == 0);

    form_values good;
    good.set(std::string(connection_name_key), std::string("Books"));
    g.available = false;
    const create_result unavailable = g.create(good, {});
    BOOST_TEST(!unavailable.created);
    BOOST_TEST(to_string(unavailable.category) == "network");
    BOOST_TEST(unavailable.message == "not created: the service did not answer");
    BOOST_REQUIRE(unavailable.test.has_value());
}

BOOST_AUTO_TEST_CASE(find_extension_asks_for_the_types_own_id)
{
    extended e;
    counter_extension* counter = find_extension<counter_extension>(e);
    BOOST_REQUIRE(counter != nullptr);
    BOOST_TEST(counter == &e.counter);
    BOOST_TEST(counter->value == 41);
    BOOST_TEST(find_extension<oauth_management>(e) == nullptr);
    static_assert(oauth_management::id == "oauth_management.v1");
    static_assert(oauth_management::id == oauth_management_id);
}

BOOST_AUTO_TEST_SUITE_END()
