#include "security/host_key.hpp"

#include "runtime/host_error.hpp"
#include "security/private_file.hpp"

#include <connector_support/openssl_handles.hpp>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sample_host {
namespace {

std::string fingerprint(const host_key::bytes& key)
{
    // SHA-256 over a domain label and the key: revealing 64 bits of it says nothing about the key.
    constexpr std::string_view label = "sample_host host key id v1";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    const connector_support::md_ctx_ptr ctx(EVP_MD_CTX_new());
    const bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1 &&
                    EVP_DigestUpdate(ctx.get(), label.data(), label.size()) == 1 &&
                    EVP_DigestUpdate(ctx.get(), key.data(), key.size()) == 1 &&
                    EVP_DigestFinal_ex(ctx.get(), digest, &length) == 1;
    if (!ok)
        throw host_error("OpenSSL could not compute SHA-256 (is the OpenSSL installation complete?)");
    static constexpr char hex[] = "0123456789abcdef";
    std::string id;
    for (std::size_t i = 0; i < 8; ++i) {
        id += hex[digest[i] >> 4];
        id += hex[digest[i] & 0x0f];
    }
    return id;
}

host_key read_key_file(const std::filesystem::path& file)
{
    file_descriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0)
        throw host_error("cannot read the host key " + file.string() + ": " + errno_text(errno) +
                         ": restore the file (it must belong to you, mode 0600)");
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0)
        throw host_error("cannot inspect the host key " + file.string() + ": " + errno_text(errno));
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        throw host_error("the host key " + file.string() +
                         " can be read by other users (mode is not 0600): run `chmod 600 " + file.string() +
                         "` and consider the secrets it protects exposed");
    if (info.st_size != static_cast<off_t>(host_key::size))
        throw host_error("the host key " + file.string() + " is " + std::to_string(info.st_size) + " bytes, not " +
                         std::to_string(host_key::size) +
                         ": it was damaged or replaced; restore it from a backup (without it, saved secrets cannot "
                         "be decrypted)");
    host_key::bytes key{};
    const long got = read_fully(fd.get(), key);
    if (got != static_cast<long>(key.size())) {
        const std::string why = got < 0 ? errno_text(errno) : std::string("unexpected end of file");
        OPENSSL_cleanse(key.data(), key.size());
        throw host_error("cannot read the host key " + file.string() + ": " + why);
    }
    host_key result(key, file);
    OPENSSL_cleanse(key.data(), key.size());
    return result;
}

// Creates the key file unless it already exists. Returns normally in both cases: when another
// process created the key meanwhile, its key wins and ours is discarded (nothing was sealed with ours).
void create_key_file(const std::filesystem::path& file)
{
    host_key::bytes key{};
    try {
        if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
            throw host_error("OpenSSL's random generator failed: the host key was not created; retry");
        publish_private_file(file, key, publish_mode::keep_existing, "the host key");
    } catch (...) {
        OPENSSL_cleanse(key.data(), key.size());
        throw;
    }
    OPENSSL_cleanse(key.data(), key.size());
}

} // namespace

host_key::host_key(bytes key, std::filesystem::path file) : key_(key), file_(std::move(file)), id_(fingerprint(key_)) {}

host_key::~host_key()
{
    OPENSSL_cleanse(key_.data(), key_.size());
}

host_key load_host_key(const std::filesystem::path& file)
{
    return read_key_file(file);
}

host_key load_or_create_host_key(const std::filesystem::path& file)
{
    struct stat info {};
    if (::lstat(file.c_str(), &info) != 0) {
        if (errno != ENOENT)
            throw host_error("cannot inspect the host key " + file.string() + ": " + errno_text(errno));
        create_key_file(file);
    }
    return read_key_file(file);
}

} // namespace sample_host
