#include "sage/collection_reader.hpp"

#include "transport/transport_failures.hpp"

#include <connector_support/iso8601.hpp>

#include <boost/url/encode.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace sage {

using connector_sdk::error_category;
using std::chrono::sys_seconds;

namespace {

// Query values keep ',' and ':' readable (attributes=a,b; sort=updated_at:asc); all else is encoded.
constexpr boost::urls::grammar::lut_chars query_value_chars =
    boost::urls::unreserved_chars + boost::urls::grammar::lut_chars(",:");

void add_parameter(std::string& query, std::string_view name, std::string_view value)
{
    if (!query.empty())
        query += '&';
    query += boost::urls::encode(name, query_value_chars);
    query += '=';
    query += boost::urls::encode(value, query_value_chars);
}

std::string fields_parameter(const connector_sdk::read_request& request, const entity_spec& entity)
{
    if (request.fields.empty())
        return "all";
    std::vector<std::string> fields = request.fields;
    auto add = [&fields](const char* field) {
        if (std::find(fields.begin(), fields.end(), field) == fields.end())
            fields.emplace_back(field);
    };
    add("id");
    if (entity.incremental)
        add("updated_at"); // the cursor follows it
    std::string text;
    for (const auto& f : fields)
        text += (text.empty() ? "" : ",") + f;
    return text;
}

std::uint64_t pages_for(std::uint64_t total, std::uint64_t page_size)
{
    return page_size == 0 ? 1 : std::max<std::uint64_t>(1, (total + page_size - 1) / page_size);
}

} // namespace

// What one request brought back: a parsed page, or why there is none.
struct collection_reader::page_answer {
    std::optional<collection_page> page;
    std::optional<connector_support::failure> problem; // why there is no page
    unsigned status = 0;                               // Sage's HTTP status, when it answered
    std::optional<sys_seconds> date;                   // Sage's clock
    std::string echoed_business;                       // X-Business of the answer
    std::uint64_t requested_page = 0;
    std::string unparsed; // the body of an answer with a page, until parse()
};

collection_reader::collection_reader(reader_services& services, const entity_spec& entity,
                                     const connector_sdk::read_request& request, read_state& state,
                                     connector_sdk::read_sink& sink, connector_sdk::read_counters& counters)
    : services_(services), entity_(entity), request_(request), state_(state), sink_(sink), counters_(counters),
      added_updated_at_(entity.incremental && !request.fields.empty() &&
                        std::find(request.fields.begin(), request.fields.end(), "updated_at") == request.fields.end())
{
}

std::uint64_t collection_reader::page_size_at_anchor() const
{
    const run_progress& run = *business_->run;
    if (run.anchor_page_size >= 1 && run.anchor_page_size <= 200)
        return run.anchor_page_size;
    return static_cast<std::uint64_t>(std::clamp(request_.page_size, 1, 200));
}

bool collection_reader::checkpoint()
{
    if (stopped_)
        return false;
    std::string state = encode_read_state(state_);
    if (!sink_.on_checkpoint(state)) {
        stopped_ = true;
        return false;
    }
    last_checkpoint_ = std::move(state);
    return true;
}

business_read_outcome collection_reader::read_business(const std::string& business_id)
{
    business_id_ = business_id;
    lead_ = {};
    business_ = business_id.empty() ? &lead_ : &state_.businesses[business_id];
    if (!business().run) {
        run_progress fresh;
        fresh.from = business().cursor;
        if (!fresh.from && request_.start_time && entity_.incremental)
            fresh.from = request_.start_time;
        fresh.anchor = fresh.from;
        business().run = fresh;
    }
    previous_page_ids_.clear();
    seen_.clear();
    seen_overflow_ = false;
    seen_deleted_.clear();
    total_changed_ = false;
    if (run().phase == read_phase::records) {
        const bool resumed = run().next_page > 1 || run().started != sys_seconds{};
        const bool ordered = entity_.incremental && entity_.sortable_by("updated_at");
        auto result = ordered ? read_ordered() : read_by_page(read_phase::records);
        if (result.end != business_read_end::complete)
            return result;
        if (!ordered && (resumed || total_changed_ || !seen_.empty() || seen_overflow_))
            check_for_shift();
    }
    return finish();
}

