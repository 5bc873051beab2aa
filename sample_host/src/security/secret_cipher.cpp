#include "security/secret_cipher.hpp"

#include <connector_support/openssl_handles.hpp>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdint>

namespace sample_host {
namespace {

using cipher_ctx = connector_support::cipher_ctx_ptr;

cipher_ctx new_ctx()
{
    cipher_ctx ctx(EVP_CIPHER_CTX_new());
    if (!ctx)
        throw host_error("OpenSSL could not allocate a cipher context (out of memory?)");
    return ctx;
}

void append_field(std::string& out, std::string_view field)
{
    const auto size = static_cast<std::uint32_t>(field.size());
    for (int shift = 24; shift >= 0; shift -= 8)
        out += static_cast<char>((size >> shift) & 0xffu);
    out.append(field);
}

const unsigned char* as_uchar(std::string_view text)
{
    return reinterpret_cast<const unsigned char*>(text.data());
}

int as_int(std::size_t size)
{
    if (size > static_cast<std::size_t>(INT32_MAX))
        throw host_error("a secret value larger than 2 GiB cannot be sealed");
    return static_cast<int>(size);
}

} // namespace

std::string credential_aad(std::string_view tenant, std::string_view connector_id, std::string_view connection)
{
    std::string aad = "sample_host credential v1";
    append_field(aad, tenant);
    append_field(aad, connector_id);
    append_field(aad, connection);
    return aad;
}

std::string secret_aad(std::string_view tenant, std::string_view connection, std::string_view field_key)
{
    std::string aad = "sample_host secret v1";
    append_field(aad, tenant);
    append_field(aad, connection);
    append_field(aad, field_key);
    return aad;
}

std::string oauth_app_aad(std::string_view connector_id, std::string_view client_id)
{
    std::string aad = "sample_host oauth app v1";
    append_field(aad, connector_id);
    append_field(aad, client_id);
    return aad;
}

std::string signing_key_aad(std::string_view signing_key_id)
{
    std::string aad = "sample_host marketplace-signing-key v1";
    append_field(aad, signing_key_id);
    return aad;
}

secret_cipher::secret_cipher(const host_key& key) : key_(key) {}

sealed_value secret_cipher::seal(std::span<const std::uint8_t> plain, std::string_view aad) const
{
    sealed_value out;
    out.key_id = key_.id();
    out.nonce.resize(nonce_size);
    if (RAND_bytes(out.nonce.data(), static_cast<int>(nonce_size)) != 1)
        throw host_error("OpenSSL's random generator failed while sealing a secret; nothing was saved: retry");
    out.ciphertext.resize(plain.size() + tag_size);

    cipher_ctx ctx = new_ctx();
    int written = 0;
    int final_written = 0;
    const bool ok =
        EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce_size), nullptr) == 1 &&
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key_.material().data(), out.nonce.data()) == 1 &&
        EVP_EncryptUpdate(ctx.get(), nullptr, &written, as_uchar(aad), as_int(aad.size())) == 1 &&
        EVP_EncryptUpdate(ctx.get(), out.ciphertext.data(), &written, plain.data(), as_int(plain.size())) == 1 &&
        EVP_EncryptFinal_ex(ctx.get(), out.ciphertext.data() + written, &final_written) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size),
                            out.ciphertext.data() + plain.size()) == 1;
    if (!ok)
        throw host_error("OpenSSL failed to encrypt a secret with AES-256-GCM; nothing was saved");
    return out;
}

std::vector<std::uint8_t> secret_cipher::open(const sealed_value& sealed, std::string_view aad,
                                              std::string_view what) const
{
    if (sealed.key_id != key_.id())
        throw secret_error(secret_error::reason::wrong_key,
                           std::string(what) + " was encrypted with another host key (id " + sealed.key_id + ") than " +
                               key_.file().string() + " (id " + key_.id() +
                               "): put back the host.key this data folder was created with, or delete the "
                               "connection and create it again");
    const auto tampered = [&] {
        return secret_error(
            secret_error::reason::tampered,
            std::string(what) +
                " failed its integrity check: the database was altered or damaged, or the value was "
                "moved to another tenant, connection or field. Delete the connection and create it again");
    };
    if (sealed.nonce.size() != nonce_size || sealed.ciphertext.size() < tag_size)
        throw tampered();

    const std::size_t body = sealed.ciphertext.size() - tag_size;
    std::vector<std::uint8_t> plain(body);
    // GCM's tag ctrl takes a non-const pointer although it only reads it.
    std::vector<std::uint8_t> tag(sealed.ciphertext.end() - static_cast<std::ptrdiff_t>(tag_size),
                                  sealed.ciphertext.end());
    cipher_ctx ctx = new_ctx();
    int written = 0;
    int final_written = 0;
    const bool setup =
        EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce_size), nullptr) == 1 &&
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key_.material().data(), sealed.nonce.data()) == 1 &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &written, as_uchar(aad), as_int(aad.size())) == 1 &&
        EVP_DecryptUpdate(ctx.get(), plain.data(), &written, sealed.ciphertext.data(), as_int(body)) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size), tag.data()) == 1;
    if (!setup)
        throw host_error("OpenSSL failed to set up AES-256-GCM decryption of " + std::string(what));
    // The tag is checked here: any change to nonce, ciphertext, tag or associated data fails.
    if (EVP_DecryptFinal_ex(ctx.get(), plain.data() + written, &final_written) != 1) {
        OPENSSL_cleanse(plain.data(), plain.size());
        throw tampered();
    }
    return plain;
}

} // namespace sample_host
