// Reads one Sage collection for one business as Sage really behaves, handing records, deleted ids
// and checkpoints to the host's sink:
// - collections Sage can sort by updated_at are read in that order, each request anchored on the
//   last updated_at delivered (inclusive, so the anchor's records are deduplicated by id): records
//   changed during the read move behind the anchor and are read again, none is skipped;
// - the others are read by page number, the pages after the first fetched concurrently (bounded)
//   and delivered in order; the end is `$next == null` (a page past the end is the last page again);
// - the next read's cursor comes from Sage's clock (the Date of the first answer) minus a lookback;
// - deletions are read with `deleted_since` (exclusive) after the records.
// Memory is bounded by the pages in flight, whatever the number of records.
#pragma once

#include "sage/collection_page.hpp"
#include "sage/read_state.hpp"
#include "sage/request_budget.hpp"
#include "sage/sage_api.hpp"
#include "sage/sage_catalogue.hpp"
#include "transport/http_client.hpp"

#include <connector_sdk/data_access.hpp>
#include <connector_support/result.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace sage {

// What the reader needs from the connection around it.
struct reader_services {
    http_client* http = nullptr;
    endpoint api_base;                      // ApiBaseURL, e.g. https://api.accounting.sage.com/v3.1
    std::shared_ptr<request_budget> budget; // the OAuth application's concurrent-request budget
    // A usable access token, and a new one after Sage refused `rejected` (one refresh, single-flight).
    std::function<connector_support::result<std::string>()> access_token;
    std::function<connector_support::result<std::string>(const std::string& rejected)> renew_token;
    // Whether a rejected token can be renewed at all (InitiateOAuth is not OFF): the sentences differ.
    bool renewable = true;
    std::function<void(std::string_view)> log;
    // The host's clock: only when Sage's answer carries no Date (Sage's clock is the cursor's source).
    std::function<std::chrono::system_clock::time_point()> now;
    std::chrono::seconds lookback{60}; // the next cursor is Sage's clock at the start minus this
};

enum class business_read_end : std::uint8_t {
    complete, // every record (and deletion) was delivered
    stopped,  // the sink stopped the read, or the limit was reached
    skipped,  // Sage refused this business or entity (403): the reason is in `failure`
    failed,   // the read cannot go on: the reason is in `failure`
};

struct business_read_outcome {
    business_read_end end = business_read_end::failed;
    std::string business_id; // the business read (the lead's id when none was named)
    connector_support::failure failure;
};

// One read of one entity: it owns nothing but keeps the counters and the state up to date, and
// sends a checkpoint (the whole state, encoded) after every page delivered.
class collection_reader {
public:
    collection_reader(reader_services& services, const entity_spec& entity, const connector_sdk::read_request& request,
                      read_state& state, connector_sdk::read_sink& sink, connector_sdk::read_counters& counters);

    // Reads the business `business_id`, or the lead business when it is empty.
    [[nodiscard]] business_read_outcome read_business(const std::string& business_id);

    // Whether the sink stopped the read or the limit is reached.
    [[nodiscard]] bool stopped() const noexcept { return stopped_; }

    // Sends the state as a checkpoint. False when the sink stopped the read.
    bool checkpoint();

    // The state of the last checkpoint the sink accepted ("" before the first).
    [[nodiscard]] const std::string& last_checkpoint() const noexcept { return last_checkpoint_; }

private:
    class page_fetcher;
    struct page_answer;

    [[nodiscard]] business_read_outcome read_ordered();
    [[nodiscard]] business_read_outcome read_by_page(read_phase phase);
    [[nodiscard]] business_read_outcome finish();
    void check_for_shift();

    // The first answer names the lead business: from then on its state lives under its id.
    void adopt_business(const page_answer& answer);
    [[nodiscard]] business_state& business() noexcept { return *business_; }
    [[nodiscard]] run_progress& run() noexcept { return *business_->run; }
    [[nodiscard]] business_read_outcome outcome(business_read_end end, connector_support::failure failure = {}) const;

    // One request for a page, its body left unparsed (fetching threads only wait on the network).
    [[nodiscard]] page_answer request(const std::string& query, std::uint64_t page);
    // Parses the body a request brought back (nothing when the answer is parsed or failed already).
    void parse(page_answer& answer) const;
    // A request and its parse.
    [[nodiscard]] page_answer fetch(const std::string& query, std::uint64_t page);
    [[nodiscard]] std::string query_for(read_phase phase, bool ordered) const;
    // Ordered reads: items_per_page of the requests at the current anchor.
    [[nodiscard]] std::uint64_t page_size_at_anchor() const;
    [[nodiscard]] bool deliver_records(const collection_page& page);
    [[nodiscard]] bool deliver_deletions(const collection_page& page);
    [[nodiscard]] business_read_outcome failed(const page_answer& answer) const;
    void remember_seen(const page_item& item);
    // The read's start on Sage's clock, from the first answer (the host's clock if it has no Date).
    void note_start(const page_answer& answer);

    reader_services& services_;
    const entity_spec& entity_;
    const connector_sdk::read_request& request_;
    read_state& state_;
    connector_sdk::read_sink& sink_;
    connector_sdk::read_counters& counters_;
    bool stopped_ = false;
    std::string last_checkpoint_;
    std::mutex counters_mutex_; // fetching threads add their requests and retries
    std::string business_id_;   // the business being read ("" until the lead's id is known)
    business_state lead_;       // the lead business's state until its id is known
    business_state* business_ = nullptr;
    std::vector<std::string> previous_page_ids_; // page reads: ids of the page delivered last, sorted
    std::vector<seen_record> seen_;              // delivered records within the lookback of the start
    bool seen_overflow_ = false;
    std::vector<seen_record> seen_deleted_; // deletions listed within the lookback of the start
    bool total_changed_ = false;            // page reads: $total moved during the read
    // Fields were chosen without updated_at: the reader asks for it (the cursor follows it) and
    // takes it out of the records it hands over.
    const bool added_updated_at_;
};

} // namespace sage