// A page read over a collection that changed meanwhile: a deletion before a page not yet read moves
// a record onto a page already read, and a record created meanwhile may hide it from $total. One
// request says whether anything was deleted since the read began (from the second before its first
// answer, so that a deletion in that second counts); if so the next read reads this read's window
// again.
void collection_reader::check_for_shift()
{
    if (run().shrank || !entity_.incremental)
        return;
    if (!entity_.deletions) {
        run().shrank = total_changed_;
        return;
    }
    std::string query;
    add_parameter(query, "items_per_page", "1");
    add_parameter(query, "deleted_since", connector_support::iso8601_text(run().started - std::chrono::seconds(1)));
    const page_answer answer = fetch(query, 1);
    if (!answer.page || !answer.page->items.empty())
        run().shrank = true; // deleted meanwhile, or unknown: read the window again
}

void collection_reader::adopt_business(const page_answer& answer)
{
    if (!business_id_.empty() || answer.echoed_business.empty())
        return;
    business_id_ = answer.echoed_business;
    // Read from the start (lead_ had no cursor): what was kept under the id before is superseded.
    business_state& kept = state_.businesses[business_id_];
    kept = std::move(lead_);
    business_ = &kept;
}

business_read_outcome collection_reader::outcome(business_read_end end, connector_support::failure failure) const
{
    return {end, business_id_, std::move(failure)};
}

// Deletions (when asked for and declared), then the cursors of the next read.
business_read_outcome collection_reader::finish()
{
    const bool deletions = request_.deletions && entity_.deletions;
    if (deletions && business().deleted_cursor) {
        if (run().phase == read_phase::records) {
            run().phase = read_phase::deletions;
            run().next_page = 1;
            previous_page_ids_.clear();
            if (!checkpoint())
                return outcome(business_read_end::stopped);
        }
        auto result = read_by_page(read_phase::deletions);
        if (result.end != business_read_end::complete)
            return result;
    }
    const sys_seconds next = run().started - services_.lookback;
    if (entity_.incremental) {
        // A collection that lost records while read by page may have moved a record from a page not
        // yet read to one already read: read the same window again next time.
        const bool shrank = run().shrank;
        business().cursor = shrank ? run().from : std::optional<sys_seconds>(next);
        business().seen.clear();
        if (!shrank && !seen_overflow_)
            for (const auto& s : seen_)
                if (s.updated_at >= next)
                    business().seen.push_back(s);
    }
    if (deletions) {
        business().deleted_cursor = next;
        // deleted_since lists again what was deleted within the lookback: remembered, not reported twice.
        business().seen_deleted.clear();
        if (seen_deleted_.size() < max_seen_records)
            for (const auto& s : seen_deleted_)
                if (s.updated_at > next)
                    business().seen_deleted.push_back(s);
    }
    business().run.reset();
    business().finished = true;
    return outcome(business_read_end::complete);
}

// Ordered by updated_at, each request anchored on the last instant delivered.
business_read_outcome collection_reader::read_ordered()
{
    while (true) {
        page_answer answer = fetch(query_for(read_phase::records, true), run().next_page);
        if (!answer.page)
            return failed(answer);
        adopt_business(answer);
        note_start(answer);
        const collection_page& page = *answer.page;
        if (!deliver_records(page))
            return outcome(business_read_end::stopped);
        for (const auto& item : page.items)
            remember_seen(item);
        if (page.items.empty() || !page.has_next)
            return outcome(business_read_end::complete);
        const auto last = page.items.back().updated_at;
        if (!last)
            return outcome(business_read_end::failed,
                           connector_support::fail(error_category::remote,
                                                   "Sage's answer for " + std::string(entity_.name) +
                                                       " sorted by updated_at lists a record without updated_at"));
        const bool same_anchor = run().anchor && *last == *run().anchor;
        if (same_anchor) {
            // A whole page at the anchor's instant: the same anchor's next page, of the same size.
            run().anchor_page_size = page_size_at_anchor();
            ++run().next_page;
        } else {
            run().anchor = last;
            run().anchor_ids.clear();
            run().next_page = 1;
        }
        for (const auto& item : page.items)
            if (item.updated_at == run().anchor && run().anchor_ids.size() < max_seen_records &&
                std::find(run().anchor_ids.begin(), run().anchor_ids.end(), item.id) == run().anchor_ids.end())
                run().anchor_ids.push_back(item.id);
        if (!same_anchor) {
            // The next answer starts with the anchor's records already delivered (the filter is
            // inclusive): ask for that many more, so that each request brings a full page of new ones.
            const auto wanted = static_cast<std::uint64_t>(std::clamp(request_.page_size, 1, 200)) +
                                static_cast<std::uint64_t>(run().anchor_ids.size());
            run().anchor_page_size = std::min<std::uint64_t>(wanted, 200);
        }
        if (!checkpoint())
            return outcome(business_read_end::stopped);
    }
}

