#include "connectors/cli_host_services.hpp"

#include "marketplace/license_repository.hpp"
#include "output/host_log.hpp"
#include "runtime/browser_launcher.hpp"
#include "runtime/host_clock.hpp"
#include "runtime/host_locations.hpp"
#include "security/secret_redactor.hpp"

#include <connector_support/guarded.hpp>

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse_query.hpp>

#include <cstdio>
#include <iostream>
#include <utility>
#include <vector>

namespace sample_host {
namespace {

// The values of a URL's query (as given and percent-decoded): a pasted callback URL carries the
// authorization code there. A query that is not valid percent-encoding is returned whole.
std::vector<std::string> query_values(std::string_view answer)
{
    std::vector<std::string> values;
    const auto question = answer.find('?');
    if (question == std::string_view::npos)
        return values;
    std::string_view query = answer.substr(question + 1);
    query = query.substr(0, query.find('#'));
    const auto params = boost::urls::parse_query(query);
    if (!params) {
        values.emplace_back(query);
        return values;
    }
    boost::urls::encoding_opts form_encoding;
    form_encoding.space_as_plus = true;
    for (const auto& param : *params) {
        if (!param.has_value)
            continue;
        values.emplace_back(param.value);
        values.push_back(param.value.decode(form_encoding));
    }
    return values;
}

// Logs "<what><subject>: <why>" (or only `why` when `what` is empty); never throws.
void log_failure(host_log& log, std::string_view what, std::string_view why, std::string_view subject = {}) noexcept
{
    connector_support::guarded(
        [&] {
            log.write(connector_sdk::log_level::error, "host",
                      what.empty() ? std::string(why)
                                   : std::string(what) + std::string(subject) + ": " + std::string(why));
        },
        [](std::string_view) {}, [] {});
}

} // namespace

cli_host_services::cli_host_services(host_services_scope scope, const host_clock& clock, host_log& log,
                                     const license_repository& licenses, secret_redactor& redactor,
                                     oauth_app_source oauth_apps, std::unique_ptr<host_credential_store> credentials)
    : scope_(std::move(scope)), clock_(clock), log_(log), licenses_(licenses), redactor_(redactor),
      oauth_apps_(std::move(oauth_apps)), credentials_(std::move(credentials))
{
}

void* cli_host_services::query_service(std::string_view service_id) noexcept
{
    if (service_id == connector_sdk::credential_store_id && credentials_)
        return static_cast<connector_sdk::credential_store*>(credentials_.get());
    return nullptr;
}

// Every service runs its body in connector_support::guarded: an exception (a defect, or running out
// of memory) is logged and the service gives its "nothing" answer instead of crossing into the connector.

std::chrono::system_clock::time_point cli_host_services::now() const noexcept
{
    return clock_.now();
}

void cli_host_services::log(connector_sdk::log_level level, std::string_view message) noexcept
{
    log_.write(level, scope_.connector_id, message);
}

std::string cli_host_services::tenant_id() const noexcept
{
    return connector_support::guarded([&] { return scope_.tenant; },
                                      [&](std::string_view why) { log_failure(log_, "tenant_id failed", why); },
                                      [] { return std::string(); });
}

std::optional<std::string> cli_host_services::license_token(std::string_view connector_id) const noexcept
{
    return connector_support::guarded(
        [&] { return licenses_.token(scope_.tenant, connector_id); },
        [&](std::string_view why) { log_failure(log_, "cannot read the licence of ", why, connector_id); },
        [] { return std::optional<std::string>(); });
}

std::filesystem::path cli_host_services::state_directory() const noexcept
{
    return connector_support::guarded(
        [&] {
            std::filesystem::path folder = scope_.data_dir / "state" / scope_.tenant / scope_.connector_id;
            // The connector is told where its state goes even when the folder cannot be made: its own
            // write then fails with the cause, and the host's log says why.
            connector_support::guarded([&] { ensure_private_directory(folder); },
                                       [&](std::string_view why) { log_failure(log_, {}, why); }, [] {});
            return folder;
        },
        [&](std::string_view why) { log_failure(log_, "state_directory failed", why); },
        [] { return std::filesystem::path(); });
}

std::optional<connector_sdk::oauth_app_credentials>
cli_host_services::default_oauth_app(std::string_view connector_id) const noexcept
{
    return connector_support::guarded([&] { return read_oauth_app(connector_id); },
                                      [&](std::string_view why) { log_failure(log_, "default_oauth_app failed", why); },
                                      [] { return std::optional<connector_sdk::oauth_app_credentials>(); });
}

std::optional<connector_sdk::oauth_app_credentials>
cli_host_services::read_oauth_app(std::string_view connector_id) const
{
    if (!oauth_apps_)
        return std::nullopt;
    std::optional<oauth_app> app = oauth_apps_().find(connector_id);
    if (!app)
        return std::nullopt;
    redactor_.add(app->client_secret);
    return connector_sdk::oauth_app_credentials{app->client_id, app->client_secret};
}

bool cli_host_services::open_browser(std::string_view url) noexcept
{
    return connector_support::guarded(
        [&] {
            if (!scope_.interactive) {
                log_.write(connector_sdk::log_level::info, "host",
                           "no browser opened: the web console opens sign-in pages in the user's own browser");
                return false;
            }
            const auto launch = open_in_browser(url, process_environment());
            if (!launch) {
                log_.write(connector_sdk::log_level::info, "host", "no browser opened: " + launch.error().message);
                return false;
            }
            log_.write(connector_sdk::log_level::debug, "host", "browser: " + launch->note);
            return true;
        },
        [&](std::string_view why) { log_failure(log_, "open_browser failed", why); }, [] { return false; });
}

void cli_host_services::notify_user(std::string_view text) noexcept
{
    connector_support::guarded(
        [&] {
            if (!scope_.interactive) {
                log_.write(connector_sdk::log_level::info, scope_.connector_id, text);
                return;
            }
            const std::string line = redactor_.redact(text) + "\n";
            std::lock_guard lock(terminal_mutex_);
            (void)std::fputs(line.c_str(), stderr); // a closed standard error has nowhere to report to
        },
        [&](std::string_view why) { log_failure(log_, "notify_user failed", why); }, [] {});
}

std::optional<std::string> cli_host_services::prompt_user(std::string_view question) noexcept
{
    return connector_support::guarded(
        [&]() -> std::optional<std::string> {
            if (!scope_.interactive) {
                log_.write(connector_sdk::log_level::info, "host",
                           "not asked (the web console has no terminal): " + std::string(question));
                return std::nullopt;
            }
            std::lock_guard lock(terminal_mutex_);
            const std::string line = redactor_.redact(question) + " ";
            (void)std::fputs(line.c_str(), stderr);
            (void)std::fflush(stderr);
            std::string answer;
            if (!std::getline(std::cin, answer)) {
                (void)std::fputs("(no answer: end of input)\n", stderr); // so what follows starts on a line of its own
                return std::nullopt;
            }
            if (!answer.empty() && answer.back() == '\r')
                answer.pop_back();
            // An answer may be a pasted callback URL or code: never print or log it back.
            redactor_.add(answer);
            for (const auto& value : query_values(answer))
                redactor_.add(value);
            return answer;
        },
        [&](std::string_view why) { log_failure(log_, "prompt_user failed", why); },
        [] { return std::optional<std::string>(); });
}

} // namespace sample_host
