// The host's default OAuth apps in the host database, sealed; and the move of a legacy oauth_apps.json.
#include "storage/oauth_app_store.hpp"

#include "security/private_file.hpp"
#include "storage/database.hpp"

#include <boost/json.hpp>

#include <openssl/crypto.h>

#include <cerrno>
#include <map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sample_host {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::size_t max_legacy_file_size = std::size_t{1024} * 1024;
constexpr std::string_view legacy_shape = R"({"<connector id>": {"client_id": "...", "client_secret": "..."}})";

std::span<const std::uint8_t> bytes_of(std::string_view text)
{
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string describe(std::string_view connector_id)
{
    return "the client secret of the default OAuth app of connector " + std::string(connector_id);
}

// The legacy file's text: a regular file (not a link) of at most 1 MiB.
std::string read_legacy_file(const fs::path& file)
{
    file_descriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0)
        throw host_error("cannot read " + file.string() + ": " + errno_text(errno) +
                         ": make it a regular file readable by this user, or delete it");
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0)
        throw host_error("cannot inspect " + file.string() + ": " + errno_text(errno));
    if (!S_ISREG(info.st_mode))
        throw host_error(file.string() + " is not a regular file: move it away");
    if (info.st_size > static_cast<off_t>(max_legacy_file_size))
        throw host_error(file.string() + " is larger than 1 MiB, too large to be a list of OAuth apps: move it away");
    auto text = read_secret_text(fd.get(), static_cast<std::size_t>(info.st_size));
    if (!text)
        throw host_error("cannot read " + file.string() + ": " + errno_text(errno));
    return std::move(*text);
}

// The apps the legacy file lists, by connector id. Throws host_error (naming the entry, never a value).
std::map<std::string, oauth_app, std::less<>> parse_legacy_file(const fs::path& file, std::string& text)
{
    const auto malformed = [&](const std::string& why) {
        return host_error(file.string() + " " + why + ": expected " + std::string(legacy_shape) +
                          ". Nothing was imported: correct the file, or delete it and set each app with "
                          "`sample_host oauth-apps set CONNECTOR --client-id ID --client-secret-file FILE`");
    };
    boost::system::error_code parse_error;
    json::value doc = json::parse(text, parse_error);
    wipe(text);
    // The parsed document holds the secrets too: wiped however this function ends.
    struct wipe_document {
        json::value& doc;
        ~wipe_document()
        {
            if (auto* object = doc.if_object())
                for (auto& [connector_id, entry] : *object)
                    if (auto* app = entry.if_object())
                        if (auto* secret = app->if_contains("client_secret"); secret != nullptr && secret->is_string())
                            OPENSSL_cleanse(secret->get_string().data(), secret->get_string().size());
        }
    } guard{doc};
    if (parse_error || !doc.is_object())
        throw malformed("is not a JSON object");
    std::map<std::string, oauth_app, std::less<>> apps;
    for (auto& [connector_id, entry] : doc.get_object()) {
        const json::object* object = entry.if_object();
        const json::value* id = object != nullptr ? object->if_contains("client_id") : nullptr;
        const json::value* secret = object != nullptr ? object->if_contains("client_secret") : nullptr;
        if (id == nullptr || secret == nullptr || !id->is_string() || !secret->is_string() ||
            id->get_string().empty() || secret->get_string().empty())
            throw malformed("has no non-empty string client_id and client_secret for connector '" +
                            std::string(connector_id) + "'");
        apps.emplace(std::string(connector_id),
                     oauth_app(std::string(id->get_string()), std::string(secret->get_string())));
    }
    return apps;
}

} // namespace

oauth_app::~oauth_app()
{
    wipe(client_secret);
}

oauth_app_store::oauth_app_store(database& database, cipher_source cipher)
    : database_(database), cipher_(std::move(cipher))
{
}

std::optional<oauth_app> oauth_app_store::read(const secret_cipher& cipher, std::string_view connector_id)
{
    auto query =
        database_.prepare("SELECT client_id, client_secret, nonce, key_id FROM oauth_apps WHERE connector_id = ?1");
    query.bind(1, connector_id);
    if (!query.step())
        return std::nullopt;
    std::string client_id = query.text(0);
    const sealed_value sealed{query.blob(2), query.blob(1), query.text(3)};
    query.reset();
    std::vector<std::uint8_t> plain;
    try {
        plain = cipher.open(sealed, oauth_app_aad(connector_id, client_id), describe(connector_id));
    } catch (const secret_error& e) {
        if (e.why() == secret_error::reason::wrong_key)
            throw secret_error(e.why(), describe(connector_id) + " in " + database_.location() +
                                            " was sealed with another host key (id " + sealed.key_id + ") than " +
                                            cipher.key().file().string() + " (id " + cipher.key().id() +
                                            "): give this host the fleet's host key file (--host-key FILE or "
                                            "SAMPLE_HOST_KEY)");
        throw secret_error(e.why(), describe(connector_id) + " in " + database_.location() +
                                        " failed its integrity check (altered, or copied from another row): set it "
                                        "again with `sample_host oauth-apps set " +
                                        std::string(connector_id) + " --client-id ID --client-secret-file FILE`");
    }
    oauth_app app(std::move(client_id), std::string(plain.begin(), plain.end()));
    OPENSSL_cleanse(plain.data(), plain.size());
    return app;
}