// Fetches pages ahead of the one being delivered, on `concurrency` threads, at most `window` pages
// ahead, and hands them over in page order.
class collection_reader::page_fetcher {
public:
    page_fetcher(collection_reader& reader, std::string query, std::uint64_t first, std::uint64_t last, int concurrency)
        : reader_(reader), query_(std::move(query)), next_(first), deliver_(first), last_(last),
          window_(static_cast<std::uint64_t>(concurrency) * 2)
    {
        for (int i = 0; i < concurrency && first + static_cast<std::uint64_t>(i) <= last; ++i)
            workers_.emplace_back([this] { work(); });
    }
    page_fetcher(const page_fetcher&) = delete;
    page_fetcher& operator=(const page_fetcher&) = delete;

    ~page_fetcher()
    {
        {
            const std::lock_guard lock(mutex_);
            closing_ = true;
        }
        changed_.notify_all();
        for (auto& worker : workers_)
            worker.join();
    }

    // The next page in order, waiting for it; nothing once `last` has been handed over.
    std::optional<page_answer> next()
    {
        std::unique_lock lock(mutex_);
        if (deliver_ > last_)
            return std::nullopt;
        changed_.wait(lock, [this] { return ready_.count(deliver_) != 0; });
        page_answer answer = std::move(ready_.at(deliver_));
        ready_.erase(deliver_);
        ++deliver_;
        lock.unlock();
        changed_.notify_all();
        return answer;
    }

private:
    void work()
    {
        while (true) {
            std::uint64_t page = 0;
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [this] { return closing_ || next_ > last_ || next_ < deliver_ + window_; });
                if (closing_ || next_ > last_)
                    return;
                page = next_++;
            }
            page_answer answer = reader_.request(query_, page); // parsed by the delivering thread
            {
                const std::lock_guard lock(mutex_);
                ready_.emplace(page, std::move(answer));
            }
            changed_.notify_all();
        }
    }

    collection_reader& reader_;
    const std::string query_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t next_;    // the next page a worker fetches
    std::uint64_t deliver_; // the next page handed over
    const std::uint64_t last_;
    const std::uint64_t window_;
    bool closing_ = false;
    std::map<std::uint64_t, page_answer> ready_;
    std::vector<std::thread> workers_;
};

// By page number: the first page says how many there are; the rest are fetched concurrently and
// delivered in order; `$next == null` ends the read.
business_read_outcome collection_reader::read_by_page(read_phase phase)
{
    const std::string query = query_for(phase, false);
    page_answer first = fetch(query, run().next_page);
    if (!first.page)
        return failed(first);
    adopt_business(first);
    note_start(first);
    const auto page_size = first.page->items_per_page.value_or(static_cast<std::uint64_t>(request_.page_size));
    const std::uint64_t first_total = first.page->total.value_or(0);

    // Hands one page over; the outcome when the read ends with it.
    auto take = [&](page_answer& answer) -> std::optional<business_read_outcome> {
        parse(answer);
        if (!answer.page)
            return failed(answer);
        const collection_page& page = *answer.page;
        if (page.page && *page.page != answer.requested_page) {
            // Past the end Sage answers with the last page again: the collection shrank meanwhile.
            run().shrank = true;
            return outcome(business_read_end::complete);
        }
        if (page.total && *page.total < first_total)
            run().shrank = true;
        if (page.total && *page.total != first_total)
            total_changed_ = true;
        if (!(phase == read_phase::records ? deliver_records(page) : deliver_deletions(page)))
            return outcome(business_read_end::stopped);
        if (phase == read_phase::records)
            for (const auto& item : page.items)
                remember_seen(item);
        run().next_page = answer.requested_page + 1;
        if (!page.has_next || page.items.empty())
            return outcome(business_read_end::complete);
        if (!checkpoint())
            return outcome(business_read_end::stopped);
        return std::nullopt;
    };

    if (auto end = take(first))
        return *end;
    const std::uint64_t last = std::max(pages_for(first_total, page_size), run().next_page);
    {
        page_fetcher fetcher(*this, query, run().next_page, last, std::clamp(request_.concurrency, 1, 16));
        while (auto answer = fetcher.next())
            if (auto end = take(*answer))
                return *end;
    }
    // More pages than $total said at first (records were added meanwhile): follow $next one at a
    // time, bounded.
    for (int extra = 0; extra < 100000; ++extra) {
        page_answer answer = fetch(query, run().next_page);
        if (auto end = take(answer))
            return *end;
    }
    return outcome(business_read_end::failed,
                   connector_support::fail(error_category::remote, "Sage kept announcing more pages of " +
                                                                       std::string(entity_.name) + " than it holds"));
}

