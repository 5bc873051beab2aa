#include "transport/keystore.hpp"

#include <connector_support/ascii_text.hpp>
#include <connector_support/guarded.hpp>
#include <connector_support/time_text.hpp>

#include <openssl/asn1.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <optional>
#include <utility>

namespace sage {

keystore::keystore(keystore_format format, std::vector<x509_ptr> ca_certificates, x509_ptr client_certificate,
                   pkey_ptr client_key, std::vector<std::string> notes) noexcept
    : format_(format), ca_certificates_(std::move(ca_certificates)), client_certificate_(std::move(client_certificate)),
      client_key_(std::move(client_key)), notes_(std::move(notes))
{
}

namespace {

using connector_sdk::error_category;
using connector_support::bio_ptr;
using connector_support::fail;
using connector_support::openssl_memory_ptr;
using connector_support::pkcs12_ptr;
using connector_support::result;

// Whatever path load_keystore leaves by, OpenSSL's thread-local error queue is left empty, so a
// later, unrelated OpenSSL call (a TLS handshake...) never reports our stale errors as its own.
struct error_queue_guard {
    error_queue_guard() { ERR_clear_error(); }
    ~error_queue_guard() { ERR_clear_error(); }
    error_queue_guard(const error_queue_guard&) = delete;
    error_queue_guard& operator=(const error_queue_guard&) = delete;
};

// Drains the queue, answering whether OpenSSL refused an algorithm it does not enable (the legacy
// PKCS#12 ciphers RC2-40 and 3DES live in OpenSSL 3's "legacy" provider, not loaded by default).
// The most MAC key-derivation iterations a PKCS#12 file may ask for (OpenSSL exports 2048; a
// million costs about half a second).
constexpr long max_pkcs12_iterations = 1'000'000;

// The most key-derivation iterations the encrypted parts of a PKCS#12 file (its encrypted
// certificate bags and shrouded key bags) or an encrypted PEM key may ask for, all added up: each is
// paid on every validation, as the MAC's are.
constexpr std::uint64_t max_encryption_iterations = 1'000'000;

// The key-derivation cost a password-based encryption algorithm asks for: the iteration count of
// PKCS#5 v1 and PKCS#12 PBE, of PBES2 with PBKDF2, or N x r x p of PBES2 with scrypt. nullopt when
// the parameters cannot be read (OpenSSL then refuses the algorithm itself).
std::optional<std::uint64_t> derivation_cost(const X509_ALGOR* algorithm)
{
    const ASN1_OBJECT* oid = nullptr;
    int parameter_type = 0;
    const void* parameter = nullptr;
    X509_ALGOR_get0(&oid, &parameter_type, &parameter, algorithm);
    if (parameter_type != V_ASN1_SEQUENCE || parameter == nullptr)
        return std::nullopt;
    const auto* sequence = static_cast<const ASN1_STRING*>(parameter);
    const auto number = [](const ASN1_INTEGER* value) -> std::optional<std::uint64_t> {
        std::uint64_t n = 0;
        if (value == nullptr || ASN1_INTEGER_get_uint64(&n, value) != 1)
            return std::nullopt;
        return n;
    };
    if (OBJ_obj2nid(oid) != NID_pbes2) {
        const connector_support::pbe_param_ptr pbe(
            static_cast<PBEPARAM*>(ASN1_item_unpack(sequence, ASN1_ITEM_rptr(PBEPARAM))));
        return pbe ? number(pbe->iter) : std::nullopt;
    }
    const connector_support::pbes2_param_ptr pbes2(
        static_cast<PBE2PARAM*>(ASN1_item_unpack(sequence, ASN1_ITEM_rptr(PBE2PARAM))));
    if (!pbes2 || pbes2->keyfunc == nullptr || pbes2->keyfunc->parameter == nullptr)
        return std::nullopt;
    const int kdf = OBJ_obj2nid(pbes2->keyfunc->algorithm);
    if (kdf == NID_id_pbkdf2) {
        const connector_support::pbkdf2_param_ptr pbkdf2(static_cast<PBKDF2PARAM*>(
            ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbes2->keyfunc->parameter)));
        return pbkdf2 ? number(pbkdf2->iter) : std::nullopt;
    }
    if (kdf == NID_id_scrypt) {
        const connector_support::scrypt_param_ptr scrypt(static_cast<SCRYPT_PARAMS*>(
            ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), pbes2->keyfunc->parameter)));
        if (!scrypt)
            return std::nullopt;
        const auto n = number(scrypt->costParameter);
        const auto r = number(scrypt->blockSize);
        const auto p = number(scrypt->parallelizationParameter);
        if (!n || !r || !p || *r > UINT32_MAX || *p > UINT32_MAX || (*r != 0 && *n > UINT64_MAX / *r) ||
            (*p != 0 && *n * *r > UINT64_MAX / *p))
            return std::nullopt;
        return *n * *r * *p;
    }
    return std::nullopt;
}

