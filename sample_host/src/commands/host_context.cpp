#include "commands/host_context.hpp"

#include "connectors/cli_host_services.hpp"
#include "connectors/plugin_registry.hpp"
#include "marketplace/clock_floor.hpp"
#include "marketplace/license_repository.hpp"
#include "output/host_log.hpp"
#include "runtime/host_error.hpp"
#include "security/host_key.hpp"
#include "security/secret_cipher.hpp"
#include "storage/connection_store.hpp"
#include "storage/schema_migrations.hpp"
#include "storage/sqlite_database.hpp"
#include "storage/user_directory.hpp"
#include <connector_support/phase_timer.hpp>

#include <sys/stat.h>

namespace sample_host {

host_context::host_context(global_options options, std::filesystem::path executable, environment_lookup env,
                           std::ostream& out, std::ostream& err)
    : options_(std::move(options)), executable_(std::move(executable)), env_(std::move(env)),
      console_(out, err, redactor_, options_.json), clock_(host_clock::from_environment())
{
}

// Members are destroyed in reverse order: plugins (and their connectors) before the services'
// dependencies, the database last but for the log.
host_context::~host_context() = default;

std::chrono::sys_seconds host_context::now_seconds() const
{
    return std::chrono::floor<std::chrono::seconds>(clock_.now());
}

const std::filesystem::path& host_context::data_dir()
{
    if (!data_dir_) {
        std::filesystem::path folder = resolve_data_dir(options_.data, env_);
        ensure_private_directory(folder);
        data_dir_ = std::move(folder);
    }
    return *data_dir_;
}

host_log& host_context::log()
{
    if (!log_) {
        std::optional<std::filesystem::path> file;
        try {
            file = data_dir() / "logs" / "host.log";
        } catch (const host_error&) {
            // No data folder: log to standard error only (with --verbose); the command reports the cause.
        }
        log_ = std::make_unique<host_log>(file, options_.verbose, redactor_);
    }
    return *log_;
}

sqlite_database& host_context::database()
{
    if (!database_) {
        const connector_support::phase_timer timer("database");
        const std::filesystem::path file = data_dir() / "host.db";
        auto database = std::make_unique<sqlite_database>(file);
        ::chmod(file.c_str(), 0600); // the folder is private already; the file says so too
        migrate(*database, host_migrations());
        user_directory(*database).bootstrap(now_seconds());
        database_ = std::move(database);
        log().write(connector_sdk::log_level::debug, "host", "opened " + file.string());
        if (connector_support::phase_timings_enabled())
            log().write(connector_sdk::log_level::debug, "host", timer.finish("(open, migrations, users)"));
    }
    return *database_;
}

user_directory& host_context::users()
{
    if (!users_)
        users_ = std::make_unique<user_directory>(database());
    return *users_;
}

license_repository& host_context::licenses()
{
    if (!licenses_) {
        auto repository = std::make_unique<license_repository>(database());
        // Licences are read and issued on the host clock: it must not read earlier than a time already
        // seen (fails closed, see clock_floor).
        check_clock_floor(data_dir() / "clock-floor", cipher(), repository->latest_update(), now_seconds());
        licenses_ = std::move(repository);
    }
    return *licenses_;
}

connection_store& host_context::connections()
{
    if (!connections_)
        connections_ =
            std::make_unique<connection_store>(database(), [this]() -> const secret_cipher& { return cipher(); });
    return *connections_;
}

const secret_cipher& host_context::cipher()
{
    if (!cipher_) {
        const std::filesystem::path file = data_dir() / "host.key";
        std::error_code ec;
        // Never mint a new key over sealed data: the old secrets would become unreadable for good.
        if (!std::filesystem::exists(file, ec) && connections().has_sealed_values())
            throw host_error("the host key " + file.string() + " is missing, but " + (data_dir() / "host.db").string() +
                             " holds secrets sealed with it: restore host.key from a backup (mode 0600), or delete "
                             "the connections that hold secrets and create them again");
        cipher_ = std::make_unique<secret_cipher>(load_or_create_host_key(file));
    }
    return *cipher_;
}

const user_account& host_context::acting_user()
{
    if (!acting_user_) {
        const std::string name = resolve_user(options_.as, env_);
        auto found = users().find(name);
        if (!found)
            throw host_error("unknown user '" + name + "' (from " +
                             (options_.as                ? std::string("--as")
                              : env_("SAMPLE_HOST_USER") ? "SAMPLE_HOST_USER"
                                                         : "the default") +
                             "): an administrator adds users with `sample_host --as admin users add " + name +
                             " --role user`");
        acting_user_ = std::make_unique<user_account>(std::move(*found));
    }
    return *acting_user_;
}

plugin_registry& host_context::plugins()
{
    if (!plugins_) {
        const std::filesystem::path folder = resolve_plugin_dir(options_.plugins, env_, executable_);
        const std::string tenant = acting_user().tenant;
        plugins_ = std::make_unique<plugin_registry>(
            folder, [this, tenant](std::string_view connector_id) -> std::unique_ptr<connector_sdk::host_services> {
                return std::make_unique<cli_host_services>(
                    host_services_scope{tenant, std::string(connector_id), data_dir()}, clock_, log(), licenses(),
                    redactor_);
            });
    }
    return *plugins_;
}

} // namespace sample_host
