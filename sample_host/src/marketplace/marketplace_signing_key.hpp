// The marketplace's licence signing key: an Ed25519 private key kept in the host database, sealed with
// AES-256-GCM under the host key (bound to its key id), so every host of a fleet signs with the same
// one. An administrator imports one with `sample_host marketplace init --signing-key FILE`; a
// development build imports the throw-away key its build generated (CONNECTOR_DEV_SIGNING_KEY) on
// first need (the first host to do so wins; the others use the key stored). A key left in a data folder
// by an older host (<data>/marketplace/signing-key.pem) is moved into the database before use. Key
// material is never printed or logged: messages name files and key ids only.
#pragma once

#include <connector_sdk/license.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

class database;
class secret_cipher;

// A loaded signing key. The PEM text is wiped from memory when the object dies.
class marketplace_signing_key final {
public:
    // Throws host_error when `pem` is not an Ed25519 private key (`source` names it in the message).
    marketplace_signing_key(std::string pem, std::string_view source);
    ~marketplace_signing_key();
    marketplace_signing_key(const marketplace_signing_key& other);
    marketplace_signing_key& operator=(const marketplace_signing_key&) = delete;

    // "mk-" + 16 hex digits: what licences name in their header and payload.
    [[nodiscard]] const std::string& key_id() const noexcept { return key_id_; }
    [[nodiscard]] const std::array<std::uint8_t, 32>& public_key() const noexcept { return public_key_; }
    // Signs `claims`, setting claims.key_id to this key's id.
    [[nodiscard]] std::string sign(connector_sdk::license_claims claims) const;

private:
    std::string pem_; // PKCS#8 PEM as OpenSSL writes it
    std::array<std::uint8_t, 32> public_key_{};
    std::string key_id_;
};

// Checks that `pem` holds an Ed25519 private key and returns it re-encoded as PKCS#8 PEM. Throws
// host_error naming `source` and what it holds instead (a public key, an RSA key, an encrypted key,
// no key at all...). Never repeats the input.
[[nodiscard]] std::string normalized_ed25519_private_key(std::string_view pem, std::string_view source);

// The development key this build generated, "" in builds with a real marketplace key.
[[nodiscard]] std::filesystem::path build_dev_signing_key();

class signing_key_store final {
public:
    using cipher_source = std::function<const secret_cipher&()>;

    // `db` must outlive the store; `cipher` is asked on the first seal or open. `data_dir`: where an
    // older host kept the key (marketplace/signing-key.pem). `dev_key`: imported on first need when no
    // key is stored and the file exists ("" for none).
    signing_key_store(database& db, cipher_source cipher, const std::filesystem::path& data_dir,
                      std::filesystem::path dev_key);

    // <data>/marketplace/signing-key.pem, where hosts before the database kept the key.
    [[nodiscard]] const std::filesystem::path& legacy_file() const noexcept { return legacy_file_; }
    // The id of the key stored, without opening it; nullopt when none is.
    [[nodiscard]] std::optional<std::string> stored_key_id();

    // Moves a key an older sample_host left in the data folder into the database, in a transaction of
    // its own, then deletes the file (only once the key is committed): call it before load(), outside
    // any transaction. A note saying what was done, or nullopt when there was no file. Refused (the
    // file stays), naming both key ids and the remedy, when the database holds another key; and, as
    // the file was always kept, when it can be read by others or is not a regular file.
    std::optional<std::string> move_legacy_file();

    struct loaded {
        marketplace_signing_key key;
        // Set when this call stored the build's development key: what to say, and where it came from.
        std::optional<std::string> note;
        std::optional<std::filesystem::path> imported_from;
    };
    // The key stored. With none stored, stores the development key if it exists, unless another host
    // stored a key meanwhile (the key stored is the one returned, so every host signs with the same);
    // otherwise throws host_error naming `sample_host marketplace init --signing-key FILE`. Meant to
    // run inside the marketplace's write transaction, so a refused request stores nothing. Throws
    // host_error (secret_error) when the stored key was sealed with another host key or was altered.
    [[nodiscard]] loaded load();

    enum class import_outcome : std::uint8_t { imported, unchanged, replaced };
    struct import_result {
        import_outcome outcome;
        std::string key_id;
        std::string previous_key_id;     // when replaced
        std::optional<std::string> note; // as loaded::note, when a legacy key file was moved in first
    };
    // Imports `source` (an Ed25519 private key in PEM form) on behalf of `by`. A different key already
    // stored is refused unless `replace`: licences signed with it would no longer be renewable with it.
    import_result import(const std::filesystem::path& source, bool replace, std::string_view by);

private:
    struct key_material;
    [[nodiscard]] std::optional<key_material> read_stored(const secret_cipher& cipher);
    // Stores `key`; without `overwrite`, a key already stored stays.
    void store(const secret_cipher& cipher, const key_material& key, std::string_view by, bool overwrite);
    [[nodiscard]] std::optional<key_material> read_legacy() const;
    void remove_legacy() const;

    database& db_;
    cipher_source cipher_;
    std::filesystem::path legacy_folder_;
    std::filesystem::path legacy_file_;
    std::filesystem::path dev_key_;
};

} // namespace sample_host
