#include "marketplace/marketplace_signing_key.hpp"

#include "runtime/host_error.hpp"
#include "security/private_file.hpp"
#include "security/secret_cipher.hpp"
#include "storage/database.hpp"

#include <connector_support/openssl_handles.hpp>

#include <openssl/crypto.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SAMPLE_HOST_DEV_SIGNING_KEY
#define SAMPLE_HOST_DEV_SIGNING_KEY ""
#endif

namespace sample_host {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_key_file_size = std::size_t{64} * 1024;

using connector_support::bio_ptr;
using connector_support::pkey_ptr;

// Wipes a string holding key material when the scope ends.
struct wipe_on_exit {
    std::string& text;
    ~wipe_on_exit() { wipe(text); }
};

// Refuses passphrase-protected keys instead of prompting on the terminal.
int no_passphrase(char*, int, int, void*)
{
    return -1;
}

bool mentions(std::string_view text, std::string_view word)
{
    return text.find(word) != std::string_view::npos;
}

constexpr std::string_view remedy = ": the marketplace signs licences with an Ed25519 private key in PEM form "
                                    "(create one with `openssl genpkey -algorithm ed25519 -out signing-key.pem`)";

// Says what `pem` holds instead of a private key OpenSSL can read, without repeating it.
[[noreturn]] void refuse_unreadable_key(std::string_view pem, std::string_view source)
{
    if (!mentions(pem, "-----BEGIN "))
        throw host_error(std::string(source) + " is not a PEM file" + std::string(remedy));
    if (mentions(pem, "ENCRYPTED"))
        throw host_error(std::string(source) +
                         " holds a passphrase-protected key, which the host cannot use unattended: export it "
                         "without a passphrase (`openssl pkey -in FILE -out KEY.pem`) and keep that file private");
    if (mentions(pem, "PUBLIC KEY"))
        throw host_error(std::string(source) + " holds a public key, not a private key" + std::string(remedy));
    if (mentions(pem, "CERTIFICATE"))
        throw host_error(std::string(source) + " holds a certificate, not a private key" + std::string(remedy));
    throw host_error(std::string(source) + " holds no private key OpenSSL can read" + std::string(remedy));
}

pkey_ptr parse_private_key(std::string_view pem, std::string_view source)
{
    if (pem.size() > static_cast<std::size_t>(INT32_MAX))
        throw host_error(std::string(source) + " is too large to be a key");
    bio_ptr bio = connector_support::memory_bio(pem);
    if (!bio)
        throw host_error("OpenSSL could not allocate memory to read " + std::string(source));
    pkey_ptr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
    ERR_clear_error();
    if (!key)
        refuse_unreadable_key(pem, source);
    if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
        const char* type = EVP_PKEY_get0_type_name(key.get());
        throw host_error(std::string(source) + " holds " +
                         (type != nullptr ? std::string("an ") + type : std::string("a")) + " key, not an Ed25519 key" +
                         std::string(remedy));
    }
    return key;
}

std::string write_pkcs8(EVP_PKEY* key)
{
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        ERR_clear_error();
        throw host_error("OpenSSL could not encode the signing key");
    }
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    std::string pem(data, static_cast<std::size_t>(n));
    OPENSSL_cleanse(data, static_cast<std::size_t>(n));
    return pem;
}

// Reads a small file. `private_file`: the key store's own file, which must be a regular file (not a
// link) readable by its owner only.
std::string read_key_text(const fs::path& file, bool private_file)
{
    const int flags = O_RDONLY | O_CLOEXEC | (private_file ? O_NOFOLLOW : 0);
    file_descriptor fd(::open(file.c_str(), flags));
    if (fd.get() < 0)
        throw host_error("cannot read " + file.string() + ": " + errno_text(errno));
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0)
        throw host_error("cannot inspect " + file.string() + ": " + errno_text(errno));
    if (!S_ISREG(info.st_mode))
        throw host_error(file.string() + " is not a regular file");
    if (private_file && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        throw host_error("the marketplace signing key " + file.string() +
                         " can be read or changed by other users (mode is not 0600): run `chmod 600 " + file.string() +
                         "`, and consider replacing the key (`sample_host marketplace init --signing-key FILE "
                         "--replace`) if others may have copied it");
    if (info.st_size > static_cast<off_t>(max_key_file_size))
        throw host_error(file.string() + " is " + std::to_string(info.st_size) + " bytes, too large to be a key");
    auto text = read_secret_text(fd.get(), static_cast<std::size_t>(info.st_size));
    if (!text)
        throw host_error("cannot read " + file.string() + ": " + errno_text(errno));
    return std::move(*text);
}

} // namespace

