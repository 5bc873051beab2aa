#include "sage/read_state.hpp"

#include <connector_support/iso8601.hpp>

#include <boost/json.hpp>

namespace sage {
namespace {

namespace json = boost::json;
using connector_sdk::error_category;
using connector_support::fail;
using connector_support::iso8601_text;

constexpr std::int64_t state_version = 1;

json::value instant(const std::optional<std::chrono::sys_seconds>& t)
{
    return t ? json::value(iso8601_text(*t)) : json::value(nullptr);
}

json::object encode_run(const run_progress& run)
{
    json::array anchor_ids;
    for (const auto& id : run.anchor_ids)
        anchor_ids.emplace_back(id);
    return {{"started", iso8601_text(run.started)},
            {"from", instant(run.from)},
            {"phase", run.phase == read_phase::records ? "records" : "deletions"},
            {"next_page", run.next_page},
            {"anchor", instant(run.anchor)},
            {"anchor_ids", std::move(anchor_ids)},
            {"anchor_page_size", run.anchor_page_size},
            {"shrank", run.shrank}};
}

// Decoding: every accessor checks the type and says which member is wrong.
class state_reader {
public:
    std::string problem;

    std::optional<std::chrono::sys_seconds> instant_at(const json::object& o, std::string_view key)
    {
        const auto* v = o.if_contains(key);
        if (v == nullptr || v->is_null())
            return std::nullopt;
        const auto* s = v->if_string();
        auto t = s ? connector_support::parse_iso8601(*s) : std::nullopt;
        if (!t)
            note(key);
        return t;
    }
    std::uint64_t count_at(const json::object& o, std::string_view key)
    {
        const auto* v = o.if_contains(key);
        if (v && v->is_uint64())
            return v->get_uint64();
        if (v && v->is_int64() && v->get_int64() >= 0)
            return static_cast<std::uint64_t>(v->get_int64());
        note(key);
        return 0;
    }
    bool flag_at(const json::object& o, std::string_view key)
    {
        const auto* v = o.if_contains(key);
        if (v == nullptr)
            return false;
        if (!v->is_bool())
            note(key);
        return v->is_bool() && v->get_bool();
    }
    const json::array* array_at(const json::object& o, std::string_view key, std::size_t limit)
    {
        const auto* v = o.if_contains(key);
        if (v == nullptr)
            return nullptr;
        const auto* a = v->if_array();
        if (a == nullptr || a->size() > limit) {
            note(key);
            return nullptr;
        }
        return a;
    }
    // [[id, instant], ...]; absent: none.
    std::vector<seen_record> seen_at(const json::object& o, std::string_view key)
    {
        std::vector<seen_record> seen;
        if (const auto* entries = array_at(o, key, max_seen_records))
            for (const auto& entry : *entries) {
                const auto* pair = entry.if_array();
                const auto t = pair && pair->size() == 2 && pair->at(0).is_string() && pair->at(1).is_string()
                                   ? connector_support::parse_iso8601(pair->at(1).get_string())
                                   : std::nullopt;
                if (!t) {
                    note(key);
                    break;
                }
                seen.push_back({std::string(pair->at(0).get_string()), *t});
            }
        return seen;
    }
    void note(std::string_view key)
    {
        if (problem.empty())
            problem = "its member '" + std::string(key) + "' is not valid";
    }
};

run_progress decode_run(state_reader& r, const json::object& o)
{
    run_progress run;
    run.started = r.instant_at(o, "started").value_or(std::chrono::sys_seconds{});
    run.from = r.instant_at(o, "from");
    const auto* phase = o.if_contains("phase");
    if (phase && phase->is_string() && phase->get_string() == "deletions")
        run.phase = read_phase::deletions;
    else if (!(phase && phase->is_string() && phase->get_string() == "records"))
        r.note("phase");
    run.next_page = r.count_at(o, "next_page");
    if (run.next_page == 0)
        r.note("next_page");
    run.anchor = r.instant_at(o, "anchor");
    if (const auto* ids = r.array_at(o, "anchor_ids", max_seen_records))
        for (const auto& id : *ids)
            if (id.is_string())
                run.anchor_ids.emplace_back(id.get_string());
    if (o.contains("anchor_page_size")) {
        run.anchor_page_size = r.count_at(o, "anchor_page_size");
        if (run.anchor_page_size > 200)
            r.note("anchor_page_size");
    }
    run.shrank = r.flag_at(o, "shrank");
    return run;
}

} // namespace

std::string encode_read_state(const read_state& state)
{
    json::object businesses;
    for (const auto& [id, b] : state.businesses) {
        json::array seen;
        for (const auto& s : b.seen)
            seen.push_back(json::array{json::value(s.id), json::value(iso8601_text(s.updated_at))});
        json::array seen_deleted;
        for (const auto& s : b.seen_deleted)
            seen_deleted.push_back(json::array{json::value(s.id), json::value(iso8601_text(s.updated_at))});
        json::object entry{{"cursor", instant(b.cursor)},
                           {"deleted_cursor", instant(b.deleted_cursor)},
                           {"seen", std::move(seen)},
                           {"seen_deleted", std::move(seen_deleted)},
                           {"finished", b.finished}};
        if (b.run)
            entry["run"] = encode_run(*b.run);
        businesses[id] = std::move(entry);
    }
    return json::serialize(json::object{{"version", state_version},
                                        {"entity", state.entity},
                                        {"in_progress", state.in_progress},
                                        {"businesses", std::move(businesses)}});
}

connector_support::result<read_state> decode_read_state(std::string_view text, std::string_view entity)
{
    read_state state;
    state.entity = entity;
    if (text.empty())
        return state;
    const std::string refused = "the read state given cannot be used: ";
    const std::string remedy =
        "; give the state a previous read of " + std::string(entity) + " saved, or none to read from the start";
    if (text.size() > max_state_size)
        return fail(error_category::config, refused + "it is larger than 1 MiB" + remedy);
    boost::system::error_code ec;
    const json::value document = json::parse(text, ec);
    const auto* root = ec ? nullptr : document.if_object();
    if (root == nullptr)
        return fail(error_category::config, refused + "it is not a state this connector wrote" + remedy);
    const auto* version = root->if_contains("version");
    if (version == nullptr || !version->is_int64() || version->get_int64() != state_version)
        return fail(error_category::config, refused + "it was written by another version of the connector" + remedy);
    const auto* named = root->if_contains("entity");
    if (named == nullptr || !named->is_string() || named->get_string() != entity)
        return fail(error_category::config,
                    refused + "it belongs to " +
                        (named && named->is_string() ? "the entity " + std::string(named->get_string())
                                                     : std::string("no entity")) +
                        remedy);
    state_reader r;
    state.in_progress = r.flag_at(*root, "in_progress");
    const auto* businesses = root->if_contains("businesses");
    if (businesses == nullptr || !businesses->is_object() || businesses->get_object().size() > max_state_businesses)
        return fail(error_category::config, refused + "its member 'businesses' is not valid" + remedy);
    for (const auto& [id, value] : businesses->get_object()) {
        const auto* o = value.if_object();
        if (o == nullptr || id.empty() || id.size() > 64) {
            r.note("businesses");
            break;
        }
        business_state b;
        b.cursor = r.instant_at(*o, "cursor");
        b.deleted_cursor = r.instant_at(*o, "deleted_cursor");
        b.finished = r.flag_at(*o, "finished");
        b.seen = r.seen_at(*o, "seen");
        b.seen_deleted = r.seen_at(*o, "seen_deleted");
        if (const auto* run = o->if_contains("run"); run && run->is_object())
            b.run = decode_run(r, run->get_object());
        state.businesses.emplace(std::string(id), std::move(b));
    }
    if (!r.problem.empty())
        return fail(error_category::config, refused + r.problem + remedy);
    return state;
}

} // namespace sage