bool drain_errors_mentioning_unsupported()
{
    bool unsupported = false;
    while (const unsigned long e = ERR_get_error()) {
        const char* reason = ERR_reason_error_string(e);
        if (reason != nullptr && std::strstr(reason, "unsupported") != nullptr)
            unsupported = true;
    }
    return unsupported;
}

// The sentences of every way a keystore can fail. A sentence about the file starts with its label
// (and the file's name); one about the password starts with "<password label> is ".
class messages {
public:
    messages(std::string_view file_name, const keystore_labels& labels)
        : file_label_(labels.file), password_label_(labels.password),
          subject_(file_name.empty() ? file_label_
                                     : file_label_ + " (" + connector_support::quote_for_message(file_name) + ")")
    {
    }

    // The file `cause_and_remedy`, e.g. "is empty: upload ...".
    connector_support::failure file(std::string_view cause_and_remedy) const
    {
        return fail(error_category::config, subject_ + " " + std::string(cause_and_remedy));
    }

    connector_support::failure password_required(std::string_view what) const
    {
        return fail(error_category::config, password_label_ + " is needed: " + subject_ + " is " + std::string(what) +
                                                " protected by a password; enter that password in " + password_label_);
    }

    connector_support::failure wrong_password() const
    {
        return fail(error_category::config, password_label_ + " is wrong: it does not open " + subject_ +
                                                "; enter the password the keystore was exported with");
    }

    connector_support::failure unsupported() const
    {
        return file("is protected with a legacy algorithm (such as RC2 or 3DES) that OpenSSL 3 does not enable: "
                    "export it again with AES-256, e.g. openssl pkcs12 -export -keypbe AES-256-CBC "
                    "-certpbe AES-256-CBC");
    }

    [[nodiscard]] const std::string& file_label() const noexcept { return file_label_; }

private:
    std::string file_label_;
    std::string password_label_;
    std::string subject_;
};

// Adds what `algorithm` costs to `total`; false (and `total` left as it was) when the cost cannot be
// read or the total would pass max_encryption_iterations.
bool add_derivation_cost(const X509_ALGOR* algorithm, std::uint64_t& total)
{
    const auto cost = derivation_cost(algorithm);
    if (!cost || *cost > max_encryption_iterations - std::min(total, max_encryption_iterations))
        return false;
    total += *cost;
    return true;
}

// The failure for encrypted contents that ask for too many derivations (or an unreadable number).
connector_support::failure too_many_encryption_iterations(const messages& say, std::string_view what)
{
    return say.file("has " + std::string(what) + " asking for more key-derivation iterations than the " +
                    std::to_string(max_encryption_iterations) +
                    " this connector accepts in all (they are paid on every validation), or for an unreadable "
                    "number: export it again with the usual settings, e.g. openssl pkcs12 -export -iter 2048");
}

int password_callback(char* buffer, int size, int, void* user)
{
    const auto* password = static_cast<const std::string*>(user);
    if (password == nullptr || size < 0 || password->size() > static_cast<std::size_t>(size))
        return -1;
    // OpenSSL takes the length returned: the password is not, and need not be, NUL-terminated.
    std::memcpy(buffer, password->data(), password->size()); // NOLINT(bugprone-not-null-terminated-result)
    return static_cast<int>(password->size());
}

std::string subject_of(X509* certificate)
{
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253) < 0)
        return "(unnamed)";
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    if (size <= 0 || data == nullptr)
        return "(unnamed)";
    const std::string text(data, static_cast<std::size_t>(size));
    return text.size() > 120 ? text.substr(0, 120) + "..." : text;
}

std::string date_of(const ASN1_TIME* time)
{
    std::tm tm{};
    if (ASN1_TIME_to_tm(time, &tm) != 1)
        return "an unreadable date";
    return connector_support::utc_minute_text(std::chrono::sys_seconds(std::chrono::seconds(::timegm(&tm))));
}