void oauth_app_store::write(const secret_cipher& cipher, std::string_view connector_id, const oauth_app& app,
                            std::string_view by, std::chrono::sys_seconds now)
{
    const sealed_value sealed = cipher.seal(bytes_of(app.client_secret), oauth_app_aad(connector_id, app.client_id));
    database_
        .prepare("INSERT INTO oauth_apps (connector_id, client_id, client_secret, nonce, key_id, updated_at, "
                 "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (connector_id) DO UPDATE SET "
                 "client_id = excluded.client_id, client_secret = excluded.client_secret, nonce = excluded.nonce, "
                 "key_id = excluded.key_id, updated_at = excluded.updated_at, updated_by = excluded.updated_by")
        .bind(1, connector_id)
        .bind(2, app.client_id)
        .bind_blob(3, sealed.ciphertext)
        .bind_blob(4, sealed.nonce)
        .bind(5, sealed.key_id)
        .bind(6, now)
        .bind(7, by)
        .run();
}

std::optional<oauth_app> oauth_app_store::find(std::string_view connector_id)
{
    // Asked before the read: its first use may record the host key (a write).
    const secret_cipher& cipher = cipher_();
    return read(cipher, connector_id);
}

std::vector<oauth_app_entry> oauth_app_store::list()
{
    auto query = database_.prepare(
        "SELECT connector_id, client_id, updated_at, updated_by FROM oauth_apps ORDER BY connector_id");
    std::vector<oauth_app_entry> out;
    while (query.step())
        out.push_back({query.text(0), query.text(1), query.instant(2), query.text(3)});
    return out;
}

oauth_app_outcome oauth_app_store::put(std::string_view connector_id, const oauth_app& app, std::string_view by,
                                       std::chrono::sys_seconds now)
{
    const secret_cipher& cipher = cipher_();
    transaction writing(database_);
    const std::optional<oauth_app> current = read(cipher, connector_id);
    if (current && current->client_id == app.client_id && current->client_secret == app.client_secret)
        return oauth_app_outcome::unchanged;
    write(cipher, connector_id, app, by, now);
    writing.commit();
    return current ? oauth_app_outcome::replaced : oauth_app_outcome::created;
}

bool oauth_app_store::remove(std::string_view connector_id)
{
    auto erase = database_.prepare("DELETE FROM oauth_apps WHERE connector_id = ?1 RETURNING connector_id");
    erase.bind(1, connector_id);
    if (!erase.step())
        return false;
    erase.run();
    return true;
}

std::optional<oauth_apps_import> oauth_app_store::import_legacy_file(const fs::path& file, std::chrono::sys_seconds now)
{
    struct stat info {};
    if (::lstat(file.c_str(), &info) != 0) {
        if (errno == ENOENT)
            return std::nullopt;
        throw host_error("cannot inspect " + file.string() + ": " + errno_text(errno));
    }
    std::string text = read_legacy_file(file);
    const auto apps = parse_legacy_file(file, text);

    const secret_cipher& cipher = cipher_();
    oauth_apps_import result{file, {}, {}};
    {
        transaction writing(database_);
        std::string conflicts;
        for (const auto& [connector_id, app] : apps) {
            const std::optional<oauth_app> current = read(cipher, connector_id);
            if (!current) {
                write(cipher, connector_id, app, "imported from " + file.string(), now);
                result.imported.push_back(connector_id);
            } else if (current->client_id == app.client_id && current->client_secret == app.client_secret) {
                result.unchanged.push_back(connector_id);
            } else {
                conflicts += (conflicts.empty() ? "" : "; ") + std::string("connector ") + connector_id +
                             ": the database has client id '" + current->client_id + "', the file has '" +
                             app.client_id + "'" +
                             (current->client_id == app.client_id ? " with another client secret" : "");
            }
        }
        if (!conflicts.empty())
            throw host_error(
                "cannot move " + file.string() + " into " + database_.location() +
                ": the database already holds another default OAuth app (" + conflicts +
                "). Nothing was imported and the file stays. To keep the database's apps (which every host of the "
                "fleet uses), delete the file; to use the file's instead, set each with `sample_host oauth-apps set "
                "CONNECTOR --client-id ID --client-secret-file FILE`, then delete the file");
        writing.commit();
    }
    // Committed: the plain-text copy goes. Another host may have removed the same file already.
    if (::unlink(file.c_str()) != 0 && errno != ENOENT)
        throw host_error("moved the default OAuth apps of " + file.string() + " into " + database_.location() +
                         " but cannot delete the file (" + errno_text(errno) +
                         "): delete it, as it holds client secrets in plain text");
    return result;
}

} // namespace sample_host
