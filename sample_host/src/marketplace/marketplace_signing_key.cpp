#include "marketplace/marketplace_signing_key.hpp"

#include "runtime/host_error.hpp"
#include "security/private_file.hpp"

#include <connector_support/openssl_handles.hpp>

#include <openssl/crypto.h>

#include <cerrno>
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

void wipe(std::string& text) noexcept
{
    if (!text.empty())
        OPENSSL_cleanse(text.data(), text.size());
    text.clear();
}

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
    std::string text(static_cast<std::size_t>(info.st_size), '\0');
    const long got = read_fully(fd.get(), std::span(reinterpret_cast<std::uint8_t*>(text.data()), text.size()));
    if (got < 0) {
        const int error = errno;
        wipe(text);
        throw host_error("cannot read " + file.string() + ": " + errno_text(error));
    }
    text.resize(static_cast<std::size_t>(got));
    return text;
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

signing_key_store::signing_key_store(fs::path data_dir, fs::path dev_key)
    : data_dir_(std::move(data_dir)), folder_(data_dir_ / "marketplace"), file_(folder_ / "signing-key.pem"),
      dev_key_(std::move(dev_key))
{
}

bool signing_key_store::present() const
{
    struct stat info {};
    return ::lstat(file_.c_str(), &info) == 0;
}

void signing_key_store::ensure_folder() const
{
    struct stat info {};
    if (::lstat(folder_.c_str(), &info) != 0) {
        if (errno != ENOENT)
            throw host_error("cannot inspect " + folder_.string() + ": " + errno_text(errno));
        if (::mkdir(folder_.c_str(), 0700) != 0 && errno != EEXIST)
            throw host_error("cannot create the folder " + folder_.string() + ": " + errno_text(errno) +
                             ": check the permissions of the data folder " + data_dir_.string());
        if (::lstat(folder_.c_str(), &info) != 0)
            throw host_error("cannot inspect " + folder_.string() + ": " + errno_text(errno));
    }
    if (!S_ISDIR(info.st_mode))
        throw host_error(folder_.string() + " is not a folder (the marketplace keeps its signing key there): move it "
                                            "away");
    // mkdir applies the umask, and an older folder may have been opened up: it must be exactly 0700.
    if ((info.st_mode & 07777) != 0700 && ::chmod(folder_.c_str(), 0700) != 0)
        throw host_error("cannot make " + folder_.string() + " private (mode 0700): " + errno_text(errno));
}

bool signing_key_store::write_key(const std::string& pem, bool replace) const
{
    ensure_folder();
    return publish_private_file(file_, std::span(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()),
                                replace ? publish_mode::replace : publish_mode::keep_existing,
                                "the marketplace signing key");
}

signing_key_store::loaded signing_key_store::load() const
{
    std::optional<fs::path> imported;
    if (!present())
        imported = import_dev_key();
    else
        ensure_folder();
    std::string text = read_key_text(file_, true);
    return {marketplace_signing_key(std::move(text), "the marketplace signing key " + file_.string()), imported};
}

std::optional<fs::path> signing_key_store::import_dev_key() const
{
    std::error_code ec;
    if (dev_key_.empty() || !fs::exists(dev_key_, ec))
        throw host_error("the marketplace has no signing key (" + file_.string() +
                         " does not exist): an administrator imports the marketplace's Ed25519 private key "
                         "with `sample_host marketplace init --signing-key FILE`");
    std::string text = read_key_text(dev_key_, false);
    wipe_on_exit guard{text};
    std::string pem = normalized_ed25519_private_key(text, "the build's development signing key " + dev_key_.string());
    wipe_on_exit pem_guard{pem};
    if (!write_key(pem, false))
        return std::nullopt; // another process put a key in place meanwhile: that one is read
    return dev_key_;
}

signing_key_store::import_result signing_key_store::import(const fs::path& source, bool replace) const
{
    std::string text = read_key_text(source, false);
    wipe_on_exit guard{text};
    const marketplace_signing_key incoming(text, source.string());
    std::string pem = normalized_ed25519_private_key(text, source.string());
    wipe_on_exit pem_guard{pem};

    import_result result{import_outcome::imported, incoming.key_id(), {}};
    if (present()) {
        std::string current_text = read_key_text(file_, true);
        const marketplace_signing_key current(std::move(current_text), "the marketplace signing key " + file_.string());
        if (current.key_id() == incoming.key_id()) {
            ensure_folder();
            result.outcome = import_outcome::unchanged;
            return result;
        }
        if (!replace)
            throw host_error("the marketplace already has a signing key (" + current.key_id() + ") in " +
                             file_.string() + "; " + source.string() + " holds another one (" + incoming.key_id() +
                             "). Licences already issued stay valid only where the connector trusts " +
                             current.key_id() + ": pass --replace to use the new key anyway");
        result.outcome = import_outcome::replaced;
        result.previous_key_id = current.key_id();
    }
    if (!write_key(pem, replace))
        throw host_error("another process put a signing key in " + file_.string() +
                         " at the same moment: run the command again to compare");
    return result;
}

} // namespace sample_host
