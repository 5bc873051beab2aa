#include "sandbox_service.hpp"

#include "api_endpoints.hpp"
#include "control_api.hpp"
#include "error_bodies.hpp"
#include "oauth_endpoints.hpp"
#include "pagination.hpp"
#include "random_ids.hpp"

#include <boost/url/parse.hpp>

#include <stdexcept>

namespace sage_sandbox {
namespace {

constexpr std::string_view api_prefix = "/v3.1";

bool is_segment_after(std::string_view path, std::string_view prefix)
{
    // "/businesses/<one segment>"
    if (path.size() <= prefix.size() || path.substr(0, prefix.size()) != prefix)
        return false;
    return path.substr(prefix.size()).find('/') == std::string_view::npos;
}

// A body long enough to cut in half: a response with (almost) no body cannot be cut mid-way.
constexpr std::string_view cut_padding =
    R"({"$severity":"info","$message":"This response is cut short by the sandbox's close_mid_response fault."})";

} // namespace

std::string_view endpoint_of(std::string_view path)
{
    if (path == "/_sandbox" || path.substr(0, 10) == "/_sandbox/")
        return "control";
    if (path == "/oauth2/auth/central" || path == "/oauth2/auth")
        return "authorize";
    if (path == "/token")
        return "token";
    if (path == "/revoke")
        return "revoke";
    if (path.substr(0, api_prefix.size()) != api_prefix)
        return {};
    path.remove_prefix(api_prefix.size());
    if (path == "/user")
        return "user";
    if (path == "/businesses")
        return "businesses";
    if (is_segment_after(path, "/businesses/"))
        return "business";
    for (const auto& entity : entities()) {
        if (path.size() <= entity.name.size() || path[0] != '/' || path.substr(1, entity.name.size()) != entity.name)
            continue;
        if (path.size() == entity.name.size() + 1)
            return entity.name;
        if (is_segment_after(path, "/" + std::string(entity.name) + "/"))
            return entity.record_endpoint;
    }
    return {};
}

namespace {

record_generator make_generator(const seed_data& seed, const service_options& options)
{
    const std::vector<std::string> ids = seed.business_ids();
    std::vector<std::size_t> counts(ids.size(), options.other_business_records);
    std::vector<std::optional<std::size_t>> contacts(ids.size());
    counts.at(0) = options.records;
    contacts.at(0) = options.contacts;
    return record_generator(options.seed, ids, std::move(counts), std::move(contacts));
}

} // namespace

sandbox_service::sandbox_service(const service_options& options)
    : seed_(make_seed_data(options.seed)), records_(make_generator(seed_, options)),
      latency_ms_(options.latency.count()), tokens_(clock_, std::string(seed_.user.at("id").as_string()))
{
}

reply sandbox_service::handle(const http_request& request)
{
    const auto [path, query] = split_target(request.target);
    const std::string_view endpoint = endpoint_of(path);
    reply out;
    if (endpoint == "control") {
        out.response = handle_control(request, *this);
    } else if (endpoint.empty()) {
        counters_.count_request("unknown");
        out.response = api_error(404, data_code::record_not_found, "No such resource.");
    } else {
        counters_.count_request(endpoint);
        if (auto fault = faults_.take(endpoint)) {
            counters_.add(counter::faults_injected);
            out = apply_fault(*fault, request, endpoint, path);
        } else {
            out = route(request, endpoint, path);
        }
    }
    // Per-request latency for the API (not OAuth, not the control API), as a far-away server adds.
    if (endpoint != "control" && !endpoint.empty() && endpoint != "authorize" && endpoint != "token" &&
        endpoint != "revoke")
        out.delay += latency();
    // Sage returns a request id for support; clients log it. Date is Sage's clock: cursors come from it.
    out.response.headers.insert_or_assign("x-request-id", random_uuid());
    out.response.headers.insert_or_assign("Date", http_date(clock_.now()));
    return out;
}

reply sandbox_service::route(const http_request& request, std::string_view endpoint, std::string_view path)
{
    const sandbox_modes modes = this->modes();
    reply out;
    if (endpoint == "authorize" || endpoint == "token" || endpoint == "revoke") {
        oauth_context context{clients_, tokens_, counters_, modes};
        out.response = endpoint == "authorize" ? handle_authorize(request, context)
                       : endpoint == "token"   ? handle_token(request, context)
                                               : handle_revoke(request, context);
    } else {
        api_context context{tokens_, seed_, records_, counters_, modes};
        out.response = handle_api(request, endpoint, path.substr(api_prefix.size()), context);
    }
    return out;
}

reply sandbox_service::apply_fault(const fault_spec& fault, const http_request& request, std::string_view endpoint,
                                   std::string_view path)
{
    reply out;
    switch (fault.kind) {
    case fault_kind::rate_limited:
        out.response = api_error(429, data_code::too_many_requests, "Too many requests. Please try again later.");
        if (fault.retry_after_seconds)
            out.response.headers.emplace("Retry-After", std::to_string(*fault.retry_after_seconds));
        break;
    case fault_kind::server_error:
        out.response = api_error(500, data_code::unexpected_error, "An unexpected error occurred.");
        break;
    case fault_kind::service_unavailable:
        out.response = api_error(503, data_code::service_unavailable, "The service is temporarily unavailable.");
        break;
    case fault_kind::delay:
        // Processed now, delivered late: like a slow server, the work is done even if the client gives up.
        out = route(request, endpoint, path);
        out.delay = fault.delay;
        break;
    case fault_kind::close_mid_response:
        // Processed, then the answer is lost half-way: the realistic "did my refresh happen?" case.
        out = route(request, endpoint, path);
        if (out.response.body.size() < 2) {
            out.response.body = std::string(cut_padding);
            out.response.headers.insert_or_assign("Content-Type", "application/json; charset=utf-8");
        }
        out.how = delivery::close_mid_response;
        break;
    case fault_kind::drop_connection: out.how = delivery::drop_connection; break;
    case fault_kind::malformed_json:
        out.response = text_response(200, "application/json; charset=utf-8",
                                     R"({"$total":1,"$page":1,"$items":[{"id":"5f2c","displayed_as":"Trunc)");
        break;
    case fault_kind::oversize_body:
        out.response = text_response(200, "application/json; charset=utf-8", "");
        out.how = delivery::oversize_body;
        out.oversize_bytes = fault.oversize_bytes;
        break;
    }
    return out;
}

std::uint64_t sandbox_service::arm_fault(const fault_spec& fault)
{
    return faults_.arm(fault);
}
void sandbox_service::clear_faults(const std::optional<std::string>& endpoint)
{
    faults_.clear(endpoint);
}
bool sandbox_service::disarm_fault(std::uint64_t id)
{
    return faults_.disarm(id);
}
std::vector<armed_fault> sandbox_service::faults() const
{
    return faults_.list();
}

sandbox_modes sandbox_service::modes() const
{
    std::lock_guard lock(mutex_);
    return modes_;
}

void sandbox_service::set_modes(const sandbox_modes& modes)
{
    std::lock_guard lock(mutex_);
    modes_ = modes;
}

void sandbox_service::set_consent_mode(consent_mode mode)
{
    std::lock_guard lock(mutex_);
    modes_.consent = mode;
}

void sandbox_service::set_subscription_ended(bool ended)
{
    std::lock_guard lock(mutex_);
    modes_.subscription_ended = ended;
}

void sandbox_service::set_forbidden(std::vector<std::string> endpoints)
{
    std::lock_guard lock(mutex_);
    modes_.forbidden = std::move(endpoints);
}

void sandbox_service::set_invalid_client_status(unsigned status)
{
    if (status != 400 && status != 401)
        throw std::invalid_argument("invalid_client status must be 400 or 401");
    std::lock_guard lock(mutex_);
    modes_.invalid_client_status = status;
}

void sandbox_service::set_access_token_lifetime(std::chrono::seconds lifetime)
{
    token_lifetimes lifetimes = tokens_.lifetimes();
    lifetimes.access_token = lifetime;
    tokens_.set_lifetimes(lifetimes);
}

void sandbox_service::set_lifetimes(const token_lifetimes& lifetimes)
{
    tokens_.set_lifetimes(lifetimes);
}
token_lifetimes sandbox_service::lifetimes() const
{
    return tokens_.lifetimes();
}
void sandbox_service::set_revoke_family_on_reuse(bool on)
{
    tokens_.set_revoke_family_on_reuse(on);
}
bool sandbox_service::revoke_family_on_reuse() const
{
    return tokens_.revoke_family_on_reuse();
}

std::chrono::seconds sandbox_service::advance_clock(std::chrono::seconds by)
{
    return clock_.advance(by);
}
std::chrono::seconds sandbox_service::clock_offset() const
{
    return clock_.offset();
}
sandbox_clock::time_point sandbox_service::now() const
{
    return clock_.now();
}

void sandbox_service::register_client(const oauth_client& client)
{
    if (client.client_id.empty() || client.client_secret.empty())
        throw std::invalid_argument("a client needs a client_id and a client_secret");
    for (const auto& uri : client.redirect_uris) {
        auto parsed = boost::urls::parse_absolute_uri(uri);
        if (!parsed)
            throw std::invalid_argument("redirect URI '" + uri + "' is not an absolute URI without a fragment");
    }
    clients_.register_client(client);
}

std::vector<oauth_client> sandbox_service::clients() const
{
    return clients_.list();
}

counter_snapshot sandbox_service::counters() const
{
    return counters_.snapshot();
}
void sandbox_service::reset_counters()
{
    counters_.reset();
}
void sandbox_service::count(counter c, std::uint64_t n) noexcept
{
    counters_.add(c, n);
}

token_set sandbox_service::mint_tokens(std::string_view client_id, std::string_view scope)
{
    if (!clients_.find(client_id))
        throw std::invalid_argument("unknown client_id");
    if (scope != "full_access" && scope != "readonly")
        throw std::invalid_argument("scope must be full_access or readonly");
    counters_.add(counter::tokens_minted);
    return tokens_.mint(client_id, scope);
}

token_inspection sandbox_service::inspect_token(std::string_view token) const
{
    return tokens_.inspect(token);
}

std::size_t sandbox_service::business_of(std::string_view business) const
{
    if (business.empty())
        return 0; // the lead business
    auto index = records_.business_index(business);
    if (!index)
        throw std::invalid_argument("unknown business '" + std::string(business) + "' (see GET /v3.1/businesses)");
    return *index;
}

namespace {

const entity_kind& entity_named(std::string_view name)
{
    const entity_kind* entity = find_entity(name);
    if (entity == nullptr)
        throw std::invalid_argument("unknown entity '" + std::string(name) +
                                    "' (one of contacts, sales_invoices, "
                                    "sales_credit_notes, purchase_invoices, contact_payments, contact_allocations, "
                                    "ledger_accounts, ledger_entries, transactions, journals, bank_accounts, "
                                    "bank_transfers, products, services, tax_rates)");
    return *entity;
}

} // namespace

boost::json::object sandbox_service::create_record(std::string_view entity, std::string_view business,
                                                   const boost::json::object& fields)
{
    return records_.create(business_of(business), entity_named(entity), fields, unix_seconds(now()));
}

std::optional<boost::json::object> sandbox_service::update_record(std::string_view entity, std::string_view business,
                                                                  std::string_view id,
                                                                  const boost::json::object& fields)
{
    return records_.update(business_of(business), entity_named(entity), id, fields, unix_seconds(now()));
}

std::optional<deleted_record> sandbox_service::delete_record(std::string_view entity, std::string_view business,
                                                             std::string_view id)
{
    return records_.remove(business_of(business), entity_named(entity), id, unix_seconds(now()));
}

std::optional<boost::json::object> sandbox_service::find_record(std::string_view entity, std::string_view business,
                                                                std::string_view id) const
{
    return records_.find(business_of(business), entity_named(entity), id);
}

boost::json::object sandbox_service::ground_truth(std::string_view entity, std::string_view business,
                                                  std::string_view attributes) const
{
    const entity_kind& kind = entity_named(entity);
    const std::size_t b = business_of(business);
    // Only the summary fields asked for: no need to build whole records (fast for a million).
    bool summary = attributes != "all";
    for (std::string_view rest = attributes; summary && !rest.empty();) {
        const std::size_t comma = rest.find(',');
        const std::string_view name = rest.substr(0, comma);
        summary =
            name == "id" || name == "displayed_as" || name == "$path" || name == "created_at" || name == "updated_at";
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    boost::json::array live;
    live.reserve(records_.live_count(b, kind));
    records_.for_each_live(
        b, kind, [&](const boost::json::object& record) { live.emplace_back(project(record, attributes)); }, summary);
    boost::json::array gone;
    for (const auto& d : records_.deletions(b, kind))
        gone.emplace_back(d.to_json());
    const std::size_t total = live.size();
    return {
        {"entity", kind.name},
        {"business", records_.generator().business_id(b)},
        {"total", total},
        {"records", std::move(live)},
        {"deleted", std::move(gone)},
    };
}

void sandbox_service::set_latency(std::chrono::milliseconds latency)
{
    if (latency.count() < 0)
        throw std::invalid_argument("latency cannot be negative");
    latency_ms_.store(latency.count());
}

std::chrono::milliseconds sandbox_service::latency() const
{
    return std::chrono::milliseconds(latency_ms_.load());
}

void sandbox_service::reset()
{
    records_.reset();
    latency_ms_.store(0);
    tokens_.forget_all();
    tokens_.set_lifetimes(token_lifetimes{});
    tokens_.set_revoke_family_on_reuse(false);
    faults_.clear();
    clock_.reset();
    counters_.reset();
    std::lock_guard lock(mutex_);
    modes_ = sandbox_modes{};
}

void sandbox_service::set_info(boost::json::object info)
{
    std::lock_guard lock(mutex_);
    info_ = std::move(info);
}

boost::json::object sandbox_service::info() const
{
    std::lock_guard lock(mutex_);
    return info_;
}

} // namespace sage_sandbox
