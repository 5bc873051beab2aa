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
#include "storage/credential_vault.hpp"
#include "storage/database_url.hpp"
#include "storage/host_key_record.hpp"
#include "storage/oauth_app_store.hpp"
#include "storage/schema_migrations.hpp"
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

const database_url& host_context::database_location()
{
    if (!database_url_) {
        if (options_.database && !options_.database->empty())
            database_url_ = std::make_unique<database_url>(database_url::parse(*options_.database, "--database"));
        else if (auto from_env = env_("SAMPLE_HOST_DATABASE"))
            database_url_ = std::make_unique<database_url>(database_url::parse(*from_env, "SAMPLE_HOST_DATABASE"));
        else
            database_url_ = std::make_unique<database_url>(database_url::sqlite_file(data_dir() / "host.db"));
    }
    return *database_url_;
}

sample_host::database& host_context::database()
{
    if (!database_) {
        const connector_support::phase_timer timer("database");
        const database_url& url = database_location();
        auto opened = open_database(url);
        migrate(*opened, host_migrations());
        user_directory(*opened).bootstrap(now_seconds());
        database_ = std::move(opened);
        log().write(connector_sdk::log_level::debug, "host", "opened " + url.display);
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
        check_clock_floor(database(), cipher(), repository->latest_update(), now_seconds());
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
        std::optional<std::string> named = options_.host_key;
        if (named && named->empty())
            named.reset();
        const char* origin = named ? "--host-key" : "SAMPLE_HOST_KEY";
        if (!named)
            named = env_("SAMPLE_HOST_KEY");
        if (named) {
            // A fleet's key is made once and copied to every host: never mint one here, or each host
            // would seal with its own.
            const std::filesystem::path file(*named);
            std::error_code ec;
            if (!std::filesystem::exists(file, ec))
                throw host_error("the host key " + file.string() + " (from " + origin +
                                 ") does not exist: create it once with `openssl rand -out " + file.string() +
                                 " 32 && chmod 600 " + file.string() +
                                 "` and give the same file to every host of the fleet");
            auto key = std::make_unique<secret_cipher>(load_host_key(file));
            require_host_key(database(), key->key());
            cipher_ = std::move(key);
            return *cipher_;
        }
        const std::filesystem::path file = data_dir() / "host.key";
        std::error_code ec;
        // Never mint a new key over sealed data: the old secrets would become unreadable for good.
        if (!std::filesystem::exists(file, ec) && connections().has_sealed_values())
            throw host_error("the host key " + file.string() + " is missing, but " + database_location().display +
                             " holds secrets sealed with it: restore host.key from a backup (mode 0600); on a host "
                             "of a fleet, give it the fleet's key file (--host-key FILE or SAMPLE_HOST_KEY); or "
                             "delete the connections that hold secrets and create them again");
        auto key = std::make_unique<secret_cipher>(load_or_create_host_key(file));
        require_host_key(database(), key->key());
        cipher_ = std::move(key);
    }
    return *cipher_;
}

bool host_context::host_keeps_credentials() const
{
    std::optional<std::string> mode = options_.credentials;
    const char* origin = "--credentials";
    if (!mode || mode->empty()) {
        mode = env_("SAMPLE_HOST_CREDENTIALS");
        origin = "SAMPLE_HOST_CREDENTIALS";
    }
    if (!mode || *mode == "host")
        return true;
    if (*mode == "connector")
        return false;
    throw usage_error(std::string(origin) + " is '" + *mode +
                      "': use host (connectors keep their tokens in the host's database, sealed; the default) or "
                      "connector (each connector keeps them where its form says, e.g. OAuthSettingsLocation)");
}

credential_vault& host_context::credentials()
{
    if (!credentials_)
        credentials_ =
            std::make_unique<credential_vault>(database(), [this]() -> const secret_cipher& { return cipher(); });
    return *credentials_;
}

oauth_app_store& host_context::oauth_apps()
{
    if (!oauth_apps_) {
        auto store =
            std::make_unique<oauth_app_store>(database(), [this]() -> const secret_cipher& { return cipher(); });
        if (const auto moved = store->import_legacy_file(data_dir() / "oauth_apps.json", now_seconds())) {
            std::string ids;
            for (const auto& list : {moved->imported, moved->unchanged})
                for (const auto& id : list)
                    ids += (ids.empty() ? "" : ", ") + id;
            const std::string text = "moved the default OAuth apps of " + moved->file.string() + " (" +
                                     (ids.empty() ? std::string("none listed") : ids) + ") into " +
                                     database_location().display +
                                     " (client secrets sealed under the host key) and deleted the file";
            console_.note(text);
            log().write(connector_sdk::log_level::info, "host", text);
        }
        oauth_apps_ = std::move(store);
    }
    return *oauth_apps_;
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
        const bool keeps_credentials = host_keeps_credentials();
        plugins_ = std::make_unique<plugin_registry>(
            folder,
            [this, tenant,
             keeps_credentials](std::string_view connector_id) -> std::unique_ptr<connector_sdk::host_services> {
                std::unique_ptr<host_credential_store> credentials;
                if (keeps_credentials)
                    credentials = std::make_unique<host_credential_store>(
                        [this]() -> credential_vault& { return this->credentials(); },
                        credential_owner{tenant, std::string(connector_id)}, database_location().display, log());
                return std::make_unique<cli_host_services>(
                    host_services_scope{tenant, std::string(connector_id), data_dir(), interactive_}, clock_, log(),
                    licenses(), redactor_, [this]() -> oauth_app_store& { return oauth_apps(); },
                    std::move(credentials));
            });
    }
    return *plugins_;
}

std::shared_ptr<const loaded_plugin> host_context::plugin(std::string_view connector_id)
{
    if (auto found = loaded_.find(connector_id); found != loaded_.end())
        return found->second;
    auto loaded = std::make_shared<const loaded_plugin>(plugins().load(connector_id));
    loaded_.emplace(std::string(connector_id), loaded);
    return loaded;
}

} // namespace sample_host
