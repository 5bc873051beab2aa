#include "connector/sage_data_access.hpp"

#include "connector/access_session.hpp"
#include "connector/connector_identity.hpp"
#include "connector/entry_point.hpp"
#include "form/form_validation.hpp"
#include "form/text_similarity.hpp"
#include "sage/collection_reader.hpp"
#include "sage/sage_api.hpp"
#include "sage/sage_catalogue.hpp"

#include <connector_support/ascii_text.hpp>
#include <connector_support/iso8601.hpp>

#include <algorithm>

namespace sage {
namespace {

using connector_sdk::error_category;
using connector_support::fail;
using connector_support::failure;
using connector_support::result;

constexpr std::size_t max_filter_value = 1000;
constexpr std::size_t max_fields = 500;

connector_sdk::read_result read_failure(const failure& why)
{
    connector_sdk::read_result r;
    r.complete = false;
    r.category = why.category;
    r.message = why.message;
    return r;
}

// " (did you mean sales_invoices?)" when a catalogue name is close to `name`.
std::string entity_names_like(std::string_view name)
{
    std::vector<std::string_view> names;
    for (const auto& e : sage_catalogue())
        names.push_back(e.name);
    const auto nearest = find_nearest(name, names);
    if (!nearest || !is_plausible_typo(name, nearest->distance))
        return "";
    return " (did you mean " + std::string(nearest->word) + "?)";
}

result<const entity_spec*> entity_named(std::string_view name)
{
    if (const entity_spec* entity = find_entity(name))
        return entity;
    return fail(error_category::config, "Sage has no collection " + connector_support::quote_for_message(name) +
                                            entity_names_like(name) +
                                            ": list the entities to see the names Sage uses, such as contacts or "
                                            "sales_invoices");
}

// The filters the reader sets itself, and what the request offers instead of each.
std::optional<std::string> reserved_filter(std::string_view name)
{
    if (name == "updated_or_created_since")
        return "the read's state or start time sets it";
    if (name == "deleted_since")
        return "ask for deletions instead";
    if (name == "page" || name == "items_per_page")
        return "the reader pages by itself; set the page size instead";
    if (name == "attributes")
        return "choose the fields instead";
    if (name == "sort")
        return "the reader chooses the order that loses no record";
    return std::nullopt;
}

result<void> check_filter(const entity_spec& entity, const connector_sdk::key_value& filter)
{
    const std::string quoted = connector_support::quote_for_message(filter.key, 40);
    if (auto why = reserved_filter(filter.key))
        return fail(error_category::config, "the filter " + quoted + " cannot be given: " + *why);
    std::string_view type;
    if ((filter.key == "from_date" || filter.key == "to_date") && entity.date_range)
        type = "date";
    else if (filter.key == "search" && entity.search)
        type = "string";
    else
        for (const auto& f : entity.filters)
            if (f.name == filter.key)
                type = f.type;
    if (type.empty()) {
        std::string known;
        for (const auto& f : entity.filters)
            known += (known.empty() ? "" : ", ") + std::string(f.name);
        if (entity.date_range)
            known += std::string(known.empty() ? "" : ", ") + "from_date, to_date";
        if (entity.search)
            known += std::string(known.empty() ? "" : ", ") + "search";
        return fail(error_category::config,
                    std::string(entity.name) + " has no filter " + quoted +
                        (known.empty() ? ": it takes none" : ": the filters Sage declares for it are " + known));
    }
    if (filter.value.empty() || filter.value.size() > max_filter_value)
        return fail(error_category::config, "the filter " + quoted + " needs a value of 1 to 1000 characters");
    if ((type == "date" || type == "date-time") && !connector_support::parse_iso8601(filter.value))
        return fail(error_category::config, "the filter " + quoted +
                                                " takes a date such as 2026-12-31 or "
                                                "2026-12-31T23:59:59Z; got " +
                                                connector_support::quote_for_message(filter.value));
    if (type == "boolean" && filter.value != "true" && filter.value != "false")
        return fail(error_category::config, "the filter " + quoted + " takes true or false");
    if (type == "integer" &&
        !std::all_of(filter.value.begin(), filter.value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return fail(error_category::config, "the filter " + quoted + " takes a whole number");
    return {};
}

result<void> check_fields(const entity_spec& entity, const std::vector<std::string>& fields)
{
    if (fields.size() > max_fields)
        return fail(error_category::config, "at most 500 fields can be chosen");
    const auto known = record_fields(entity);
    for (const auto& field : fields)
        if (std::find(known.begin(), known.end(), field) == known.end())
            return fail(error_category::config, std::string(entity.title) + " records have no field " +
                                                    connector_support::quote_for_message(field, 40) +
                                                    ": see the entity's schema for the fields Sage sends");
    return {};
}

bool plausible_business_id(std::string_view id)
{
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
    });
}

// The request, checked before anything reaches the network.
result<const entity_spec*> check_request(const connector_sdk::read_request& request)
{
    auto entity = entity_named(request.entity);
    if (!entity)
        return entity;
    if (request.page_size < 1 || request.page_size > 200)
        return fail(error_category::config, "the page size must be 1 to 200 (Sage sends at most 200 records a page)");
    if (request.concurrency < 1 || request.concurrency > 16)
        return fail(error_category::config, "the concurrency must be 1 to 16 requests at a time");
    if (request.deletions && !(*entity)->deletions)
        return fail(error_category::config, std::string((*entity)->title) +
                                                " cannot report deletions (Sage declares no deleted_since for it): "
                                                "read it without deletions");
    if (request.start_time && !(*entity)->incremental)
        return fail(error_category::config, std::string((*entity)->title) +
                                                " cannot be read from a start time (Sage declares no "
                                                "updated_or_created_since for it): it is read in full");
    if (!request.business.empty() && request.business != "all" && !plausible_business_id(request.business))
        return fail(error_category::config, "the business must be a business id, \"all\", or empty for the "
                                            "connection's business");
    for (const auto& filter : request.filters)
        if (auto checked = check_filter(**entity, filter); !checked)
            return checked.error();
    if (auto checked = check_fields(**entity, request.fields); !checked)
        return checked.error();
    return entity;
}

std::string first_error(const std::vector<connector_sdk::field_error>& errors)
{
    return errors.front().message + (errors.size() > 1 ? " (and " + std::to_string(errors.size() - 1) + " more)" : "");
}

// Every business the user reaches, for business "all".
result<std::vector<std::string>> all_businesses(access_session& session, connector_sdk::host_services& services)
{
    sage_api api(session.http(), session.settings().api_base_url, session.access(),
                 [&services](std::string_view line) { services.log(connector_sdk::log_level::debug, line); });
    auto listed = api.businesses();
    if (!listed)
        return listed.error();
    std::vector<std::string> ids;
    for (const auto& b : *listed)
        ids.push_back(b.id);
    return ids;
}

// Which businesses this read covers: all of them, the one named, the form's BusinessId, the one the
// state followed so far, or the lead business ("", known from Sage's first answer).
result<std::vector<std::string>> businesses_to_read(const entity_spec& entity,
                                                    const connector_sdk::read_request& request,
                                                    const connection_settings& settings, const read_state& state,
                                                    access_session& session, connector_sdk::host_services& services)
{
    if (!entity.per_business)
        return std::vector<std::string>{std::string()}; // one answer for the user, whatever the business
    if (request.business == "all")
        return all_businesses(session, services);
    if (!request.business.empty())
        return std::vector<std::string>{request.business};
    if (settings.business_id)
        return std::vector<std::string>{*settings.business_id};
    if (state.businesses.size() == 1)
        return std::vector<std::string>{state.businesses.begin()->first};
    return std::vector<std::string>{std::string()};
}

} // namespace

sage_data_access::sage_data_access(connector_sdk::host_services& services, license_gate& license,
                                   http_client_cache& clients, host_credentials& credentials) noexcept
    : services_(services), license_(license), clients_(clients), credentials_(credentials)
{
}

connector_sdk::entity_list_result sage_data_access::list_entities(const connector_sdk::form_values& /*form*/) noexcept
{
    return run_entry_point(services_, "list_entities", [] {
        connector_sdk::entity_list_result listed;
        for (const auto& entity : sage_catalogue())
            listed.entities.push_back(to_entity_info(entity));
        return listed;
    });
}

connector_sdk::entity_schema_result sage_data_access::describe_entity(const connector_sdk::form_values& /*form*/,
                                                                      std::string_view entity) noexcept
{
    return run_entry_point(services_, "describe_entity", [entity] {
        connector_sdk::entity_schema_result described;
        auto found = entity_named(entity);
        if (!found) {
            described.category = found.error().category;
            described.message = found.error().message;
            return described;
        }
        described.json_schema = record_json_schema(**found);
        return described;
    });
}

connector_sdk::read_result sage_data_access::read(const connector_sdk::form_values& form,
                                                  const connector_sdk::read_request& request,
                                                  connector_sdk::read_sink& sink) noexcept
{
    return run_entry_point(services_, "read", [&] { return licensed_read(form, request, sink); });
}

connector_sdk::read_result sage_data_access::licensed_read(const connector_sdk::form_values& form,
                                                           const connector_sdk::read_request& request,
                                                           connector_sdk::read_sink& sink)
{
    auto entity = check_request(request);
    if (!entity)
        return read_failure(entity.error());

    validated_form checked = sage::validate(form, environment_of(services_, connector_id));
    if (!checked.ok())
        return read_failure(fail(error_category::config, first_error(checked.errors)));

    const connector_sdk::license_status license = license_.check();
    if (!license.permits_use())
        return read_failure(fail(error_category::license, license.user_message));

    auto state = decode_read_state(request.state, request.entity);
    if (!state)
        return read_failure(state.error());

    auto session = access_session::open(checked.settings(), services_, clients_, credentials_, checked.loaded_keystore);
    if (!session)
        return read_failure(session.error());

    auto businesses = businesses_to_read(**entity, request, checked.settings(), *state, **session, services_);
    if (!businesses)
        return read_failure(businesses.error());

    reader_services environment_of_reader;
    environment_of_reader.http = &(*session)->http();
    environment_of_reader.api_base = checked.settings().api_base_url;
    environment_of_reader.budget =
        request_budget::for_app((*session)->plan().app ? (*session)->plan().app->client_id : std::string("form"));
    environment_of_reader.access_token = [&s = **session] { return s.token(); };
    environment_of_reader.renew_token = [&s = **session](const std::string& rejected) { return s.renew(rejected); };
    environment_of_reader.renewable = checked.settings().initiate_oauth != initiate_oauth_mode::off;
    environment_of_reader.now = [this] { return services_.now(); };
    environment_of_reader.log = [this](std::string_view line) { services_.log(connector_sdk::log_level::debug, line); };

    connector_sdk::read_result result;
    const bool several = businesses->size() > 1;
    if (!state->in_progress)
        for (auto& entry : state->businesses)
            entry.second.finished = false;
    state->in_progress = several;
    collection_reader reader(environment_of_reader, **entity, request, *state, sink, result.counters);
    std::size_t skipped = 0;
    for (const auto& business : *businesses) {
        if (several) {
            auto it = state->businesses.find(business);
            if (it != state->businesses.end() && it->second.finished)
                continue; // read to the end before the interruption
        }
        const business_read_outcome outcome = reader.read_business(business);
        if (outcome.end == business_read_end::skipped) {
            ++skipped;
            result.warnings.push_back({outcome.business_id, outcome.failure.category, outcome.failure.message});
            continue;
        }
        if (outcome.end == business_read_end::failed) {
            result.category = outcome.failure.category;
            result.message = outcome.failure.message;
            break;
        }
        if (outcome.end == business_read_end::stopped)
            break;
        if (several && !reader.checkpoint())
            break;
    }
    const bool failed = result.category != error_category::none;
    if (!failed && skipped == businesses->size()) {
        result.category = result.warnings.front().category;
        result.message = result.warnings.front().message;
    } else if (!failed && !reader.stopped()) {
        state->in_progress = false;
        for (auto& entry : state->businesses)
            entry.second.finished = false;
        result.complete = reader.checkpoint();
    }
    // Resume from the last state the host accepted (the records after it may come again).
    result.state = reader.last_checkpoint().empty() ? request.state : reader.last_checkpoint();
    return result;
}

} // namespace sage
