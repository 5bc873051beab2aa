// data_access.v1 against the Sage sandbox, in-process, over real TLS: every record exactly once
// across page sizes and concurrency (compared with the sandbox's ground truth, byte for byte, and
// with the minimal number of requests), incremental reads after updates and deletions, resuming from
// a checkpoint, mutations while a read pages, every business, 429/5xx/403/401, the licence and the
// request checks.
#define BOOST_TEST_MODULE data_access
#include <boost/test/unit_test.hpp>

#include "connector/sage_connector.hpp"
#include "sandbox.hpp"

#include <connector_sdk/data_access.hpp>

#include <fake_host_services.hpp>
#include <module_sandbox.hpp>
#include <sandbox_form.hpp>
#include <sdk_printing.hpp>
#include <temp_dir.hpp>
#include <test_marketplace.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <set>

using connector_sdk::error_category;
using connector_sdk::form_values;
using connector_sdk::read_request;
using connector_sdk::read_result;
using sage_sandbox::counter;
using sage_sandbox::fault_kind;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

constexpr std::size_t lead_records = 45;  // of every entity of the lead business
constexpr std::size_t lead_contacts = 53; // not a multiple of any page size tried
constexpr std::size_t other_records = 4;  // of every entity of the other business

// The module's sandbox (test_support::module_sandbox), with the record counts above.
sage_sandbox::sandbox_options module_options()
{
    sage_sandbox::sandbox_options options;
    options.records = lead_records;
    options.contacts = lead_contacts;
    options.other_business_records = other_records;
    return options;
}

struct sandbox_owner : test_support::module_sandbox {
    sandbox_owner() : module_sandbox(module_options()) {}
};

std::string id_of(std::string_view record)
{
    const json::value v = json::parse(record);
    return std::string(v.as_object().at("id").as_string());
}

// What a host keeps: records upserted and deletions applied, per business, made durable only at a
// checkpoint the sink accepts (what came after the last one is lost with a stopped read).
struct books {
    std::map<std::string, std::map<std::string, std::string>> records; // business -> id -> raw record
    std::map<std::string, std::set<std::string>> deleted;              // business -> ids reported deleted
};

class collecting_sink final : public connector_sdk::read_sink {
public:
    explicit collecting_sink(books& kept) : kept_(kept) {}

    // Called after each batch of records is taken (the batch's ordinal, from 1).
    std::function<void(std::size_t)> after_batch;
    // Refuses the checkpoint with this ordinal (from 1), stopping the read.
    std::optional<std::size_t> refuse_checkpoint;

    std::multiset<std::string> delivered;     // every id delivered in this read
    std::vector<std::string> delivered_order; // business/id, in order
    std::set<std::string> deleted_ids;        // every id reported deleted in this read
    std::vector<std::string> checkpoints;     // accepted
    std::vector<std::string> business_ids;    // the business of each batch
    std::size_t batches = 0;

    [[nodiscard]] std::size_t repeated() const
    {
        std::size_t n = 0;
        for (auto it = delivered.begin(); it != delivered.end(); it = delivered.upper_bound(*it))
            n += delivered.count(*it) - 1;
        return n;
    }

    bool on_records(const connector_sdk::record_batch& batch) noexcept override
    {
        for (const auto& record : batch.records) {
            const std::string id = id_of(record);
            delivered.insert(std::string(batch.business_id) + "/" + id);
            delivered_order.push_back(std::string(batch.business_id) + "/" + id);
            pending_records_.emplace_back(std::string(batch.business_id), id, record);
        }
        business_ids.emplace_back(batch.business_id);
        ++batches;
        if (after_batch)
            after_batch(batches);
        return true;
    }
    bool on_deletions(const connector_sdk::deletion_batch& batch) noexcept override
    {
        for (const auto& id : batch.ids) {
            deleted_ids.insert(id);
            pending_deletions_.emplace_back(std::string(batch.business_id), id);
        }
        return true;
    }
    bool on_checkpoint(std::string_view state) noexcept override
    {
        if (refuse_checkpoint && checkpoints.size() + 1 == *refuse_checkpoint)
            return false;
        for (auto& [business, id, record] : pending_records_)
            kept_.records[business][id] = record;
        for (auto& [business, id] : pending_deletions_) {
            kept_.records[business].erase(id);
            kept_.deleted[business].insert(id);
        }
        pending_records_.clear();
        pending_deletions_.clear();
        checkpoints.emplace_back(state);
        return true;
    }

private:
    books& kept_;
    std::vector<std::tuple<std::string, std::string, std::string>> pending_records_;
    std::vector<std::pair<std::string, std::string>> pending_deletions_;
};