marketplace_signing_key::marketplace_signing_key(std::string pem, std::string_view source)
{
    wipe_on_exit guard{pem};
    pkey_ptr key = parse_private_key(pem, source);
    pem_ = write_pkcs8(key.get());
    std::size_t length = public_key_.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), public_key_.data(), &length) != 1 || length != public_key_.size()) {
        ERR_clear_error();
        wipe(pem_);
        throw host_error("OpenSSL could not derive the public half of " + std::string(source));
    }
    key_id_ = connector_sdk::license_key_id(public_key_);
}

marketplace_signing_key::marketplace_signing_key(const marketplace_signing_key& other) = default;

marketplace_signing_key::~marketplace_signing_key()
{
    wipe(pem_);
}

std::string marketplace_signing_key::sign(connector_sdk::license_claims claims) const
{
    claims.key_id = key_id_;
    try {
        return connector_sdk::sign_license(claims, pem_);
    } catch (const std::runtime_error& e) {
        throw host_error(std::string("the licence could not be signed: ") + e.what());
    }
}

std::string normalized_ed25519_private_key(std::string_view pem, std::string_view source)
{
    pkey_ptr key = parse_private_key(pem, source);
    return write_pkcs8(key.get());
}

fs::path build_dev_signing_key()
{
    return fs::path(SAMPLE_HOST_DEV_SIGNING_KEY);
}

// A key with its id, as stored or about to be: the PEM is wiped when it goes.
struct signing_key_store::key_material {
    std::string key_id;
    std::string pem; // PKCS#8, as normalized_ed25519_private_key writes it
    std::string source;

    key_material(std::string pem_text, std::string_view from) : source(from)
    {
        wipe_on_exit guard{pem_text};
        const marketplace_signing_key key(pem_text, from);
        key_id = key.key_id();
        pem = normalized_ed25519_private_key(pem_text, from);
    }
    key_material(const key_material&) = delete;
    key_material& operator=(const key_material&) = delete;
    key_material(key_material&& other) noexcept = default;
    key_material& operator=(key_material&& other) noexcept
    {
        wipe(pem);
        key_id = std::move(other.key_id);
        pem = std::move(other.pem);
        source = std::move(other.source);
        return *this;
    }
    ~key_material() { wipe(pem); }
};

signing_key_store::signing_key_store(database& db, cipher_source cipher, const fs::path& data_dir, fs::path dev_key)
    : db_(db), cipher_(std::move(cipher)), legacy_folder_(data_dir / "marketplace"),
      legacy_file_(legacy_folder_ / "signing-key.pem"), dev_key_(std::move(dev_key))
{
}

namespace {

std::string in_database(const database& db)
{
    return "the marketplace signing key in " + db.location();
}

} // namespace

std::optional<std::string> signing_key_store::stored_key_id()
{
    auto query = db_.prepare("SELECT signing_key_id FROM marketplace_signing_key WHERE id = 1");
    if (!query.step())
        return std::nullopt;
    return query.text(0);
}

