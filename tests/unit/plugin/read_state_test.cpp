// The opaque state of a data read: what it keeps survives a round trip; a state of another entity,
// another version, or a damaged one is refused with what to do.
#define BOOST_TEST_MODULE read_state
#include <boost/test/unit_test.hpp>

#include "sage/read_state.hpp"
#include "sdk_printing.hpp"

#include <connector_support/iso8601.hpp>

using connector_support::parse_iso8601;

BOOST_AUTO_TEST_CASE(a_state_survives_its_round_trip)
{
    sage::read_state state;
    state.entity = "contacts";
    state.in_progress = true;
    sage::business_state& b = state.businesses["0123456789abcdef0123456789abcdef"];
    b.cursor = parse_iso8601("2026-12-01T00:00:00Z");
    b.deleted_cursor = parse_iso8601("2026-12-01T00:00:05Z");
    b.seen = {{"id1", *parse_iso8601("2026-12-01T00:00:01Z")}};
    b.run = sage::run_progress{};
    b.run->started = *parse_iso8601("2026-12-02T00:00:00Z");
    b.run->from = b.cursor;
    b.run->phase = sage::read_phase::deletions;
    b.run->next_page = 7;
    b.run->anchor = parse_iso8601("2026-12-01T12:00:00Z");
    b.run->anchor_ids = {"x", "y"};
    b.run->shrank = true;

    auto back = sage::decode_read_state(sage::encode_read_state(state), "contacts");
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST(back->in_progress);
    const auto& c = back->businesses.at("0123456789abcdef0123456789abcdef");
    BOOST_TEST((c.cursor == b.cursor));
    BOOST_TEST((c.deleted_cursor == b.deleted_cursor));
    BOOST_TEST_REQUIRE(c.seen.size() == 1u);
    BOOST_TEST(c.seen[0].id == "id1");
    BOOST_TEST_REQUIRE(c.run.has_value());
    BOOST_TEST((c.run->phase == sage::read_phase::deletions));
    BOOST_TEST(c.run->next_page == 7u);
    BOOST_TEST((c.run->anchor == b.run->anchor));
    BOOST_TEST(c.run->anchor_ids == b.run->anchor_ids);
    BOOST_TEST(c.run->shrank);
    BOOST_TEST(sage::encode_read_state(*back) == sage::encode_read_state(state));
}

BOOST_AUTO_TEST_CASE(an_empty_state_starts_from_the_beginning)
{
    auto fresh = sage::decode_read_state("", "contacts");
    BOOST_TEST_REQUIRE(fresh.has_value());
    BOOST_TEST(fresh->businesses.empty());
}

BOOST_AUTO_TEST_CASE(foreign_or_damaged_states_are_refused_with_the_remedy)
{
    sage::read_state state;
    state.entity = "contacts";
    state.businesses["b"].cursor = parse_iso8601("2026-12-01T00:00:00Z");
    const std::string good = sage::encode_read_state(state);
    auto refused = [](std::string_view text, std::string_view entity, std::string_view reason) {
        auto r = sage::decode_read_state(text, entity);
        BOOST_TEST_REQUIRE(!r.has_value(), text);
        BOOST_TEST(r.error().category == connector_sdk::error_category::config);
        BOOST_TEST(r.error().message.find(reason) != std::string::npos, r.error().message);
        BOOST_TEST(r.error().message.find("or none to read from the start") != std::string::npos);
    };
    refused(good, "sales_invoices", "belongs to the entity contacts");
    refused("not json", "contacts", "not a state this connector wrote");
    refused(R"({"version":2,"entity":"contacts","businesses":{}})", "contacts", "another version");
    refused(R"({"version":1,"entity":"contacts","businesses":{"b":{"cursor":"yesterday"}}})", "contacts",
            "'cursor' is not valid");
    refused(
        R"({"version":1,"entity":"contacts","businesses":{"b":{"run":{"phase":"records","next_page":0,"started":"2026-12-01T00:00:00Z"}}}})",
        "contacts", "'next_page' is not valid");
    refused(std::string(sage::max_state_size + 1, ' '), "contacts", "larger than 1 MiB");
}