void note_validity(X509* certificate, std::string_view label, std::chrono::system_clock::time_point now,
                   std::vector<std::string>& notes)
{
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    const std::string who = "the client certificate in " + std::string(label) + " (" + subject_of(certificate) + ")";
    if (X509_cmp_time(X509_get0_notAfter(certificate), &t) < 0)
        notes.push_back(who + " expired on " + date_of(X509_get0_notAfter(certificate)) +
                        "; it is used anyway, but a server that checks client certificates will refuse it: "
                        "renew it and upload the new one");
    else if (X509_cmp_time(X509_get0_notBefore(certificate), &t) > 0)
        notes.push_back(who + " is not valid before " + date_of(X509_get0_notBefore(certificate)) +
                        "; a server that checks client certificates will refuse it until then");
    ERR_clear_error();
}

bool looks_like_pem(std::span<const std::uint8_t> content)
{
    const std::string_view text(reinterpret_cast<const char*>(content.data()), content.size());
    return text.find("-----BEGIN ") != std::string_view::npos;
}

result<keystore> load_pem(std::span<const std::uint8_t> content, const std::optional<std::string>& password,
                          std::chrono::system_clock::time_point now, const messages& say)
{
    bio_ptr bio =
        connector_support::memory_bio(std::string_view(reinterpret_cast<const char*>(content.data()), content.size()));
    if (!bio)
        return say.file("could not be read (out of memory)");
    std::vector<x509_ptr> certificates;
    pkey_ptr key;
    std::vector<std::string> notes;
    for (int block = 1;; ++block) {
        char* raw_name = nullptr;
        char* raw_header = nullptr;
        unsigned char* raw_data = nullptr;
        long length = 0;
        if (PEM_read_bio(bio.get(), &raw_name, &raw_header, &raw_data, &length) == 0) {
            const unsigned long e = ERR_peek_last_error();
            if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE)
                break; // no further block: the normal end of the bundle
            return say.file("looks like PEM but block " + std::to_string(block) +
                            " is damaged (broken armour or base64): export the file again");
        }
        const openssl_memory_ptr<char> name(raw_name);
        const openssl_memory_ptr<char> header(raw_header);
        const openssl_memory_ptr<unsigned char> data(raw_data);
        const std::string_view kind(name.get());

        if (kind == "CERTIFICATE" || kind == "X509 CERTIFICATE" || kind == "TRUSTED CERTIFICATE") {
            const unsigned char* p = data.get();
            x509_ptr certificate(kind == "TRUSTED CERTIFICATE" ? d2i_X509_AUX(nullptr, &p, length)
                                                               : d2i_X509(nullptr, &p, length));
            if (!certificate)
                return say.file("has a certificate (block " + std::to_string(block) +
                                ") that cannot be read: export the file again");
            certificates.push_back(std::move(certificate));
        } else if (kind.ends_with("PRIVATE KEY")) {
            if (key)
                return say.file("holds more than one private key: keep only the key of the client certificate");
            const bool encrypted =
                kind == "ENCRYPTED PRIVATE KEY" || (header && std::strstr(header.get(), "ENCRYPTED") != nullptr);
            if (encrypted && !password)
                return say.password_required("an encrypted private key");
            if (kind == "ENCRYPTED PRIVATE KEY") {
                // PKCS#8: its derivations are counted before the password is tried.
                const unsigned char* p = data.get();
                const connector_support::x509_sig_ptr sealed(d2i_X509_SIG(nullptr, &p, length));
                const X509_ALGOR* algorithm = nullptr;
                if (sealed)
                    X509_SIG_get0(sealed.get(), &algorithm, nullptr);
                std::uint64_t cost = 0;
                if (sealed && (algorithm == nullptr || !add_derivation_cost(algorithm, cost)))
                    return too_many_encryption_iterations(say, "an encrypted private key (block " +
                                                                   std::to_string(block) + ")");
                ERR_clear_error();
            }
            // Re-armour the one block so OpenSSL's decoders (PKCS#8, traditional, encrypted or not) read it.
            bio_ptr one(BIO_new(BIO_s_mem()));
            if (!one || PEM_write_bio(one.get(), name.get(), header ? header.get() : "", data.get(), length) <= 0)
                return say.file("could not be read (out of memory)");
            std::string password_copy = password.value_or(std::string());
            key.reset(PEM_read_bio_PrivateKey(one.get(), nullptr, &password_callback,
                                              password ? static_cast<void*>(&password_copy) : nullptr));
            OPENSSL_cleanse(password_copy.data(), password_copy.size());
            if (!key) {
                const bool unsupported = drain_errors_mentioning_unsupported();
                if (encrypted)
                    return unsupported ? say.unsupported() : say.wrong_password();
                return say.file("has a private key (block " + std::to_string(block) +
                                ") that cannot be read: export the file again");
            }
        } else {
            notes.push_back("block " + std::to_string(block) + " of " + say.file_label() + " (" +
                            std::string(kind.substr(0, 40)) +
                            ") is neither a certificate nor a private key and was ignored");
        }
    }
    ERR_clear_error();

    if (certificates.empty())
        return say.file("is a PEM file without any certificate: add the CA certificate(s) to trust, and your "
                        "client certificate if you use one (blocks starting -----BEGIN CERTIFICATE-----)");

    x509_ptr client;
    if (key) {
        for (auto it = certificates.begin(); it != certificates.end(); ++it) {
            if (X509_check_private_key(it->get(), key.get()) == 1) {
                client = std::move(*it);
                certificates.erase(it);
                break;
            }
        }
        ERR_clear_error();
        if (!client)
            return say.file("holds a private key that belongs to none of its certificates: add the certificate "
                            "issued for that key, or remove the key");
        note_validity(client.get(), say.file_label(), now, notes);
    }
    return keystore(keystore_format::pem, std::move(certificates), std::move(client), std::move(key), std::move(notes));
}