std::optional<signing_key_store::key_material> signing_key_store::read_stored(const secret_cipher& cipher)
{
    auto query = db_.prepare("SELECT signing_key_id, sealed, nonce, key_id FROM marketplace_signing_key WHERE id = 1");
    if (!query.step())
        return std::nullopt;
    const std::string key_id = query.text(0);
    const sealed_value sealed{query.blob(2), query.blob(1), query.text(3)};
    query.reset();
    std::vector<std::uint8_t> plain;
    try {
        plain = cipher.open(sealed, signing_key_aad(key_id), in_database(db_));
    } catch (const secret_error& e) {
        if (e.why() == secret_error::reason::wrong_key)
            throw secret_error(e.why(), in_database(db_) + " (" + key_id + ") was sealed with another host key (id " +
                                            sealed.key_id + ") than " + cipher.key().file().string() + " (id " +
                                            cipher.key().id() +
                                            "): give this host the fleet's host key file (--host-key FILE or "
                                            "SAMPLE_HOST_KEY), or restore the key this database was sealed with");
        throw secret_error(e.why(), in_database(db_) + " (" + key_id +
                                        ") failed its integrity check: the database was altered or the value was "
                                        "copied from another row. Restore the database from a backup, or import "
                                        "the key again with `sample_host marketplace init --signing-key FILE "
                                        "--replace`");
    }
    std::string pem(plain.begin(), plain.end());
    OPENSSL_cleanse(plain.data(), plain.size());
    key_material key(std::move(pem), in_database(db_));
    if (key.key_id != key_id)
        throw host_error(in_database(db_) + " names key id " + key_id + " but holds " + key.key_id +
                         ": restore the database from a backup, or import the key again with `sample_host marketplace "
                         "init --signing-key FILE --replace`");
    return key;
}

void signing_key_store::store(const secret_cipher& cipher, const key_material& key, std::string_view by, bool overwrite)
{
    const sealed_value sealed = cipher.seal(
        std::span(reinterpret_cast<const std::uint8_t*>(key.pem.data()), key.pem.size()), signing_key_aad(key.key_id));
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    db_.prepare("INSERT INTO marketplace_signing_key (id, signing_key_id, sealed, nonce, key_id, updated_at, "
                "updated_by) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) " +
                std::string(overwrite ? "DO UPDATE SET signing_key_id = excluded.signing_key_id, sealed = "
                                        "excluded.sealed, nonce = excluded.nonce, key_id = excluded.key_id, "
                                        "updated_at = excluded.updated_at, updated_by = excluded.updated_by"
                                      : "DO NOTHING"))
        .bind(1, key.key_id)
        .bind_blob(2, sealed.ciphertext)
        .bind_blob(3, sealed.nonce)
        .bind(4, sealed.key_id)
        .bind(5, now)
        .bind(6, by)
        .run();
}

std::optional<signing_key_store::key_material> signing_key_store::read_legacy() const
{
    struct stat info {};
    if (::lstat(legacy_file_.c_str(), &info) != 0) {
        if (errno == ENOENT)
            return std::nullopt;
        throw host_error("cannot inspect " + legacy_file_.string() + ": " + errno_text(errno));
    }
    return key_material(read_key_text(legacy_file_, true), "the marketplace signing key " + legacy_file_.string());
}

void signing_key_store::remove_legacy() const
{
    // Another host sharing this data folder may have removed it first.
    if (::unlink(legacy_file_.c_str()) != 0 && errno != ENOENT)
        throw host_error("moved the marketplace signing key into " + db_.location() + " but cannot delete " +
                         legacy_file_.string() + " (" + errno_text(errno) +
                         "): delete it, as it holds the private key in plain text");
    // The folder held only the key; anything else in it stays (and so does the folder).
    (void)::rmdir(legacy_folder_.c_str());
}

namespace {

std::string conflict_message(const database& db, const std::string& stored_id, const fs::path& file,
                             const std::string& file_id)
{
    return in_database(db) + " (" + stored_id + ") differs from the key " + file.string() + " holds (" + file_id +
           "), left in this data folder by an older sample_host: nothing was changed. To keep the database's key "
           "(which every host of the fleet signs with), delete " +
           file.string() +
           "; to sign with the file's key instead, move it out of the data folder and run "
           "`sample_host marketplace init --signing-key MOVED-FILE --replace`";
}

std::string moved_note(const fs::path& file, const std::string& key_id, const database& db)
{
    return "moved the marketplace signing key " + key_id + " from " + file.string() + " into " + db.location() +
           " (sealed under the host key) and deleted the file";
}

} // namespace

