// Seals secret values at rest with AES-256-GCM (OpenSSL EVP): a fresh random 96-bit nonce per value,
// associated data binding each value to its tenant, connection and field, and the host key's id so a
// wrong key file is told apart from altered data.
#pragma once

#include "runtime/host_error.hpp"
#include "security/host_key.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

struct sealed_value {
    std::vector<std::uint8_t> nonce;      // 12 bytes
    std::vector<std::uint8_t> ciphertext; // encrypted bytes followed by the 16-byte GCM tag
    std::string key_id;                   // host_key::id() of the key that sealed it
};

class secret_error final : public host_error {
public:
    enum class reason : std::uint8_t { wrong_key, tampered };
    secret_error(reason why, const std::string& message) : host_error(message), reason_(why) {}
    [[nodiscard]] reason why() const noexcept { return reason_; }

private:
    reason reason_;
};

// The associated data for a field: moving a sealed value to another tenant, connection or field
// makes it fail to open. Unambiguous (length-prefixed), so ("ab","c") never equals ("a","bc").
[[nodiscard]] std::string secret_aad(std::string_view tenant, std::string_view connection, std::string_view field_key);

// The associated data for the credentials a connector keeps in the host's credential store: a token
// set opens only for its tenant, connector and connection, and never as a connection's field.
[[nodiscard]] std::string credential_aad(std::string_view tenant, std::string_view connector_id,
                                         std::string_view connection);

// The associated data of the host's default OAuth app for a connector: its client secret opens only
// for that connector and client id.
[[nodiscard]] std::string oauth_app_aad(std::string_view connector_id, std::string_view client_id);

// The associated data of the marketplace's licence signing key: it opens only as the signing key
// whose key id its row names.
[[nodiscard]] std::string signing_key_aad(std::string_view signing_key_id);

class secret_cipher final {
public:
    static constexpr std::size_t nonce_size = 12;
    static constexpr std::size_t tag_size = 16;

    explicit secret_cipher(const host_key& key);

    [[nodiscard]] sealed_value seal(std::span<const std::uint8_t> plain, std::string_view aad) const;

    // The plain bytes. Throws secret_error naming `what` (e.g. "the secret 'ClientSecret' of
    // connection 'Books'"), the key file and the remedy when the key differs or the data was altered.
    [[nodiscard]] std::vector<std::uint8_t> open(const sealed_value& sealed, std::string_view aad,
                                                 std::string_view what) const;

    [[nodiscard]] const host_key& key() const noexcept { return key_; }

private:
    host_key key_;
};

} // namespace sample_host