// Adds the encryption cost of every shrouded key in `bags` (and in bags nested in them) to `total`;
// false as soon as it passes max_encryption_iterations or cannot be read.
bool add_bag_costs(const STACK_OF(PKCS12_SAFEBAG) * bags, std::uint64_t& total, int depth)
{
    if (bags == nullptr)
        return true;
    if (depth > 8)
        return false;
    for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
        const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, i);
        const int type = PKCS12_SAFEBAG_get_nid(bag);
        if (type == NID_pkcs8ShroudedKeyBag) {
            const X509_ALGOR* algorithm = nullptr;
            X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &algorithm, nullptr);
            if (algorithm == nullptr || !add_derivation_cost(algorithm, total))
                return false;
        } else if (type == NID_safeContentsBag && !add_bag_costs(PKCS12_SAFEBAG_get0_safes(bag), total, depth + 1)) {
            return false;
        }
    }
    return true;
}

// Whether the encrypted parts of a PKCS#12 file ask for at most max_encryption_iterations key
// derivations in all, checked before PKCS12_parse pays them: each encrypted safe's own encryption
// before it is decrypted (with `pass`), then the shrouded keys in every safe. A safe that does not
// decrypt is left for PKCS12_parse to report.
bool pkcs12_encryption_within_bounds(PKCS12* p12, const char* pass)
{
    const connector_support::pkcs7_stack_ptr safes(PKCS12_unpack_authsafes(p12));
    if (!safes)
        return true; // unreadable: PKCS12_parse says so
    std::uint64_t total = 0;
    for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
        PKCS7* safe = sk_PKCS7_value(safes.get(), i);
        const int type = OBJ_obj2nid(safe->type);
        connector_support::safebag_stack_ptr bags;
        if (type == NID_pkcs7_data) {
            bags.reset(PKCS12_unpack_p7data(safe));
        } else if (type == NID_pkcs7_encrypted) {
            if (safe->d.encrypted == nullptr || safe->d.encrypted->enc_data == nullptr ||
                safe->d.encrypted->enc_data->algorithm == nullptr ||
                !add_derivation_cost(safe->d.encrypted->enc_data->algorithm, total))
                return false;
            bags.reset(PKCS12_unpack_p7encdata(safe, pass, -1));
        }
        if (!add_bag_costs(bags.get(), total, 0))
            return false;
    }
    return true;
}

