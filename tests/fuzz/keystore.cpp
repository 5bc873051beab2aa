// Fuzz target: sage::load_keystore, the reader of an uploaded Keystore File (PEM bundle, PEM key,
// PKCS#12 or DER, from a tenant's form). The first byte says whether a password is given. Seeds are
// made at run time by scripts/fuzz.sh (no key is kept in the repository).
#include "transport/keystore.hpp"

#include <openssl/err.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::optional<std::string> password =
        data[0] % 2 == 0 ? std::nullopt : std::optional<std::string>("fuzz-pass");
    const sage::keystore_labels labels{"Upload Keystore File", "Keystore Password"};
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
    const auto loaded = sage::load_keystore(std::span(data + 1, size - 1), "upload.p12", password, now, labels);
    if (!loaded && loaded.error().message.rfind(labels.file, 0) != 0 &&
        loaded.error().message.rfind(labels.password, 0) != 0)
        std::abort(); // a failure starts with the label of the input at fault
    if (ERR_peek_error() != 0)
        std::abort(); // the error queue is left empty
    return 0;
}
