#include "connector/license_gate.hpp"

#include "connector/entry_point.hpp"
#include "support/atomic_file.hpp"
#include <connector_support/phase_timer.hpp>

#include <charconv>

namespace sage {
namespace {

using std::chrono::sys_seconds;

constexpr char clock_file_name[] = "license-clock";

// The high-water mark is advanced at most once a minute: enough to catch a clock set back by more
// than the allowed skew, without a disk write on every call.
constexpr std::chrono::seconds clock_write_interval{60};

std::optional<sys_seconds> parse_seconds(std::string_view text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return sys_seconds(std::chrono::seconds(value));
}

} // namespace

license_gate::license_gate(connector_sdk::host_services& services,
                           std::span<const connector_sdk::trusted_license_key> keys, std::string_view connector_id,
                           std::string_view connector_display) noexcept
    : services_(services), keys_(keys), connector_id_(connector_id), connector_display_(connector_display)
{
}

connector_sdk::license_status license_gate::check() noexcept
{
    // An unexpected failure refuses use: the licence could not be shown to allow it.
    return run_entry_point(
        services_, "check_license", [this] { return evaluate(); },
        [this](std::string_view what) noexcept {
            connector_sdk::license_status status;
            status.state = connector_sdk::license_state::invalid;
            try {
                status.reason = "the licence could not be checked: " + std::string(what);
                status.user_message = connector_sdk::unlicensed_sentence(connector_display_);
            } catch (...) {
            }
            return status;
        });
}

connector_sdk::license_status license_gate::evaluate()
{
    const connector_support::phase_timer timer("licence");
    std::lock_guard lock(clock_mutex_);
    const auto now = services_.now();
    const auto token = services_.license_token(connector_id_);
    const std::string tenant = services_.tenant_id();
    const auto folder = services_.state_directory();
    const auto clock_file = folder / clock_file_name;

    std::optional<sys_seconds> last_seen;
    if (auto text = read_small_file(clock_file, 64); !text)
        services_.log(connector_sdk::log_level::warning, "the licence clock: " + text.error().message);
    else if (*text)
        last_seen = parse_seconds(**text);

    connector_sdk::license_check check;
    check.token = token ? std::string_view(*token) : std::string_view();
    check.connector_id = connector_id_;
    check.connector_display = connector_display_;
    check.tenant_id = tenant;
    check.now = now;
    check.last_seen = last_seen;
    auto evaluation = connector_sdk::evaluate_license(check, keys_);

    const auto now_seconds = std::chrono::floor<std::chrono::seconds>(now);
    if (!last_seen || now_seconds >= *last_seen + clock_write_interval) {
        auto recorded = ensure_private_folder(folder);
        if (recorded)
            recorded = write_file_atomically(clock_file, std::to_string(now_seconds.time_since_epoch().count()) + "\n");
        if (!recorded)
            services_.log(connector_sdk::log_level::warning,
                          "cannot record the licence clock: " + recorded.error().message);
    }
    if (evaluation.status.state != connector_sdk::license_state::none)
        services_.log(connector_sdk::log_level::debug,
                      "licence: " + std::string(to_string(evaluation.status.state)) + ": " + evaluation.status.reason);
    if (connector_support::phase_timings_enabled())
        services_.log(connector_sdk::log_level::debug, timer.finish());
    return std::move(evaluation.status);
}

} // namespace sage