result<keystore> load_pkcs12(PKCS12* p12, const std::optional<std::string>& password,
                             std::chrono::system_clock::time_point now, const messages& say)
{
    // PKCS#12 tells "no password" (NULL) and "empty password" apart; try both when none was given.
    const char* pass = password ? password->c_str() : nullptr;
    const bool has_mac = PKCS12_mac_present(p12) == 1;
    if (has_mac) {
        // Each check of the MAC derives its key that many times: refuse absurd counts before any.
        const ASN1_INTEGER* iterations = nullptr;
        PKCS12_get0_mac(nullptr, nullptr, nullptr, &iterations, p12);
        const long count = iterations == nullptr ? 1 : ASN1_INTEGER_get(iterations);
        if (count < 1 || count > max_pkcs12_iterations)
            return say.file("asks for " + (count < 1 ? std::string("an unreadable number of") : std::to_string(count)) +
                            " key-derivation iterations, more than the " + std::to_string(max_pkcs12_iterations) +
                            " this connector accepts (they are paid on every validation): export it again with "
                            "the usual settings, e.g. openssl pkcs12 -export -iter 2048");
    }
    const bool mac_checked_by_parse = has_mac && password && !password->empty();
    if (has_mac && !mac_checked_by_parse) {
        if (PKCS12_verify_mac(p12, nullptr, 0) == 1) {
            pass = nullptr;
        } else if (PKCS12_verify_mac(p12, "", 0) == 1) {
            pass = "";
        } else {
            return password ? say.wrong_password() : say.password_required("a PKCS#12 file");
        }
    }
    if (!pkcs12_encryption_within_bounds(p12, pass))
        return too_many_encryption_iterations(say, "encrypted contents (certificate or key bags)");
    ERR_clear_error();

    EVP_PKEY* raw_key = nullptr;
    X509* raw_certificate = nullptr;
    STACK_OF(X509)* raw_cas = nullptr;
    const int parsed = PKCS12_parse(p12, pass, &raw_key, &raw_certificate, &raw_cas);
    pkey_ptr key(raw_key);
    x509_ptr client(raw_certificate);
    std::vector<x509_ptr> cas;
    if (raw_cas != nullptr) {
        while (X509* ca = sk_X509_shift(raw_cas))
            cas.emplace_back(ca);
        sk_X509_free(raw_cas);
    }
    if (parsed != 1) {
        // With a password given, PKCS12_parse checked the MAC itself (checking it first would cost
        // every derivation twice): a MAC failure there is a wrong password.
        const bool wrong_mac = ERR_GET_REASON(ERR_peek_error()) == PKCS12_R_MAC_VERIFY_FAILURE;
        if (drain_errors_mentioning_unsupported())
            return say.unsupported();
        if (mac_checked_by_parse && wrong_mac)
            return say.wrong_password();
        if (!has_mac)
            return password ? say.wrong_password() : say.password_required("a PKCS#12 file");
        return say.file("is a PKCS#12 file whose contents cannot be read: export it again");
    }
    ERR_clear_error();
    if (key && !client)
        return say.file("holds a private key but no certificate issued for it: export the key together with its "
                        "certificate");
    if (!client && cas.empty())
        return say.file("is a PKCS#12 file without any certificate: export the "
                        "certificates to trust (and your client certificate)");
    std::vector<std::string> notes;
    if (client && key)
        note_validity(client.get(), say.file_label(), now, notes);
    else if (client) {
        // A certificate without its key cannot identify us; trust it like the others.
        cas.insert(cas.begin(), std::move(client));
    }
    return keystore(keystore_format::pkcs12, std::move(cas), std::move(client), std::move(key), std::move(notes));
}

} // namespace

result<keystore> load_keystore(std::span<const std::uint8_t> content, std::string_view file_name,
                               const std::optional<std::string>& password, std::chrono::system_clock::time_point now,
                               const keystore_labels& labels) noexcept
{
    return connector_support::guarded(
        [&]() -> result<keystore> {
            const error_queue_guard guard;
            const messages say(file_name, labels);
            if (content.empty())
                return say.file("is empty: upload a PEM bundle or a PKCS#12 (.p12, .pfx) file");
            if (content.size() > max_keystore_size)
                return say.file("is larger than 4 MiB, far more than a keystore needs: upload only the certificates "
                                "and the key this connection uses");
            if (looks_like_pem(content))
                return load_pem(content, password, now, say);
            const unsigned char* p = content.data();
            pkcs12_ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(content.size())));
            if (p12)
                return load_pkcs12(p12.get(), password, now, say);
            return say.file("is neither a PEM bundle nor a PKCS#12 file: upload certificates in PEM form (text with "
                            "-----BEGIN CERTIFICATE----- blocks) or a .p12/.pfx file; a binary (DER) certificate can "
                            "be converted with: openssl x509 -inform der -in FILE -out FILE.pem");
        },
        [](std::string_view) noexcept { ERR_clear_error(); },
        [&]() noexcept -> result<keystore> {
            try {
                return fail(error_category::config, labels.file + " could not be read (out of memory)");
            } catch (...) {
                return connector_support::failure{error_category::config, {}};
            }
        });
}

bool blames_password(const connector_support::failure& why, const keystore_labels& labels) noexcept
{
    const std::string_view message = why.message;
    return !labels.password.empty() && message.starts_with(labels.password) &&
           message.substr(labels.password.size()).starts_with(" is ");
}

} // namespace sage