struct fixture {
    sage_sandbox::sandbox& sage = test_support::module_sandbox::get();
    test_support::temp_dir state{"data-access-test"};
    test_support::fake_host_services services{state.path()};
    std::unique_ptr<connector_sdk::connector> connector =
        sage::sage_connector::make(services, test_support::test_marketplace_keys());
    connector_sdk::data_access* data = connector_sdk::find_extension<connector_sdk::data_access>(*connector);
    sage_sandbox::token_set minted;
    std::string lead;
    std::string other;

    fixture()
    {
        sage.service().reset();
        services.set_license_token(test_support::test_license(services.now()));
        minted = sage.service().mint_tokens(sage.client().client_id);
        const auto ids = sage.service().seed().business_ids();
        lead = ids.at(0);
        other = ids.at(1);
        BOOST_TEST_REQUIRE(data != nullptr);
    }

    form_values form() const
    {
        form_values f = test_support::refresh_form(sage, minted.refresh_token, state / "oauth" / "books.json");
        f.set("Timeout", std::string("10"));
        return f;
    }

    read_result read(const read_request& request, collecting_sink& sink) const
    {
        return data->read(form(), request, sink);
    }

    // Every record of `entity`, the other request fields left at their defaults.
    read_result read_entity(const std::string& entity, collecting_sink& sink) const
    {
        read_request request;
        request.entity = entity;
        return read(request, sink);
    }

    // Every request the sandbox received, to any endpoint.
    [[nodiscard]] std::uint64_t requests_received() const
    {
        std::uint64_t requests = 0;
        for (const auto& [endpoint, n] : sage.counters().requests)
            requests += n;
        return requests;
    }

    // The sandbox's ground truth: id -> the record's bytes as a list sends them.
    std::map<std::string, std::string> truth(const std::string& entity, const std::string& business = {},
                                             const std::string& attributes = "all") const
    {
        std::map<std::string, std::string> out;
        const json::object t = sage.service().ground_truth(entity, business, attributes);
        for (const auto& r : t.at("records").as_array())
            out.emplace(std::string(r.as_object().at("id").as_string()), json::serialize(r));
        return out;
    }

    std::size_t requests_to(const std::string& endpoint) const { return sage.counters().requests_to(endpoint); }
};

std::uint64_t minimal_requests(std::size_t total, int page_size)
{
    const auto size = static_cast<std::size_t>(page_size);
    return std::max<std::uint64_t>(1, (total + size - 1) / size);
}

// The ids (keys) of a map, for readable comparisons.
std::set<std::string> keys_of(const std::map<std::string, std::string>& m)
{
    std::set<std::string> keys;
    for (const auto& [k, v] : m)
        keys.insert(k);
    return keys;
}

void expect_books_equal_truth(const std::map<std::string, std::string>& got,
                              const std::map<std::string, std::string>& truth, const std::string& what)
{
    BOOST_TEST(got.size() == truth.size(),
               what << ": " << got.size() << " records kept, " << truth.size() << " in the ground truth");
    std::size_t missing = 0;
    std::size_t extra = 0;
    std::size_t different = 0;
    for (const auto& [id, record] : truth) {
        const auto it = got.find(id);
        if (it == got.end())
            ++missing;
        else if (it->second != record)
            ++different;
    }
    for (const auto& [id, record] : got)
        if (!truth.contains(id))
            ++extra;
    BOOST_TEST(missing == 0u, what << ": " << missing << " missing");
    BOOST_TEST(extra == 0u, what << ": " << extra << " not in the ground truth");
    BOOST_TEST(different == 0u, what << ": " << different << " differ from the sandbox's bytes");
}

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(sandbox_owner);