std::optional<std::string> signing_key_store::move_legacy_file()
{
    const secret_cipher& cipher = cipher_(); // before any statement: its first use may write
    std::optional<key_material> legacy = read_legacy();
    if (!legacy)
        return std::nullopt;
    std::string note;
    {
        transaction writing(db_); // so two hosts moving their files at once store one key
        const std::optional<key_material> current = read_stored(cipher);
        if (!current) {
            store(cipher, *legacy, "imported from " + legacy_file_.string(), true);
            note = moved_note(legacy_file_, legacy->key_id, db_);
        } else if (current->key_id != legacy->key_id) {
            throw host_error(conflict_message(db_, current->key_id, legacy_file_, legacy->key_id));
        } else {
            note = legacy_file_.string() + " held the marketplace signing key " + legacy->key_id + " already kept in " +
                   db_.location() + ": deleted the file";
        }
        writing.commit();
    }
    remove_legacy(); // only once the key is committed
    return note;
}

signing_key_store::loaded signing_key_store::load()
{
    const secret_cipher& cipher = cipher_(); // before any statement: its first use may write
    if (auto current = read_stored(cipher))
        return {marketplace_signing_key(std::move(current->pem), current->source), std::nullopt, std::nullopt};

    std::error_code ec;
    if (dev_key_.empty() || !fs::exists(dev_key_, ec))
        throw host_error("the marketplace has no signing key in " + db_.location() +
                         ": an administrator imports the marketplace's Ed25519 private key with `sample_host "
                         "marketplace init --signing-key FILE`");
    const key_material dev(read_key_text(dev_key_, false), "the build's development signing key " + dev_key_.string());
    // Stored unless another host stored a key meanwhile: whichever is stored is the one to sign with.
    store(cipher, dev, "this build's development key", false);
    std::optional<key_material> current = read_stored(cipher);
    if (!current)
        throw host_error(in_database(db_) + " vanished while it was being stored: retry");
    std::optional<std::string> note;
    std::optional<fs::path> imported_from;
    if (current->key_id == dev.key_id) {
        note = "imported this build's development signing key (" + dev.key_id + ") from " + dev_key_.string() +
               " into " + db_.location() +
               "; a real marketplace imports its own with `sample_host marketplace init --signing-key FILE`";
        imported_from = dev_key_;
    }
    return {marketplace_signing_key(std::move(current->pem), current->source), note, imported_from};
}

signing_key_store::import_result signing_key_store::import(const fs::path& source, bool replace, std::string_view by)
{
    const key_material incoming(read_key_text(source, false), source.string());
    const secret_cipher& cipher = cipher_();
    std::optional<key_material> legacy = read_legacy();

    import_result result{import_outcome::imported, incoming.key_id, {}, std::nullopt};
    transaction writing(db_);
    std::optional<key_material> current;
    try {
        current = read_stored(cipher);
    } catch (const secret_error& e) {
        // A stored key that no longer opens (altered) may be replaced; another host key may not.
        if (!replace || e.why() == secret_error::reason::wrong_key)
            throw;
        result.outcome = import_outcome::replaced;
        result.previous_key_id = stored_key_id().value_or("unreadable");
    }
    if (legacy) {
        if (!current && result.outcome != import_outcome::replaced) {
            store(cipher, *legacy, "imported from " + legacy_file_.string(), true);
            result.note = moved_note(legacy_file_, legacy->key_id, db_);
            current.emplace(std::string(legacy->pem), legacy->source);
        } else if (current && current->key_id != legacy->key_id && !(replace && legacy->key_id == incoming.key_id)) {
            throw host_error(conflict_message(db_, current->key_id, legacy_file_, legacy->key_id));
        }
    }
    if (current) {
        if (current->key_id == incoming.key_id) {
            result.outcome = import_outcome::unchanged;
            writing.commit(); // a legacy key moved in above
            if (legacy)
                remove_legacy();
            return result;
        }
        if (!replace)
            throw host_error(
                (result.note
                     ? "the marketplace signing key " + legacy_file_.string() + " (left by an older sample_host)"
                     : in_database(db_)) +
                " is another key (" + current->key_id + ") than " + source.string() + " (" + incoming.key_id +
                "). Licences already issued stay valid only where the "
                "connector trusts " +
                current->key_id + ": pass --replace to use the new key anyway");
        result.outcome = import_outcome::replaced;
        result.previous_key_id = current->key_id;
    }
    store(cipher, incoming, by, true);
    writing.commit();
    if (legacy)
        remove_legacy();
    return result;
}

} // namespace sample_host