std::string collection_reader::query_for(read_phase phase, bool ordered) const
{
    const run_progress& run = *business_->run;
    std::string query;
    if (entity_.paged)
        add_parameter(query, "items_per_page",
                      std::to_string(ordered ? page_size_at_anchor()
                                             : static_cast<std::uint64_t>(std::clamp(request_.page_size, 1, 200))));
    if (phase == read_phase::deletions) {
        add_parameter(query, "deleted_since", connector_support::iso8601_text(*business_->deleted_cursor));
        return query;
    }
    add_parameter(query, "attributes", fields_parameter(request_, entity_));
    for (const auto& filter : request_.filters)
        add_parameter(query, filter.key, filter.value);
    const auto since = ordered ? run.anchor : run.from;
    if (since && entity_.incremental)
        add_parameter(query, "updated_or_created_since", connector_support::iso8601_text(*since));
    if (ordered)
        add_parameter(query, "sort", "updated_at:asc");
    return query;
}

collection_reader::page_answer collection_reader::fetch(const std::string& query, std::uint64_t page)
{
    page_answer answer = request(query, page);
    parse(answer);
    return answer;
}

void collection_reader::parse(page_answer& answer) const
{
    if (answer.page || answer.problem)
        return;
    auto parsed = parse_collection_page(std::move(answer.unparsed), entity_.name, entity_.key_field);
    answer.unparsed = {};
    if (!parsed) {
        answer.problem = parsed.error();
        return;
    }
    answer.page = std::move(*parsed);
}

collection_reader::page_answer collection_reader::request(const std::string& query, std::uint64_t page)
{
    page_answer answer;
    answer.requested_page = page;
    http_request request;
    request.url = services_.api_base;
    std::string base_path = request.url.target;
    while (!base_path.empty() && base_path.back() == '/')
        base_path.pop_back();
    std::string target = base_path + "/" + std::string(entity_.name) + "?" + query;
    if (entity_.paged)
        target += "&page=" + std::to_string(page);
    request.url.target = std::move(target);

    auto token = services_.access_token();
    if (!token) {
        answer.problem = token.error();
        return answer;
    }
    http_result result;
    for (int attempt = 0; attempt < 2; ++attempt) {
        request.headers = {{"Authorization", "Bearer " + *token}, {"Accept", "application/json"}};
        if (!business_id_.empty())
            request.headers.push_back({"X-Business", business_id_});
        {
            request_budget::slot slot(*services_.budget);
            result = services_.http->send(request);
        }
        {
            const std::lock_guard lock(counters_mutex_);
            counters_.requests += static_cast<std::uint64_t>(std::max(result.attempts, 1));
            counters_.retries += static_cast<std::uint64_t>(std::max(result.attempts - 1, 0));
        }
        if (!result.response || !rejects_token(*result.response) || attempt == 1 || !services_.renewable)
            break;
        token = services_.renew_token(*token);
        if (!token) {
            answer.problem = token.error();
            return answer;
        }
    }
    if (!result.response) {
        answer.problem = describe_transport(result.failure, result.message, "the Sage API");
        return answer;
    }
    http_response& response = *result.response;
    answer.status = response.status;
    if (const auto date = response.header("Date"))
        answer.date = connector_support::parse_http_date(*date);
    if (const auto business = response.header("X-Business"))
        answer.echoed_business = std::string(*business);
    if (response.status != 200) {
        const std::string area =
            std::string(entity_.title) + (business_id_.empty() ? std::string() : " of business " + business_id_);
        answer.problem = describe_refusal(response, area, services_.renewable);
        // Sage's own failures (429, 5xx) are sentences about the API: say what was being read.
        if ((response.status == 429 || response.status >= 500) &&
            answer.problem->message.find(area) == std::string::npos)
            answer.problem->message = "reading " + area + ", " + answer.problem->message;
        if (services_.log)
            services_.log("Sage answered HTTP " + std::to_string(response.status) + " to GET /" +
                          std::string(entity_.name) + " page " + std::to_string(page));
        return answer;
    }
    answer.unparsed = std::move(response.body);
    return answer;
}

