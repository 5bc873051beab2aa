// The marketplace's licence signing key: an Ed25519 private key kept in the host's data folder at
// <data>/marketplace/signing-key.pem (file mode 0600, folder 0700). An administrator imports one with
// `sample_host marketplace init --signing-key FILE`; a development build imports the throw-away key
// its build generated (CONNECTOR_DEV_SIGNING_KEY) on first need. Key material is never printed or
// logged: messages name files and key ids only.
#pragma once

#include <connector_sdk/license.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sample_host {

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
    // `dev_key`: imported on first need when no key is in place and the file exists ("" for none).
    signing_key_store(std::filesystem::path data_dir, std::filesystem::path dev_key);

    // <data>/marketplace
    [[nodiscard]] const std::filesystem::path& folder() const noexcept { return folder_; }
    // <data>/marketplace/signing-key.pem
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }
    [[nodiscard]] bool present() const;

    struct loaded {
        marketplace_signing_key key;
        // Set when this call imported the build's development key (the path it came from).
        std::optional<std::filesystem::path> imported_dev_key;
    };
    // The key in place; when there is none, imports the development key if it exists; otherwise throws
    // host_error naming `sample_host marketplace init --signing-key FILE`. Throws host_error when the
    // key file can be read by others, is not a regular file, or holds no Ed25519 private key.
    [[nodiscard]] loaded load() const;

    enum class import_outcome : std::uint8_t { imported, unchanged, replaced };
    struct import_result {
        import_outcome outcome;
        std::string key_id;
        std::string previous_key_id; // when replaced
    };
    // Imports `source` (an Ed25519 private key in PEM form). A different key already in place is
    // refused unless `replace`: licences signed with it would no longer be renewable with it.
    import_result import(const std::filesystem::path& source, bool replace) const;

private:
    // Creates the folder 0700 (or tightens an existing one to 0700).
    void ensure_folder() const;
    // Writes `pem` as the key file (0600). Without `replace`, an existing file is kept (returns false).
    bool write_key(const std::string& pem, bool replace) const;
    // No key in place: imports the build's development key (its path), or throws host_error naming
    // `marketplace init`. nullopt when another process put a key in place meanwhile.
    [[nodiscard]] std::optional<std::filesystem::path> import_dev_key() const;

    std::filesystem::path data_dir_;
    std::filesystem::path folder_;
    std::filesystem::path file_;
    std::filesystem::path dev_key_;
};

} // namespace sample_host
