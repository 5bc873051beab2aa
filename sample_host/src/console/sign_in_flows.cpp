#include "console/sign_in_flows.hpp"

#include "console/console_sessions.hpp"

namespace sample_host {

std::string_view to_string(sign_in_state state) noexcept
{
    switch (state) {
    case sign_in_state::pending:
    case sign_in_state::completing: return "pending";
    case sign_in_state::done: return "done";
    case sign_in_state::failed: return "failed";
    }
    return "pending";
}

sign_in_flows::sign_in_flows(std::chrono::seconds lifetime, clock_function now)
    : lifetime_(lifetime), now_(std::move(now))
{
}

void sign_in_flows::add(sign_in_flow flow)
{
    std::lock_guard lock(mutex_);
    const auto now = now_();
    forget_expired(now);
    flow.began = now;
    std::string id = flow.flow_id;
    flows_.insert_or_assign(std::move(id), std::move(flow));
}

std::optional<sign_in_flow> sign_in_flows::begin_completion(std::string_view flow_id)
{
    std::lock_guard lock(mutex_);
    forget_expired(now_());
    const auto found = flows_.find(flow_id);
    if (found == flows_.end() || found->second.state != sign_in_state::pending)
        return std::nullopt;
    found->second.state = sign_in_state::completing;
    return found->second;
}

void sign_in_flows::finish(std::string_view flow_id, bool ok, connector_sdk::error_category category,
                           std::string message)
{
    std::lock_guard lock(mutex_);
    const auto found = flows_.find(flow_id);
    if (found == flows_.end())
        return;
    found->second.state = ok ? sign_in_state::done : sign_in_state::failed;
    found->second.category = category;
    found->second.message = std::move(message);
    found->second.form = {}; // the secrets are not needed any more
}

std::optional<sign_in_outcome> sign_in_flows::outcome(std::string_view flow_id, std::string_view session_id)
{
    std::lock_guard lock(mutex_);
    forget_expired(now_());
    const auto found = flows_.find(flow_id);
    if (found == flows_.end() || !same_token(found->second.session_id, session_id))
        return std::nullopt;
    return sign_in_outcome{found->second.state, found->second.category, found->second.message};
}

void sign_in_flows::forget_expired(std::chrono::steady_clock::time_point now)
{
    std::erase_if(flows_, [&](const auto& item) { return now - item.second.began >= lifetime_; });
}

} // namespace sample_host
