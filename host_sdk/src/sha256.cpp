#include "sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

namespace connector_sdk::host_detail {

std::optional<std::string> sha256_file(const std::filesystem::path& file, std::string& error) noexcept
{
    try {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            error = "cannot open " + file.string() + ": " + std::strerror(errno);
            return std::nullopt;
        }
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
        if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
            error = "OpenSSL could not start a SHA-256 digest";
            return std::nullopt;
        }
        std::array<char, 1 << 16> buffer{};
        while (in) {
            in.read(buffer.data(), buffer.size());
            const auto n = in.gcount();
            if (n > 0 && EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(n)) != 1) {
                error = "OpenSSL failed while hashing " + file.string();
                return std::nullopt;
            }
        }
        if (in.bad()) {
            error = "read error on " + file.string();
            return std::nullopt;
        }
        std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
        unsigned int length = 0;
        if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) {
            error = "OpenSSL could not finish the SHA-256 digest";
            return std::nullopt;
        }
        static constexpr char hex[] = "0123456789abcdef";
        std::string out;
        out.reserve(length * 2);
        for (unsigned int i = 0; i < length; ++i) {
            out.push_back(hex[digest[i] >> 4]);
            out.push_back(hex[digest[i] & 0x0f]);
        }
        return out;
    } catch (const std::exception& e) {
        error = e.what();
        return std::nullopt;
    }
}

} // namespace connector_sdk::host_detail