BOOST_FIXTURE_TEST_SUITE(exactly_once, fixture)

// Contacts are read by page number (concurrently); sales invoices in updated_at order (anchored);
// ledger entries have no deletions; tax rates are not incremental.
BOOST_AUTO_TEST_CASE(every_record_once_across_page_sizes_and_concurrency)
{
    for (const std::string entity : {"contacts", "sales_invoices"})
        for (const int page_size : {1, 7, 200})
            for (const int concurrency : {1, 4, 16}) {
                sage.service().reset_counters();
                books kept;
                collecting_sink sink(kept);
                read_request request;
                request.entity = entity;
                request.page_size = page_size;
                request.concurrency = concurrency;
                const read_result r = read(request, sink);
                const std::string what =
                    entity + " page_size " + std::to_string(page_size) + " concurrency " + std::to_string(concurrency);
                BOOST_TEST_REQUIRE(r.complete, what << ": " << r.message);
                BOOST_TEST(r.category == error_category::none);
                BOOST_TEST(sink.repeated() == 0u, what);
                const auto expected = truth(entity);
                expect_books_equal_truth(kept.records[lead], expected, what);
                BOOST_TEST(r.counters.records == expected.size(), what);
                const auto made = requests_to(entity);
                const auto minimal = minimal_requests(expected.size(), page_size);
                BOOST_TEST(made == minimal, what << ": " << made << " requests for " << minimal << " pages");
                BOOST_TEST(r.counters.requests == made, what);
                BOOST_TEST(r.counters.pages == minimal, what);
                BOOST_TEST(r.counters.retries == 0u, what);
                BOOST_TEST(!sink.checkpoints.empty());
                BOOST_TEST(r.state == sink.checkpoints.back());
            }
}

BOOST_AUTO_TEST_CASE(other_entities)
{
    for (const std::string entity : {"ledger_entries", "tax_rates", "contact_payments", "journals", "bank_accounts"}) {
        sage.service().reset_counters();
        books kept;
        collecting_sink sink(kept);
        read_request request;
        request.entity = entity;
        request.page_size = 7;
        const read_result r = read(request, sink);
        BOOST_TEST_REQUIRE(r.complete, entity << ": " << r.message);
        BOOST_TEST(sink.repeated() == 0u, entity);
        const auto expected = truth(entity);
        expect_books_equal_truth(kept.records[lead], expected, entity);
        BOOST_TEST(requests_to(entity) == minimal_requests(expected.size(), 7), entity << ": " << requests_to(entity));
    }
}