bool collection_reader::deliver_records(const collection_page& page)
{
    const business_state& business = *business_;
    const run_progress& run = *business.run;
    connector_sdk::record_batch batch;
    batch.entity = entity_.name;
    batch.business_id = business_id_;
    std::vector<std::string> ids;
    ids.reserve(page.items.size());
    for (const auto& item : page.items) {
        ids.push_back(item.id);
        // Page reads: a record that slid from the page delivered last (a record was added before it).
        if (std::binary_search(previous_page_ids_.begin(), previous_page_ids_.end(), item.id))
            continue;
        // Ordered reads: the anchor's records were delivered already (updated_or_created_since is inclusive).
        if (item.updated_at && run.anchor && *item.updated_at == *run.anchor &&
            std::find(run.anchor_ids.begin(), run.anchor_ids.end(), item.id) != run.anchor_ids.end())
            continue;
        // The previous read's last records, at its cursor's instant, unchanged since.
        if (item.updated_at && std::any_of(business.seen.begin(), business.seen.end(), [&](const seen_record& s) {
                return s.id == item.id && s.updated_at == *item.updated_at;
            }))
            continue;
        if (request_.limit && counters_.records + batch.records.size() >= *request_.limit)
            break;
        if (added_updated_at_)
            batch.records.push_back(without_member(page.raw(item), "updated_at"));
        else
            batch.records.emplace_back(page.raw(item));
    }
    std::sort(ids.begin(), ids.end());
    previous_page_ids_ = std::move(ids);
    counters_.pages += 1;
    counters_.records += batch.records.size();
    if (!batch.records.empty() && !sink_.on_records(batch))
        stopped_ = true;
    sink_.on_progress({counters_.records, counters_.pages, page.total});
    if (request_.limit && counters_.records >= *request_.limit)
        stopped_ = true;
    return !stopped_;
}

bool collection_reader::deliver_deletions(const collection_page& page)
{
    connector_sdk::deletion_batch batch;
    batch.entity = entity_.name;
    batch.business_id = business_id_;
    std::vector<std::string> ids;
    const business_state& business = *business_;
    const sys_seconds window = business_->run->started - services_.lookback;
    for (const auto& item : page.items) {
        ids.push_back(item.id);
        if (item.deleted_at && *item.deleted_at > window && seen_deleted_.size() < max_seen_records)
            seen_deleted_.push_back({item.id, *item.deleted_at});
        // A deletion slid from the page delivered last, or one the previous read reported already.
        if (std::binary_search(previous_page_ids_.begin(), previous_page_ids_.end(), item.id))
            continue;
        if (item.deleted_at &&
            std::any_of(business.seen_deleted.begin(), business.seen_deleted.end(),
                        [&](const seen_record& s) { return s.id == item.id && s.updated_at == *item.deleted_at; }))
            continue;
        batch.ids.push_back(item.id);
    }
    std::sort(ids.begin(), ids.end());
    previous_page_ids_ = std::move(ids);
    counters_.pages += 1;
    counters_.deletions += batch.ids.size();
    if (!batch.ids.empty() && !sink_.on_deletions(batch))
        stopped_ = true;
    return !stopped_;
}

void collection_reader::note_start(const page_answer& answer)
{
    if (run().started != sys_seconds{})
        return;
    if (answer.date) {
        run().started = *answer.date;
        return;
    }
    run().started = std::chrono::floor<std::chrono::seconds>(services_.now());
    if (services_.log)
        services_.log("Sage's answer carried no Date header: the next cursor comes from this host's clock");
}

void collection_reader::remember_seen(const page_item& item)
{
    const run_progress& run = *business_->run;
    if (!item.updated_at || run.started == sys_seconds{} || *item.updated_at < run.started - services_.lookback)
        return;
    if (seen_.size() >= max_seen_records) {
        seen_overflow_ = true; // too many to keep: the next read may deliver some again
        return;
    }
    seen_.push_back({item.id, *item.updated_at});
}

business_read_outcome collection_reader::failed(const page_answer& answer) const
{
    // Sage refused this business or entity to this user (403): skipped, the rest goes on.
    return outcome(answer.status == 403 ? business_read_end::skipped : business_read_end::failed, *answer.problem);
}

} // namespace sage