BOOST_AUTO_TEST_CASE(chosen_fields_only)
{
    books kept;
    collecting_sink sink(kept);
    read_request request;
    request.entity = "contacts";
    request.fields = {"name", "email"};
    const read_result r = read(request, sink);
    BOOST_TEST_REQUIRE(r.complete, r.message);
    // Sage always lists id, displayed_as and $path; nothing else but the fields asked for.
    const std::set<std::string> allowed{"id", "displayed_as", "$path", "name", "email"};
    std::size_t with_other_keys = 0;
    for (const auto& [id, record] : kept.records[lead]) {
        const json::value parsed = json::parse(record);
        for (const auto& member : parsed.as_object())
            if (!allowed.contains(std::string(member.key())))
                ++with_other_keys;
    }
    BOOST_TEST(with_other_keys == 0u);
    expect_books_equal_truth(kept.records[lead], truth("contacts", "", "name,email"), "contacts name,email");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(incremental, fixture)

BOOST_AUTO_TEST_CASE(a_second_read_returns_exactly_the_changes_and_the_deletions)
{
    for (const std::string entity : {"contacts", "sales_invoices"}) {
        books kept;
        read_request request;
        request.entity = entity;
        request.page_size = 7;
        request.deletions = true;
        collecting_sink first(kept);
        const read_result r1 = read(request, first);
        BOOST_TEST_REQUIRE(r1.complete, entity << ": " << r1.message);

        const auto before = truth(entity);
        std::vector<std::string> ids;
        for (const auto& [id, record] : before)
            ids.push_back(id);
        sage.service().advance_clock(5s);
        sage.service().update_record(entity, "", ids.at(3), {{"notes", "changed"}});
        sage.service().update_record(entity, "", ids.at(20), {{"notes", "changed too"}});
        const auto created = sage.service().create_record(entity, "");
        const std::string created_id(created.at("id").as_string());
        BOOST_TEST_REQUIRE(sage.service().delete_record(entity, "", ids.at(10)).has_value());
        // A deletion in the second a page read begins counts as one during it (the next read would
        // read the window again): the changes are made a few seconds before the read.
        sage.service().advance_clock(5s);

        request.state = r1.state;
        collecting_sink second(kept);
        const read_result r2 = read(request, second);
        BOOST_TEST_REQUIRE(r2.complete, entity << ": " << r2.message);
        const std::multiset<std::string> expected{lead + "/" + ids.at(3), lead + "/" + ids.at(20),
                                                  lead + "/" + created_id};
        BOOST_TEST(second.delivered == expected, entity);
        BOOST_TEST(second.deleted_ids == std::set<std::string>{ids.at(10)}, entity);
        BOOST_TEST(!second.delivered.contains(lead + "/" + ids.at(10)), entity);
        expect_books_equal_truth(kept.records[lead], truth(entity), entity + " after the second read");

        // Nothing changed since: a third read delivers no record, and the deleted one never again.
        request.state = r2.state;
        collecting_sink third(kept);
        const read_result r3 = read(request, third);
        BOOST_TEST_REQUIRE(r3.complete, entity << ": " << r3.message);
        BOOST_TEST(third.delivered.empty(), entity << ": " << third.delivered.size() << " records again");
        BOOST_TEST(third.deleted_ids.empty(), entity << ": " << third.deleted_ids.size() << " deletions again");
        expect_books_equal_truth(kept.records[lead], truth(entity), entity + " after the third read");
    }
}

BOOST_AUTO_TEST_CASE(resume_after_a_stop_loses_nothing)
{
    for (const std::string entity : {"contacts", "sales_invoices"})
        for (const int concurrency : {1, 4}) {
            const std::string what = entity + " concurrency " + std::to_string(concurrency);
            books kept;
            read_request request;
            request.entity = entity;
            request.page_size = 5;
            request.concurrency = concurrency;
            collecting_sink first(kept);
            first.refuse_checkpoint = 4; // three accepted, the fourth refused: the read stops
            const read_result r1 = read(request, first);
            BOOST_TEST(!r1.complete, what);
            BOOST_TEST(r1.category == error_category::none, what << ": " << r1.message);
            BOOST_TEST_REQUIRE(first.checkpoints.size() == 3u, what);
            BOOST_TEST(r1.state == first.checkpoints.back(), what);
            BOOST_TEST(kept.records[lead].size() == 15u, what);

            request.state = r1.state;
            collecting_sink second(kept);
            const read_result r2 = read(request, second);
            BOOST_TEST_REQUIRE(r2.complete, what << ": " << r2.message);
            BOOST_TEST(second.repeated() == 0u, what);
            // Exactly the records the first read had not made durable.
            BOOST_TEST(second.delivered.size() == truth(entity).size() - 15u, what);
            expect_books_equal_truth(kept.records[lead], truth(entity), what);
        }
}

// An incremental read of every business (records, then deletions, business after business) stopped
// at each of its checkpoints in turn, then resumed until complete: the host's books equal the truth.
BOOST_AUTO_TEST_CASE(a_stop_at_any_checkpoint_then_resume_equals_the_ground_truth)
{
    for (const std::string entity : {"contacts", "sales_invoices"})
        for (std::size_t stop_at = 1; stop_at <= 8; ++stop_at) {
            sage.service().reset();
            minted = sage.service().mint_tokens(sage.client().client_id);
            std::filesystem::remove_all(state / "oauth");
            const std::string what = entity + " stopped at checkpoint " + std::to_string(stop_at);
            books kept;
            read_request request;
            request.entity = entity;
            request.business = "all";
            request.page_size = 7;
            request.deletions = true;
            collecting_sink initial(kept);
            const read_result r0 = read(request, initial);
            BOOST_TEST_REQUIRE(r0.complete, what << ": " << r0.message);

            auto& s = sage.service();
            s.advance_clock(5s);
            const json::object lead_truth = s.ground_truth(entity, "");
            const auto& lead_records = lead_truth.at("records").as_array();
            const std::string first_id(lead_records.at(0).as_object().at("id").as_string());
            const std::string middle_id(lead_records.at(20).as_object().at("id").as_string());
            const std::string gone_id(lead_records.at(30).as_object().at("id").as_string());
            s.update_record(entity, "", first_id, {{"notes", "changed"}});
            s.update_record(entity, "", middle_id, {{"notes", "changed"}});
            s.create_record(entity, "");
            (void)s.delete_record(entity, "", gone_id);
            const json::object other_truth = s.ground_truth(entity, other);
            const std::string other_gone(other_truth.at("records").as_array().at(0).as_object().at("id").as_string());
            (void)s.delete_record(entity, other, other_gone);
            s.create_record(entity, other);
            s.advance_clock(5s);

            request.state = r0.state;
            collecting_sink stopped(kept);
            stopped.refuse_checkpoint = stop_at;
            const read_result r1 = read(request, stopped);
            BOOST_TEST(r1.category == error_category::none, what << ": " << r1.message);
            request.state = r1.state;
            for (int attempt = 0; attempt < 3 && !r1.complete; ++attempt) {
                collecting_sink resumed(kept);
                const read_result r = read(request, resumed);
                BOOST_TEST_REQUIRE(r.category == error_category::none, what << ": " << r.message);
                request.state = r.state;
                if (r.complete)
                    break;
            }
            expect_books_equal_truth(kept.records[lead], truth(entity, lead), what + " (lead)");
            expect_books_equal_truth(kept.records[other], truth(entity, other), what + " (other)");
            BOOST_TEST(kept.deleted[lead].contains(gone_id), what);
            BOOST_TEST(kept.deleted[other].contains(other_gone), what);
        }
}

BOOST_AUTO_TEST_CASE(mutations_while_a_read_pages)
{
    for (const std::string entity : {"contacts", "sales_invoices", "products"})
        for (const auto& [page_size, concurrency] :
             {std::pair{7, 1}, std::pair{7, 4}, std::pair{1, 16}, std::pair{3, 2}}) {
            sage.service().reset();
            minted = sage.service().mint_tokens(sage.client().client_id);
            std::filesystem::remove_all(state / "oauth");
            const std::string what =
                entity + " page_size " + std::to_string(page_size) + " concurrency " + std::to_string(concurrency);
            // In creation order (the default list order).
            std::vector<std::string> ids;
            const json::object listed = sage.service().ground_truth(entity, "");
            for (const auto& r : listed.at("records").as_array())
                ids.emplace_back(r.as_object().at("id").as_string());

            books kept;
            read_request request;
            request.entity = entity;
            request.page_size = page_size;
            request.concurrency = concurrency;
            request.deletions = true;
            collecting_sink first(kept);
            first.after_batch = [&](std::size_t batch) {
                if (batch != 1)
                    return;
                auto& s = sage.service();
                s.advance_clock(2s);
                s.update_record(entity, "", ids.at(1), {{"notes", "updated while read"}});  // delivered
                s.update_record(entity, "", ids.at(30), {{"notes", "updated while read"}}); // ahead
                s.create_record(entity, "");
                s.create_record(entity, "");
                (void)s.delete_record(entity, "", ids.at(2));  // delivered
                (void)s.delete_record(entity, "", ids.at(40)); // ahead
            };
            const read_result r1 = read(request, first);
            BOOST_TEST_REQUIRE(r1.complete, what << ": " << r1.message);

            request.state = r1.state;
            collecting_sink second(kept);
            const read_result r2 = read(request, second);
            BOOST_TEST_REQUIRE(r2.complete, what << ": " << r2.message);
            expect_books_equal_truth(kept.records[lead], truth(entity), what);
            BOOST_TEST(kept.deleted[lead].contains(ids.at(2)), what);
        }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(businesses, fixture)

BOOST_AUTO_TEST_CASE(all_businesses_each_with_its_own_state)
{
    books kept;
    read_request request;
    request.entity = "contacts";
    request.business = "all";
    request.page_size = 7;
    collecting_sink first(kept);
    const read_result r1 = read(request, first);
    BOOST_TEST_REQUIRE(r1.complete, r1.message);
    BOOST_TEST(r1.warnings.empty());
    expect_books_equal_truth(kept.records[lead], truth("contacts", lead), "lead business");
    expect_books_equal_truth(kept.records[other], truth("contacts", other), "other business");
    const json::value saved = json::parse(r1.state);
    BOOST_TEST(saved.at("businesses").as_object().contains(lead));
    BOOST_TEST(saved.at("businesses").as_object().contains(other));

    sage.service().advance_clock(5s);
    const auto lead_ids = keys_of(truth("contacts", lead));
    const auto other_ids = keys_of(truth("contacts", other));
    sage.service().update_record("contacts", lead, *lead_ids.begin(), {{"notes", "lead change"}});
    sage.service().update_record("contacts", other, *other_ids.begin(), {{"notes", "other change"}});
    request.state = r1.state;
    collecting_sink second(kept);
    const read_result r2 = read(request, second);
    BOOST_TEST_REQUIRE(r2.complete, r2.message);
    const std::multiset<std::string> expected{lead + "/" + *lead_ids.begin(), other + "/" + *other_ids.begin()};
    BOOST_TEST(second.delivered == expected);
    expect_books_equal_truth(kept.records[lead], truth("contacts", lead), "lead business again");
    expect_books_equal_truth(kept.records[other], truth("contacts", other), "other business again");
}

BOOST_AUTO_TEST_CASE(one_named_business)
{
    books kept;
    read_request request;
    request.entity = "sales_invoices";
    request.business = other;
    collecting_sink sink(kept);
    const read_result r = read(request, sink);
    BOOST_TEST_REQUIRE(r.complete, r.message);
    expect_books_equal_truth(kept.records[other], truth("sales_invoices", other), "the other business");
    BOOST_TEST(kept.records[lead].empty());
    // The state follows that business: the next read (no business named) reads it again.
    sage.service().advance_clock(5s);
    const auto other_ids = keys_of(truth("sales_invoices", other));
    sage.service().update_record("sales_invoices", other, *other_ids.begin(), {{"notes", "changed"}});
    read_request again;
    again.entity = "sales_invoices";
    again.state = r.state;
    collecting_sink second(kept);
    const read_result r2 = read(again, second);
    BOOST_TEST_REQUIRE(r2.complete, r2.message);
    BOOST_TEST(second.delivered == std::multiset<std::string>{other + "/" + *other_ids.begin()});
}

BOOST_AUTO_TEST_CASE(a_forbidden_business_is_skipped_with_a_warning)
{
    auto modes = sage.service().modes();
    modes.forbidden_businesses = {other};
    sage.service().set_modes(modes);
    books kept;
    read_request request;
    request.entity = "contacts";
    request.business = "all";
    collecting_sink sink(kept);
    const read_result r = read(request, sink);
    BOOST_TEST(r.complete, r.message);
    BOOST_TEST(r.category == error_category::none);
    BOOST_TEST_REQUIRE(r.warnings.size() == 1u);
    BOOST_TEST(r.warnings[0].business_id == other);
    BOOST_TEST(r.warnings[0].category == error_category::auth);
    BOOST_TEST(!r.warnings[0].message.empty());
    BOOST_TEST_MESSAGE("warning: " << r.warnings[0].message);
    expect_books_equal_truth(kept.records[lead], truth("contacts", lead), "lead business");
    BOOST_TEST(kept.records[other].empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(failures, fixture)

BOOST_AUTO_TEST_CASE(a_429_burst_is_retried_and_counted)
{
    for (const std::string entity : {"contacts", "sales_invoices"}) {
        sage.service().reset_counters();
        sage_sandbox::fault_spec burst;
        burst.endpoint = entity;
        burst.kind = fault_kind::rate_limited;
        burst.count = 2; // the HTTPS client makes 3 attempts
        sage.service().arm_fault(burst);
        books kept;
        read_request request;
        request.entity = entity;
        request.page_size = 20;
        collecting_sink sink(kept);
        const read_result r = read(request, sink);
        BOOST_TEST_REQUIRE(r.complete, entity << ": " << r.message);
        BOOST_TEST(r.counters.retries == 2u, entity);
        BOOST_TEST(r.counters.requests == requests_to(entity), entity);
        const auto expected = truth(entity);
        BOOST_TEST(requests_to(entity) == minimal_requests(expected.size(), 20) + 2, entity);
        BOOST_TEST(sink.repeated() == 0u, entity);
        expect_books_equal_truth(kept.records[lead], expected, entity + " after 429s");
    }
}

BOOST_AUTO_TEST_CASE(a_limit_stops_the_read_and_it_resumes)
{
    for (const std::string entity : {"contacts", "sales_invoices"}) {
        books kept;
        read_request request;
        request.entity = entity;
        request.page_size = 7;
        request.limit = 10;
        collecting_sink first(kept);
        const read_result r1 = read(request, first);
        BOOST_TEST(!r1.complete, entity);
        BOOST_TEST(r1.category == error_category::none, entity << ": " << r1.message);
        BOOST_TEST(first.delivered.size() == 10u, entity);
        BOOST_TEST(r1.counters.records == 10u, entity);
        request.limit.reset();
        request.state = r1.state;
        collecting_sink second(kept);
        const read_result r2 = read(request, second);
        BOOST_TEST_REQUIRE(r2.complete, entity << ": " << r2.message);
        BOOST_TEST(second.repeated() == 0u, entity);
        expect_books_equal_truth(kept.records[lead], truth(entity), entity + " after a limit");
    }
}

BOOST_AUTO_TEST_CASE(a_limit_below_the_page_size_asks_only_for_what_it_needs)
{
    read_request request;
    request.entity = "contacts";
    request.page_size = 200;
    request.limit = 3;
    request.business = lead;
    books kept;
    collecting_sink sink(kept);
    const auto served_before = sage.counters()[sage_sandbox::counter::items_served];
    const read_result r = read(request, sink);
    BOOST_TEST(r.category == error_category::none, r.message);
    BOOST_TEST(sink.delivered.size() == 3u);
    BOOST_TEST(r.counters.requests == 1u);
    BOOST_TEST(sage.counters()[sage_sandbox::counter::items_served] - served_before == 3u,
               "Sage sent " << sage.counters()[sage_sandbox::counter::items_served] - served_before
                            << " records for a limit of 3");
}

BOOST_AUTO_TEST_CASE(persistent_5xx_fails_as_remote)
{
    sage_sandbox::fault_spec broken;
    broken.endpoint = "sales_invoices";
    broken.kind = fault_kind::server_error;
    sage.service().arm_fault(broken);
    books kept;
    collecting_sink sink(kept);
    const read_result r = read_entity("sales_invoices", sink);
    BOOST_TEST(!r.complete);
    BOOST_TEST(r.category == error_category::remote, r.message);
    BOOST_TEST(r.message.find("500") != std::string::npos, r.message);
    BOOST_TEST(r.message.find("Sales Invoices") != std::string::npos, r.message);
    BOOST_TEST_MESSAGE("5xx: " << r.message);
    BOOST_TEST(sink.delivered.empty());
}

BOOST_AUTO_TEST_CASE(a_forbidden_entity_fails_as_auth_naming_the_area)
{
    sage.service().set_forbidden({"sales_invoices"});
    books kept;
    collecting_sink sink(kept);
    const read_result r = read_entity("sales_invoices", sink);
    BOOST_TEST(!r.complete);
    BOOST_TEST(r.category == error_category::auth, r.message);
    BOOST_TEST(r.message.find("Sales") != std::string::npos, r.message);
    BOOST_TEST_MESSAGE("403: " << r.message);
    // Another entity of the same connection still reads.
    collecting_sink contacts(kept);
    BOOST_TEST(read_entity("contacts", contacts).complete);
}

BOOST_AUTO_TEST_CASE(an_expired_access_token_is_refreshed_once)
{
    books kept;
    read_request request;
    request.entity = "contacts";
    collecting_sink first(kept);
    BOOST_TEST_REQUIRE(read(request, first).complete);
    BOOST_TEST(sage.counters()[counter::refreshes] == 1u);
    // The sandbox says expired; the connector's clock does not know.
    sage.service().advance_clock(301s);
    collecting_sink second(kept);
    const read_result r = read(request, second);
    BOOST_TEST_REQUIRE(r.complete, r.message);
    BOOST_TEST(sage.counters()[counter::refreshes] == 2u);
    BOOST_TEST(sage.counters()[counter::invalid_grant] == 0u);
}

BOOST_AUTO_TEST_CASE(a_token_expiring_mid_read_is_refreshed_once_for_every_request)
{
    for (const std::string entity : {"contacts", "sales_invoices"}) {
        sage.service().reset_counters();
        books kept;
        read_request request;
        request.entity = entity;
        request.page_size = 1;
        request.concurrency = 8;
        collecting_sink sink(kept);
        sink.after_batch = [&](std::size_t batch) {
            if (batch == 1)
                sage.service().advance_clock(301s);
        };
        const read_result r = read(request, sink);
        BOOST_TEST_REQUIRE(r.complete, entity << ": " << r.message);
        // The first read refreshes the minted token; then one refresh for every request that met the
        // expired one.
        BOOST_TEST(sage.counters()[counter::refreshes] == (entity == "contacts" ? 2u : 1u), entity);
        BOOST_TEST(sage.counters()[counter::invalid_grant] == 0u, entity);
        BOOST_TEST(sink.repeated() == 0u, entity);
        expect_books_equal_truth(kept.records[lead], truth(entity), entity + " across a refresh");
    }
}

BOOST_AUTO_TEST_CASE(an_ended_subscription_is_no_token_problem)
{
    sage.service().set_subscription_ended(true);
    books kept;
    collecting_sink sink(kept);
    const read_result r = read_entity("contacts", sink);
    BOOST_TEST(!r.complete);
    BOOST_TEST(r.category == error_category::remote, r.message);
    BOOST_TEST(r.message.find("subscription") != std::string::npos, r.message);
    BOOST_TEST(sage.counters()[counter::refreshes] == 1u); // the first token only: no refresh loop
}

BOOST_AUTO_TEST_CASE(without_a_licence_nothing_is_requested)
{
    services.set_license_token(std::nullopt);
    books kept;
    collecting_sink sink(kept);
    const read_result r = read_entity("contacts", sink);
    BOOST_TEST(!r.complete);
    BOOST_TEST(r.category == error_category::license, r.message);
    BOOST_TEST(!r.message.empty());
    BOOST_TEST(requests_received() == 0u);
}

BOOST_AUTO_TEST_CASE(a_bad_request_is_refused_before_the_network)
{
    std::vector<read_request> bad(6);
    bad[0].entity = "contactz";
    bad[1].entity = "contacts";
    bad[1].fields = {"name", "no_such_field"};
    bad[2].entity = "contacts";
    bad[2].filters = {{"no_such_filter", "1"}};
    bad[3].entity = "contacts";
    bad[3].page_size = 0;
    bad[4].entity = "ledger_entries";
    bad[4].deletions = true;
    bad[5].entity = "sales_invoices";
    bad[5].state = R"({"version":1,"entity":"contacts","in_progress":false,"businesses":{}})";
    for (const auto& request : bad) {
        books kept;
        collecting_sink sink(kept);
        const read_result r = read(request, sink);
        BOOST_TEST(!r.complete);
        BOOST_TEST(r.category == error_category::config, r.message);
        BOOST_TEST(!r.message.empty());
        BOOST_TEST_MESSAGE("refused: " << r.message);
    }
    BOOST_TEST(requests_received() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
